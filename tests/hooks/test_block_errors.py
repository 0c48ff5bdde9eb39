"""Bad blocks stop the build with path:line, the block, the option and the fix."""

from __future__ import annotations

import re
import sys

import pytest

from tests.conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))

from hooks.block_types import BlockContext  # noqa: E402
from hooks.cache import RenderCache  # noqa: E402
from hooks.pages import PageBlockError, fill_placeholders, render_blocks  # noqa: E402

CONTEXT = BlockContext(
    lang="en", site_root="../", wheel_path="w.whl", pyodide_index="p/"
)


def render(markdown: str, tmp_path, path: str = "docs/page.md"):
    cache = RenderCache(tmp_path / "cache", "test")
    return render_blocks(markdown, path=path, context=CONTEXT, cache=cache)


MASK_CHOICES = "none, causal, padding, sliding_window, dilated, global, block_sparse"

# (block body, expected message). The fence is on line 3 of the page, so the
# body's first line is line 4.
TABLE_ERRORS = [
    pytest.param(
        "tokens: a b\nmaks: causal",
        "docs/page.md:5: weight table: unknown option 'maks'; valid options are "
        "tokens,",
        id="unknown-option",
    ),
    pytest.param(
        "tokens: a b\nmask: casual",
        f"docs/page.md:5: weight table: option 'mask' must be one of {MASK_CHOICES} "
        "(or a list of them); got 'casual' (did you mean 'causal'?)",
        id="misspelt-choice",
    ),
    pytest.param(
        "tokens: a b\nseed: seven",
        "docs/page.md:5: weight table: option 'seed' must be an integer; "
        "got str 'seven'",
        id="wrong-type",
    ),
    pytest.param(
        "tokens: []",
        "docs/page.md:4: weight table: option 'tokens': expected at least one "
        "token; got an empty list",
        id="empty-tokens",
    ),
    pytest.param(
        "tokens: [a, b\nmask: causal",
        "docs/page.md:5: weight table: invalid YAML: did not find expected ',' or ']'",
        id="invalid-yaml",
    ),
    pytest.param(
        "mask: causal",
        "docs/page.md:3: weight table: option 'tokens' is required",
        id="missing-tokens",
    ),
    pytest.param(
        "tokens: " + " ".join(f"t{i}" for i in range(40)),
        "docs/page.md:4: weight table: option 'tokens': a weight table shows at "
        "most 32 tokens (got 40); use attention-heatmap",
        id="table-over-size-limit",
    ),
    pytest.param(
        "tokens: a b c\nqueries: [[1, 0], [0, 1]]\nkeys: [[1, 0], [0, 1]]",
        "docs/page.md:5: weight table: option 'queries' has 2 vectors but there "
        "are 3 tokens; give one vector per token",
        id="tokens-vectors-length",
    ),
    pytest.param(
        "tokens: a b\nqueries: [[1, 0], [0, 1]]\nkeys: [[1, 0, 2], [0, 1, 2]]",
        "docs/page.md:6: weight table: queries and keys must have the same width "
        "d_k; got 2 and 3",
        id="vector-widths",
    ),
    pytest.param(
        "tokens: a b\nmask: none\nweights:\n  - [0.5, 0.5]\n  - [0.5, 0.3]",
        "docs/page.md:8: weight table: option 'weights': row 2 (query 'b') sums to "
        "0.8; every row must sum to 1 within tolerance 0.01",
        id="row-sum",
    ),
    pytest.param(
        "tokens: a b\nmask: causal\nweights:\n  - [0.9, 0.1]\n  - [0.5, 0.5]",
        "docs/page.md:7: weight table: option 'weights': row 1 (query 'a') gives "
        "0.1 to key 'b' (column 2), which the mask hides; masked weights must be 0",
        id="weight-above-causal-diagonal",
    ),
    pytest.param(
        "tokens: a b\nmask: none\nweights: [[1.5, -0.5], [0.5, 0.5]]",
        "docs/page.md:6: weight table: option 'weights': row 1 (query 'a') has the "
        "negative weight -0.5 for key 'b'; weights must be >= 0",
        id="negative-weight",
    ),
    pytest.param(
        "tokens: a b\nweights: [[1, 0], [0.5, 0.5]]\nseed: 3\nd_model: 8",
        "docs/page.md:7: weight table: option 'd_model' is not used with weights; "
        "remove it",
        id="toy-option-with-weights",
    ),
    pytest.param(
        "tokens: a b\nscores: [[1, 0]]",
        "docs/page.md:5: weight table: option 'scores' must be 2 x 2, one row and "
        "one column per token; got 1 x 2",
        id="scores-shape",
    ),
    pytest.param(
        "tokens: a b\nscores: tyo",
        "docs/page.md:5: weight table: option 'scores' must be toy or a matrix of "
        "numbers; got 'tyo'",
        id="scores-choice",
    ),
    pytest.param(
        "tokens: a b\nmask: sliding_window",
        "docs/page.md:5: weight table: option 'window' is required with mask "
        "sliding_window; for example `window: 4`",
        id="window-missing",
    ),
    pytest.param(
        "tokens: a b\nmask: causal\nwindow: 3",
        "docs/page.md:6: weight table: option 'window' is not used by mask causal; "
        "it applies to mask sliding_window or dilated",
        id="window-unused",
    ),
    pytest.param(
        "tokens: a b\nmask: [causal, padding]\nlength: 3",
        "docs/page.md:6: weight table: option 'length' must be at most the 2 "
        "tokens; got 3",
        id="padding-length",
    ),
    pytest.param(
        "tokens: a b\nqueries: [[1, x], [0, 1]]\nkeys: [[1, 0], [0, 1]]",
        "docs/page.md:5: weight table: option 'queries': row 1 must be a list of "
        "numbers; got [1, 'x']",
        id="matrix-not-numbers",
    ),
    pytest.param(
        "tokens: a b\nseed: 1\nseed: 2",
        "docs/page.md:6: weight table: invalid YAML: key 'seed' is given twice; "
        "give each key once",
        id="duplicate-option",
    ),
]


