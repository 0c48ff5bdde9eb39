"""Search stand-ins: the index gets the blocks' words, the page gets the blocks.

While Material's search plugin indexes a page, each block is replaced by a
stand-in with its text only (``hooks/search_text.py``). These tests parse a
block and its stand-in with the plugin's own parser and compare what it
would index.
"""

from __future__ import annotations

import re
import sys

import pytest
from material.plugins.search.plugin import Parser

from tests.conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))

from hooks.cache import RenderCache  # noqa: E402
from hooks.demo_block import DemoContext  # noqa: E402
from hooks.pages import (  # noqa: E402
    PageBlockError,
    fill_placeholders,
    render_blocks,
    restore_blocks,
)
from hooks.search_text import search_stand_in, stand_in_markers  # noqa: E402

BLOCKS = {
    "weight table": '```attention-table\ntokens: <s> a&b "c"\nmask: causal\n'
    "row_sums: true\n```",
    "heatmap": "```attention-heatmap\ntokens: a b c d\nn_heads: 2\n```",
    "mask figure": "```attention-mask\nseq_len: 6\nmask: sliding_window\n"
    "window: 2\n```",
    "cost chart": "```attention-cost\nconfigs:\n  - {n_heads: 8, d_k: 64}\n```",
    "kv-cache table": "```attention-kv-cache\nmodels: [llama-3-8b]\n```",
    "demo": "```attention-demo\nimport numpy as np\nprint(np.arange(3) < 2)\n```",
}


def render_page(markdown: str, tmp_path, lang: str = "en"):
    context = DemoContext(
        lang=lang, site_root="../", wheel_path="w.whl", pyodide_index="p/"
    )
    cache = RenderCache(tmp_path / "cache", "test")
    return render_blocks(markdown, path="docs/page.md", context=context, cache=cache)


def indexed(html: str) -> list[tuple[str, str]]:
    """Return (title, text) of each section that the search plugin indexes."""
    parser = Parser()
    parser.feed(html)
    parser.close()
    return [("".join(s.title), "".join(s.text)) for s in parser.data]


def wrapped(text: str, key: str = "k") -> str:
    start, end = stand_in_markers(key)
    return f"{start}<div>{text}</div>{end}"


def without_spaces(sections: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(re.sub(r"\s", "", t), re.sub(r"\s", "", x)) for t, x in sections]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", BLOCKS)
def test_stand_in_indexes_same_words(tmp_path, kind, lang):
    markdown = f"# Title\n\nBefore.\n\n{BLOCKS[kind]}\n\nAfter.\n"
    text, page = render_page(markdown, tmp_path, lang)
    (placeholder,) = page.fragments
    html = text.replace(placeholder, f"<p>{placeholder}</p>")
    html = '<h1 id="title">Title</h1>' + html.split("# Title", 1)[1]

    full = fill_placeholders(html, page)
    light = fill_placeholders(html, page, search=True)

    assert without_spaces(indexed(light)) == without_spaces(indexed(full))
    assert light.count("<") < full.count("<")


def test_stand_in_separates_table_cells():
    fragment = "<table><tr><th>a</th><td>0.25</td><td>0.75</td></tr></table>"
    assert search_stand_in(fragment, "k") == wrapped("a 0.25 0.75")


def test_stand_in_strips_highlighting():
    fragment = (
        '<div class="highlight"><pre><code><span class="n">x</span>'
        '<span class="o">=</span><span class="mi">1</span>\n</code></pre></div>'
    )
    assert search_stand_in(fragment, "k") == wrapped("<pre><code>x=1\n</code></pre>")


def test_stand_in_drops_script_text():
    fragment = '<p>shown</p><script type="application/json">{"hidden": 1}</script>'
    stand_in = search_stand_in(fragment, "k")
    assert "hidden" not in stand_in
    assert "<p>shown</p>" in stand_in


@pytest.mark.parametrize(
    "fragment",
    [
        '<div><h2 id="x">Heading</h2><p>text</p></div>',
        '<div><p data-search-exclude="">secret</p><p>text</p></div>',
    ],
    ids=["heading", "search-exclude"],
)
def test_stand_in_keeps_unsafe_html(fragment):
    assert search_stand_in(fragment, "k") == wrapped(fragment)


def test_restore_equals_direct_fill(tmp_path):
    markdown = "\n\n".join(BLOCKS.values()) + "\n"
    text, page = render_page(markdown, tmp_path)
    html = "\n".join(
        f"<p>{line}</p>" for line in text.split("\n") if line.startswith("attention")
    )
    light = fill_placeholders(html, page, search=True)
    finished = f"<html><body>{light}</body></html>"

    restored = restore_blocks(finished, page)

    assert restored == f"<html><body>{fill_placeholders(html, page)}</body></html>"
    assert "attention-block" not in restored


def test_lost_stand_in_is_an_error(tmp_path):
    text, page = render_page("Intro.\n\n" + BLOCKS["weight table"] + "\n", tmp_path)
    (placeholder,) = page.fragments
    fill_placeholders(f"<p>{placeholder}</p>", page, search=True)
    with pytest.raises(
        PageBlockError,
        match=r"docs/page.md:3: the block's search stand-in .* is missing from the "
        r"finished page: a plugin or hook removed it",
    ):
        restore_blocks("<html>changed</html>", page)


def test_restore_handles_moved_blocks(tmp_path):
    text, page = render_page(BLOCKS["weight table"] + "\n\n" + BLOCKS["demo"], tmp_path)
    first, second = page.fragments
    html = f"<p>{second}</p><hr><p>{first}</p>"
    light = fill_placeholders(html, page, search=True)

    assert restore_blocks(light, page) == fill_placeholders(html, page)


def test_restore_ignores_stand_in_edits(tmp_path):
    # The search plugin strips data-search-* attributes, and the math hook
    # may typeset a formula in a fragment passed whole. The block still comes
    # back unchanged.
    text, page = render_page(BLOCKS["weight table"] + "\n", tmp_path)
    (placeholder,) = page.fragments
    light = fill_placeholders(f"<p>{placeholder}</p>", page, search=True)
    start, end = stand_in_markers(placeholder)
    edited = (
        light[: light.index(start) + len(start)] + "changed" + light[light.index(end) :]
    )

    assert restore_blocks(edited, page) == page.fragments[placeholder][1]


def test_stand_in_drops_html_comments():
    fragment = "<p>shown</p><!-- a > b, not indexed -->"
    assert search_stand_in(fragment, "k") == wrapped("<p>shown</p>")


def test_placeholder_1_not_prefix_match(tmp_path):
    markdown = "\n\n".join(
        f"```attention-table\ntokens: t{n} x\n```" for n in range(11)
    )
    text, page = render_page(markdown + "\n", tmp_path)
    placeholders = list(page.fragments)
    # Block 10 first, as Markdown may put it (in a footnote, for example).
    html = f"<p>{placeholders[10]}</p>" + "".join(
        f"<p>{p}</p>" for p in placeholders[:10]
    )
    filled = fill_placeholders(html, page)
    assert filled.index("t10") < filled.index("t1<")
