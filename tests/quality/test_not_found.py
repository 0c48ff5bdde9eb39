"""The 404 pages: one per language, served for missing paths at any depth.

The ``serve`` fixture answers a missing path under ``/zh/`` with
``zh/404.html`` and any other missing path with ``404.html``, as a static
host configured for this site does (see the README).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.quality.conftest import (
    PageVisit,
    describe_violations,
    record_traffic,
    run_axe,
)

MISSING = {
    "en": ["no-such-page/", "a/b/c/d/no-such-page.html"],
    "zh": ["zh/no-such-page/", "zh/a/b/c/d/no-such-page.html"],
}
HEADING = {"en": "404 - Not found", "zh": "404 - 页面不存在"}
HOME = {"en": "", "zh": "zh/"}


def fetch_missing(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_not_found_page_in_its_language(built_site, lang):
    path = built_site / HOME[lang] / "404.html"
    html = path.read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in html
    assert f"<h1>{HEADING[lang]}</h1>" in html
    assert f'<a href="/{HOME[lang]}">' in html
    assert 'rel="alternate"' not in html


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_missing_path_gets_language_404(serve, lang):
    for path in MISSING[lang]:
        status, html = fetch_missing(serve + path)
        assert status == 404, path
        assert f'<html lang="{lang}"' in html, path


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_not_found_page_loads_assets_at_depth(browser, serve, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    visit = PageVisit(MISSING[lang][1])
    record_traffic(page, visit)
    response = page.goto(serve + MISSING[lang][1])
    page.wait_for_load_state("networkidle")
    try:
        assert response.status == 404
        assert page.locator("h1").inner_text() == HEADING[lang]
        # Only the page itself may answer 404; every asset must load.
        problems = [p for p in visit.problems if MISSING[lang][1] not in p]
        assert not problems, "\n".join(problems)
        hosts = {urlsplit(url).hostname for url in visit.requests}
        assert hosts == {"127.0.0.1"}
        stylesheets = page.evaluate(
            "[...document.styleSheets].map(sheet => sheet.href).filter(Boolean)"
        )
        assert any(re.search(r"/assets/stylesheets/main\.", s) for s in stylesheets)
        assert any(s.endswith("/assets/css/site.css") for s in stylesheets)
        # Material's script ran: it replaces the "no-js" class.
        classes = page.evaluate("[...document.documentElement.classList]")
        assert "js" in classes
        assert "no-js" not in classes
        home = page.locator("article a", has_text=re.compile(r"home|首页")).first
        assert home.evaluate("link => link.href") == serve + HOME[lang]
        violations = run_axe(page)
        assert not violations, describe_violations(visit.path, "default", violations)
    finally:
        context.close()