@pytest.mark.parametrize(("body", "message"), TABLE_ERRORS)
def test_weight_table_error_message(tmp_path, body, message):
    markdown = f"# Title\n\n```attention-table\n{body}\n```\n"
    with pytest.raises(PageBlockError) as caught:
        render(markdown, tmp_path)
    assert message in str(caught.value)


FIGURE_ERRORS = [
    pytest.param(
        "attention-heatmap",
        "seq_len: 200",
        "docs/page.md:4: heatmap: option 'seq_len' must be at most 128; got 200",
        id="heatmap-over-size-limit",
    ),
    pytest.param(
        "attention-heatmap",
        "tokens: " + " ".join(f"t{i}" for i in range(130)),
        "docs/page.md:4: heatmap: option 'tokens': a figure shows at most 128 "
        "tokens (got 130)",
        id="heatmap-tokens-over-limit",
    ),
    pytest.param(
        "attention-heatmap",
        "seq_len: 8\nn_heads: 3\nd_model: 16",
        "docs/page.md:6: heatmap: option 'd_model' must be a multiple of "
        "n_heads=3; got 16",
        id="heatmap-heads-divide",
    ),
    pytest.param(
        "attention-heatmap",
        "mask: causal",
        "docs/page.md:3: heatmap: option 'tokens' or 'seq_len' is required",
        id="heatmap-no-tokens",
    ),
    pytest.param(
        "attention-mask",
        "seq_len: 8\nmask: [sliding_window, global]\nwindow: 3\ncombine: xor",
        "docs/page.md:7: mask figure: option 'combine' must be one of and, or; "
        "got 'xor'",
        id="mask-combine-choice",
    ),
    pytest.param(
        "attention-mask",
        "seq_len: 8\nmask: block_sparse\nblock_size: 2\nwindow_blocks: 2",
        "docs/page.md:5: mask figure: mask block_sparse: n_window_blocks must be odd",
        id="mask-core-error",
    ),
    pytest.param(
        "attention-cost",
        "configs:\n  - {n_heads: 8}",
        "docs/page.md:5: cost chart: configs[0] needs n_heads and d_k, or a model",
        id="cost-missing-shape",
    ),
    pytest.param(
        "attention-cost",
        "metric: flops\nconfigs:\n  - {n_heads: 8, d_k: 64}\n  - {n_heads: 8, "
        "d_k: 64, tiled: true}",
        "docs/page.md:7: cost chart: option 'configs[1].tiled' is not used by "
        "metric flops; remove it",
        id="cost-option-for-other-metric",
    ),
    pytest.param(
        "attention-cost",
        "configs:\n  - {model: llama-9}",
        "docs/page.md:5: cost chart: option 'configs[0].model' must be one of "
        "transformer-base,",
        id="cost-unknown-model",
    ),
    pytest.param(
        "attention-cost",
        "seq_lens: [1024, 512]\nconfigs:\n  - {n_heads: 8, d_k: 64}",
        "docs/page.md:4: cost chart: option 'seq_lens': expected ascending values "
        "from 1 to 16777216; got [1024, 512]",
        id="cost-seq-lens-order",
    ),
    pytest.param(
        "attention-kv-cache",
        "models: [llama-3-8b, gpt-5]",
        "docs/page.md:4: KV-cache table: option 'models[1]' must be one of "
        "transformer-base,",
        id="kv-unknown-model",
    ),
    pytest.param(
        "attention-kv-cache",
        "models: [llama-3-8b]\ndtypes: [fp16, fp12]",
        "docs/page.md:5: KV-cache table: option 'dtypes' must be one of fp64,",
        id="kv-unknown-dtype",
    ),
    pytest.param(
        "attention-kv-cache",
        "models:\n  - {name: x, n_layers: 2, n_heads: 6, n_kv_heads: 4, d_head: 8}",
        "docs/page.md:5: KV-cache table: option 'models[0]': n_kv_heads=4 does not "
        "divide n_heads=6",
        id="kv-custom-heads",
    ),
]


