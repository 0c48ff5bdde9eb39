"""Bad blocks stop the build with path:line, the block, the option and the fix."""

from __future__ import annotations

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


TABLE_ERRORS = [
    (
        "tokens: a b\nmaks: causal",
        "docs/page.md:3: weight table: unknown option 'maks'; "
        "valid options are tokens,",
    ),
    (
        "tokens: a b\nmask: casual",
        "docs/page.md:3: weight table: option 'mask' must be one of causal, none; "
        "got 'casual'",
    ),
    (
        "tokens: a b\nseed: seven",
        "docs/page.md:3: weight table: option 'seed' must be an integer; "
        "got str 'seven'",
    ),
    (
        "tokens: []",
        "docs/page.md:3: weight table: option 'tokens': expected at least one token",
    ),
    (
        "tokens: [a, b\nmask: causal",
        "docs/page.md:5: weight table: invalid YAML:",
    ),
    (
        "mask: causal",
        "docs/page.md:3: weight table: option 'tokens' is required",
    ),
    (
        "tokens: " + " ".join(f"t{i}" for i in range(40)),
        "a weight table shows at most 32 tokens (got 40); use a heatmap",
    ),
]


@pytest.mark.parametrize(("body", "message"), TABLE_ERRORS)
def test_weight_table_error_message(tmp_path, body, message):
    markdown = f"# Title\n\n```attention-table\n{body}\n```\n"
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


def test_second_render_comes_from_cache(tmp_path):
    markdown = "```attention-table\ntokens: a b\n```\n"
    _, first = render(markdown, tmp_path)
    _, second = render(markdown, tmp_path)
    assert (first.rendered, first.cached) == (1, 0)
    assert (second.rendered, second.cached) == (0, 1)


@pytest.mark.parametrize("lang_page", ["index.md", "index.zh.md"])
def test_bad_block_stops_strict_and_plain_builds(make_site, lang_page):
    pages = {"index.md": "# Home\n", "index.zh.md": "# 首页\n"}
    pages[lang_page] = "# Page\n\n```attention-table\ntokens: a b\nmask: casual\n```\n"
    result, _ = make_site(pages)
    assert result.returncode != 0
    assert (
        f"docs/{lang_page}:3: weight table: option 'mask' must be one of causal, none; "
        "got 'casual'"
    ) in result.stderr
