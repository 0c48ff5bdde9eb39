"""The Writing pages page in the built site: every block, both languages."""

from __future__ import annotations

import re

import pytest

PAGES = {"en": "writing/index.html", "zh": "zh/writing/index.html"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_writing_page_renders_every_block(built_site, lang):
    html = (built_site / PAGES[lang]).read_text(encoding="utf-8")
    # Three weight-table blocks, and the table that the controls demo shows.
    assert html.count('<table class="attn-weights">') == 4
    assert html.count('<div class="attn-demo"') == 5
    assert html.count('<p class="attn-demo-title">') == 1
    assert html.count('class="attn-svg attn-heatmap"') == 2
    assert html.count('class="attn-svg attn-mask"') == 2
    assert html.count('class="attn-svg attn-cost"') == 2
    assert html.count('<table class="attn-kv">') == 2
    assert "attention-block-" not in html
    # Custom names with markup show literally.
    assert "&lt;test&gt;" in html or "&lt;测试&gt;" in html
    assert "<test>" not in html and "<测试>" not in html


def test_writing_page_words_follow_language(built_site):
    chinese = (built_site / PAGES["zh"]).read_text(encoding="utf-8")
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", chinese)
    assert captions
    assert all(re.search(r"[\u4e00-\u9fff]", c) for c in captions)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_wide_blocks_scroll_in_their_own_box(browser, serve, lang):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        page.goto(serve + PAGES[lang].removesuffix("index.html"))
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"
        regions = page.evaluate(
            """[...document.querySelectorAll('.attn-scroll, .attn-table')].map(
                 e => ({wide: e.scrollWidth > e.clientWidth,
                        tab: e.getAttribute('tabindex'),
                        role: e.getAttribute('role'),
                        name: e.getAttribute('aria-label')}))"""
        )
        assert any(r["wide"] for r in regions)
        for region in regions:
            assert region["tab"] == "0"
            assert region["role"] == "region"
            assert region["name"]
    finally:
        page.close()


@pytest.mark.browser
def test_figures_keep_their_natural_size(browser, serve):
    # Material's ".md-typeset svg { max-width: 100% }" once shrank a 4-head
    # heatmap, and its text with it, to a few pixels on a phone.
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        page.goto(serve + PAGES["en"].removesuffix("index.html"))
        sizes = page.evaluate(
            """[...document.querySelectorAll('svg.attn-svg')].map(
                 e => [e.getBoundingClientRect().width,
                       parseFloat(e.getAttribute('width'))])"""
        )
        assert sizes
        for rendered, declared in sizes:
            assert rendered == pytest.approx(declared, abs=1)
    finally:
        page.close()