@pytest.mark.parametrize(("kind", "body", "message"), FIGURE_ERRORS)
def test_figure_block_error_message(tmp_path, kind, body, message):
    markdown = f"# Title\n\n```{kind}\n{body}\n```\n"
    with pytest.raises(PageBlockError) as caught:
        render(markdown, tmp_path)
    assert message in str(caught.value)


def test_demo_error_names_line_inside_demo(tmp_path):
    markdown = "# T\n\ntext\n\n```attention-demo\nx = 1\ny = x / 0\n```\n"
    with pytest.raises(PageBlockError) as caught:
        render(markdown, tmp_path, path="docs/x.zh.md")
    message = str(caught.value)
    assert message.startswith("docs/x.zh.md:7: demo: the code raised at build time:")
    assert 'File "<demo>", line 2' in message
    assert "ZeroDivisionError: division by zero" in message


def test_demo_control_key_given_twice_is_an_error(tmp_path):
    header = "---\ncontrols:\n  - {name: a, type: text, default: x, default: y}\n---"
    markdown = f"# T\n\n```attention-demo\n{header}\nprint(a)\n```\n"
    with pytest.raises(PageBlockError) as caught:
        render(markdown, tmp_path)
    assert str(caught.value).startswith(
        "docs/page.md:6: demo: invalid YAML: key 'default' is given twice"
    )


def test_unclosed_fence_is_an_error(tmp_path):
    with pytest.raises(
        PageBlockError, match=r"docs/page.md:1: weight table: the fence opened here"
    ):
        render("```attention-table\ntokens: a\n", tmp_path)


def test_example_inside_longer_fence_is_left_alone(tmp_path):
    markdown = "````markdown\n```attention-table\nmask: casual\n```\n````\n"
    rendered, page = render(markdown, tmp_path)
    assert rendered == markdown
    assert page.fragments == {}


def test_indented_block_in_admonition_is_rendered(tmp_path):
    markdown = "!!! note\n\n    ```attention-table\n    tokens: a b\n    ```\n"
    rendered, page = render(markdown, tmp_path)
    (placeholder,) = page.fragments
    assert f"    {placeholder}" in rendered
    html = fill_placeholders(f"<div><p>{placeholder}</p></div>", page)
    assert '<table class="attn-weights">' in html


def test_lost_placeholder_is_an_error(tmp_path):
    _, page = render("```attention-table\ntokens: a b\n```\n", tmp_path)
    with pytest.raises(
        PageBlockError, match=r"docs/page.md:1: the block did not reach"
    ):
        fill_placeholders("<p>nothing here</p>", page)


def test_block_in_indented_code_block_is_an_error(tmp_path):
    import markdown as md

    page_md = "Example:\n\n    ```attention-table\n    tokens: a b\n    ```\n"
    text, page = render(page_md, tmp_path)
    html = md.markdown(text, extensions=["pymdownx.superfences"])
    with pytest.raises(
        PageBlockError, match=r"docs/page.md:3: the block is inside an indented code"
    ):
        fill_placeholders(html, page)


def test_block_after_inline_code_is_filled(tmp_path):
    text, page = render("`x`\n\n```attention-table\ntokens: a b\n```\n", tmp_path)
    html = fill_placeholders("<p><code>x</code></p>\n" + text.split("\n")[3], page)
    assert html.startswith('<p><code>x</code></p>\n<div class="attn-table"')


