"""Formulas are typeset at build time by KaTeX, and its assets resolve."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from hooks import katex_math
from tests.content.pages import (
    LANGUAGES,
    article_html,
    article_text,
    built_page,
    nav_pages,
)

PAGES_WITH_MATH = ["attention.md", "qkv.md", "multihead.md", "masks.md",
                   "cost.md", "kv-cache.md", "kernels.md", "additive.md"]  # fmt: skip
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]*katex\.min\.css)"')


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("source", PAGES_WITH_MATH)
def test_page_math_is_katex_html(built_site, source, lang):
    html = built_page(built_site, source, lang)
    article = article_html(html)
    assert 'class="katex"' in article
    assert 'class="arithmatex"' not in article


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("source", list(nav_pages().values()))
def test_page_has_no_raw_tex(built_site, source, lang):
    text = article_text(built_page(built_site, source, lang))
    for delimiter in ("\\(", "\\)", "\\[", "\\]", "$$"):
        assert delimiter not in text, f"raw {delimiter!r} in {lang}/{source}"
    assert not re.search(r"\$[^$\s][^$]*\$", text), f"raw $...$ in {lang}/{source}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_katex_assets_resolve(built_site, lang):
    page = Path(LANGUAGES[lang]) / "qkv" / "index.html"
    html = (built_site / page).read_text(encoding="utf-8")
    match = STYLESHEET.search(html)
    assert match, f"{page} does not link katex.min.css"
    css_path = built_site / posixpath.normpath(
        posixpath.join(page.parent.as_posix(), match[1])
    )
    assert css_path.is_file(), f"{match[1]} from {page} does not resolve"

    css = css_path.read_text(encoding="utf-8")
    fonts = set(re.findall(r"url\((fonts/[^)]+\.woff2)\)", css))
    assert fonts, "katex.min.css names no woff2 font"
    for font in sorted(fonts):
        assert (css_path.parent / font).is_file(), f"{font} missing"


def test_render_formulas_rejects_invalid_tex(tmp_path):
    with pytest.raises(katex_math.MathError, match=r"invalid formula '\\\\frac\{1\}'"):
        katex_math.render_formulas([("\\frac{1}", False)], cache_dir=tmp_path)


def test_render_math_replaces_and_caches(tmp_path):
    page = '<p>x <span class="arithmatex">\\(a &lt; b\\)</span></p>'
    first = katex_math.render_math(page, cache_dir=tmp_path)
    assert 'class="katex"' in first
    assert "arithmatex" not in first
    assert len(list(tmp_path.iterdir())) == 1
    assert katex_math.render_math(page, cache_dir=tmp_path) == first


def test_display_math_is_wrapped(tmp_path):
    page = '<div class="arithmatex">\\[\n\\sqrt{d_k}\n\\]</div>'
    html = katex_math.render_math(page, cache_dir=tmp_path)
    assert html.startswith('<div class="attn-math"><span class="katex-display">')
