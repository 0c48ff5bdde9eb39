"""Every page in Chromium: axe-core, structure, requests, console, phone width.

``page_visits`` loads each page once; these tests read what it recorded, so
a failure names every page and element at fault, not only the first.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.quality.conftest import PHONE_WIDTH, describe_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_axe_finds_no_serious_violation(page_visits, scheme):
    report = [
        describe_violations(path, scheme, visit.violations[scheme])
        for path, visit in page_visits.items()
        if visit.violations[scheme]
    ]
    assert not report, "\n".join(report)


def test_scroll_regions_focusable_at_phone_width(page_visits):
    report = [
        describe_violations(path, "390 px", visit.violations["phone"])
        for path, visit in page_visits.items()
        if visit.violations["phone"]
    ]
    assert not report, "\n".join(report)


def test_no_request_to_another_host(page_visits):
    foreign = [
        f"/{path}: {url}"
        for path, visit in page_visits.items()
        for url in visit.requests
        if urlsplit(url).scheme in ("http", "https", "ws", "wss")
        and urlsplit(url).hostname != "127.0.0.1"
    ]
    assert not foreign, "\n".join(foreign)


def test_no_google_fonts_requested(page_visits):
    fonts = [
        f"/{path}: {url}"
        for path, visit in page_visits.items()
        for url in visit.requests
        if "fonts.googleapis" in url or "fonts.gstatic" in url
    ]
    assert not fonts, "\n".join(fonts)


def test_no_console_error_on_load(page_visits):
    problems = [
        f"/{path}: {problem}"
        for path, visit in page_visits.items()
        for problem in visit.problems
    ]
    assert not problems, "\n".join(problems)


def test_page_fits_phone_width(page_visits):
    too_wide = [
        f"/{path}: scrollWidth {visit.phone_scroll_width} px"
        for path, visit in page_visits.items()
        if visit.phone_scroll_width > PHONE_WIDTH
    ]
    assert not too_wide, "\n".join(too_wide)


def test_wide_content_scrolls_in_own_box(page_visits):
    overflowing = [
        f"/{path}: {element}"
        for path, visit in page_visits.items()
        for element in visit.phone_overflowing
    ]
    assert not overflowing, "\n".join(overflowing)


def test_every_page_was_visited(page_visits, pages):
    assert sorted(page_visits) == sorted(pages)
    assert all(visit.requests for visit in page_visits.values())


def test_tables_and_figures_have_text(page_visits):
    problems = [
        f"/{path}: {problem}"
        for path, visit in page_visits.items()
        for problem in visit.structure
    ]
    assert not problems, "\n".join(problems)