def test_second_render_comes_from_cache(tmp_path):
    markdown = "```attention-table\ntokens: a b\n```\n"
    _, first = render(markdown, tmp_path)
    _, second = render(markdown, tmp_path)
    assert (first.rendered, first.cached) == (1, 0)
    assert (second.rendered, second.cached) == (0, 1)


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "plain"])
@pytest.mark.parametrize("lang_page", ["index.md", "index.zh.md"])
def test_bad_block_stops_strict_and_plain_builds(make_any_site, lang_page, strict):
    pages = {"index.md": "# Home\n", "index.zh.md": "# 首页\n"}
    pages[lang_page] = "# Page\n\n```attention-table\ntokens: a b\nmask: casual\n```\n"
    result, site = make_any_site(pages, strict=strict)
    assert result.returncode != 0
    assert (
        f"docs/{lang_page}:5: weight table: option 'mask' must be one of "
        f"{MASK_CHOICES} (or a list of them); got 'casual'"
    ) in result.stderr


def test_block_in_blockquote_is_an_error(tmp_path):
    markdown = "# T\n\n> Quoted:\n>\n> ```attention-table\n> tokens: a b\n> ```\n"
    with pytest.raises(PageBlockError) as caught:
        render(markdown, tmp_path)
    assert str(caught.value).startswith(
        "docs/page.md:5: weight table: attention blocks inside a blockquote"
    )


def test_quoted_example_inside_fence_is_left_alone(tmp_path):
    markdown = "````markdown\n> ```attention-table\n> tokens: a\n> ```\n````\n"
    rendered, page = render(markdown, tmp_path)
    assert rendered == markdown
    assert page.fragments == {}


def test_commented_block_is_skipped(tmp_path):
    # A commented-out block is neither rendered nor checked: this one is bad.
    markdown = (
        "Intro.\n\n<!--\n```attention-table\nmask: casual\n```\n-->\n\n"
        "```attention-table\ntokens: a b\n```\n"
    )
    rendered, page = render(markdown, tmp_path)
    assert "<!--\n```attention-table\nmask: casual\n```\n-->" in rendered
    assert len(page.fragments) == 1
    ((line, _),) = page.fragments.values()
    assert line == 9


@pytest.mark.parametrize(
    "before",
    [
        "<!-- a note -->\n",
        "Write `<!--` to open a comment.\n",
        "```html\n<!-- an example -->\n<!--\n```\n",
        "\\<!-- escaped, shown as text\n",
        "<!-- never closed\n",
        "## A heading with <!-- in it\n",
        "| a | <!-- |\n|---|---|\n",
        "[a link <!--](x.md)\n",
        "Text\n\n    <!-- indented code\n",
        "<!-->\n",
        "<!--\n```attention-table\n-->\n",
        "<!-- closed by `-->` in backticks\n",
    ],
    ids=[
        "closed-comment",
        "marker-in-code-span",
        "marker-in-fenced-code",
        "escaped-marker",
        "unclosed-comment",
        "marker-in-heading",
        "marker-in-table",
        "marker-in-link",
        "marker-in-indented-code",
        "empty-comment",
        "fence-not-closed-in-comment",
        "comment-closed-in-backticks",
    ],
)
def test_comment_marker_text_not_comment(tmp_path, before):
    markdown = before + "\n```attention-table\ntokens: a b\nmask: casual\n```\n"
    with pytest.raises(PageBlockError, match="got 'casual'"):
        render(markdown, tmp_path)


def test_commented_block_stays_hidden_in_site(make_site):
    commented = (
        "<!--\n```attention-table\ntokens: commentedtoken\nmask: casual\n```\n-->\n"
    )
    pages = {
        "index.md": "# Home\n\n"
        + commented
        + "\n```attention-table\ntokens: a b\n```\n",
        "index.zh.md": "# 首页\n",
    }
    result, site = make_site(pages)
    assert result.returncode == 0, result.stderr
    page = (site / "index.html").read_text(encoding="utf-8")
    assert page.count('<table class="attn-weights">') == 1
    visible = re.sub(r"<!--.*?-->", "", page, flags=re.S)
    assert "commentedtoken" not in visible


def test_commented_quoted_block_skipped(tmp_path):
    markdown = "<!--\n> ```attention-table\n> tokens: a b\n> ```\n-->\n"
    rendered, page = render(markdown, tmp_path)
    assert rendered == markdown
    assert page.fragments == {}
