"""Each page has a figure or table and a demo, and links its terms."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO_ROOT
from tests.content.pages import LANGUAGES, article_html, built_page, nav_pages

GLOSSARY_TERMS_ZH = ["注意力", "查询", "键", "值", "缩放点积注意力", "多头注意力",
                     "因果掩码", "滑动窗口", "键值缓存", "分组查询注意力",
                     "多查询注意力", "在线 softmax", "加性注意力"]  # fmt: skip
GLOSSARY_LINK = re.compile(r"\]\(glossary\.md#([a-z0-9-]+)\)")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("source", list(nav_pages().values()))
def test_page_has_figure_and_demo(built_site, source, lang):
    if source == "writing.md":
        pytest.skip("the block reference is documentation, not a handbook page")
    article = article_html(built_page(built_site, source, lang))
    assert re.search(r"<table\b|<svg\b", article), f"{lang}/{source}: no table/figure"
    assert 'class="attn-demo"' in article, f"{lang}/{source}: no demo"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_glossary_links_resolve(built_site, lang):
    glossary = built_page(built_site, "glossary.md", lang)
    ids = set(re.findall(r'id="([^"]+)"', glossary))
    suffix = ".zh.md" if lang == "zh" else ".md"
    for path in sorted((REPO_ROOT / "docs").glob(f"*{suffix}")):
        if lang == "en" and path.name.endswith(".zh.md"):
            continue
        for anchor in GLOSSARY_LINK.findall(path.read_text(encoding="utf-8")):
            assert anchor in ids, f"{path.name}: glossary.md#{anchor} not found"


def test_glossary_has_every_chinese_term(built_site):
    html = built_page(built_site, "glossary.md", "zh")
    headings = re.findall(r"<h2 id=\"[^\"]+\">(.*?)<a", html)
    for term in GLOSSARY_TERMS_ZH:
        assert any(term in heading for heading in headings), term


def test_glossary_anchors_same_in_both_languages(built_site):
    def anchors(lang):
        html = built_page(built_site, "glossary.md", lang)
        return re.findall(r'<h2 id="([^"]+)"', html)

    assert anchors("en") == anchors("zh")


@pytest.mark.parametrize("suffix", [".md", ".zh.md"])
def test_terms_link_to_glossary_on_first_use(suffix):
    pages = ["attention", "qkv", "multihead", "masks", "cost", "kv-cache", "kernels",
             "additive"]  # fmt: skip
    for page in pages:
        text = (REPO_ROOT / "docs" / f"{page}{suffix}").read_text(encoding="utf-8")
        assert GLOSSARY_LINK.search(text), f"{page}{suffix} links no glossary term"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("source", list(nav_pages().values()))
def test_headings_do_not_skip_levels(built_site, source, lang):
    article = article_html(built_page(built_site, source, lang))
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", article)]
    assert levels and levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"{lang}/{source}: h{before} then h{after}"
