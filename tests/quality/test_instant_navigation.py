"""Instant navigation: page changes without console errors, languages reload.

Material's instant navigation only handles links listed in the sitemap of
``__config.base``, and it compares them with the sitemap's ``site_url``
host and port. The test server listens on another port, so the sitemaps are
served with their URLs moved to the test server; nothing else changes.
"""

from __future__ import annotations

import re

import pytest

from tests.quality.conftest import PageVisit, record_traffic

pytestmark = pytest.mark.browser

# A page of the previous navigation keeps this mark; a full load drops it.
MARK = "window.__qualityMark"


@pytest.fixture
def instant_page(browser, built_site, serve):
    site_url = re.search(
        r"<loc>(\w+://[^/]+/)", (built_site / "sitemap.xml").read_text("utf-8")
    )
    assert site_url, "sitemap.xml has no absolute URL; instant navigation is off"

    def sitemap_on_test_server(route):
        response = route.fetch()
        body = response.text().replace(site_url.group(1), serve)
        route.fulfill(response=response, body=body)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/sitemap.xml", sitemap_on_test_server)
    page = context.new_page()
    page.visit = PageVisit("instant navigation")
    record_traffic(page, page.visit)
    yield page
    context.close()


def follow_next_links(page) -> list[str]:
    """Click the footer's Next link until the last page; return the URLs."""
    visited = [page.url]
    while page.locator("a.md-footer__link--next").count():
        title = page.title()
        page.locator("a.md-footer__link--next").click()
        page.wait_for_function("title => document.title !== title", arg=title)
        visited.append(page.url)
    return visited


@pytest.mark.parametrize("start", ["", "zh/"])
def test_instant_navigation_through_pages(instant_page, serve, pages, start):
    page = instant_page
    page.goto(serve + start)
    page.wait_for_load_state("networkidle")
    page.evaluate(f"{MARK} = true")

    visited = follow_next_links(page)
    in_language = [p for p in pages if p.startswith("zh/") == (start == "zh/")]
    assert len(visited) == len(in_language)
    assert page.evaluate(MARK), "a page change reloaded the page"
    page.wait_for_load_state("networkidle")
    assert not page.visit.problems, "\n".join(page.visit.problems)


def test_language_switch_reloads_page(instant_page, serve):
    page = instant_page
    page.goto(serve + "attention/")
    # A full load aborts the requests still running (the search worker's
    # scripts), which would show up as failed requests.
    page.wait_for_load_state("networkidle")
    page.evaluate(f"{MARK} = true")

    link = page.locator('a.md-select__link[hreflang="zh"]')
    page.wait_for_function(
        "document.querySelector('a.md-select__link').target === '_self'"
    )
    link.evaluate("link => link.click()")
    page.wait_for_url(serve + "zh/attention/")
    page.wait_for_load_state("load")
    assert page.evaluate(f"typeof {MARK}") == "undefined"
    base = page.evaluate("JSON.parse(__config.textContent).base")
    assert page.evaluate(f"new URL({base!r}, location).href") == serve + "zh/"
    assert not page.visit.problems, "\n".join(page.visit.problems)
