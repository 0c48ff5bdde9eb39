"""Every demo of every built page, in both languages, reruns to its build output.

Pages are discovered from the built site, so a new page with demos is
covered without touching this file. A demo marked ``reproducible: false``
(a timing) only has to run without an error. All demos of a page are started at once
(they queue in one worker), so each page loads Pyodide once.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import (
    foreign_hosts,
    pyodide_requests,
    wait_for_runs,
)

pytestmark = pytest.mark.browser


def pages_with_demos(site_dir: Path) -> list[str]:
    """Return the URL paths of the built pages that contain a demo."""
    found = []
    for path in sorted(site_dir.rglob("index.html")):
        if 'class="attn-demo"' in path.read_text(encoding="utf-8"):
            relative = path.parent.relative_to(site_dir).as_posix()
            found.append("" if relative == "." else relative + "/")
    return found


def check_demos_match_build(open_page, base_url: str, site_dir: Path) -> int:
    """Run every demo of every page; return how many demos ran."""
    paths = pages_with_demos(site_dir)
    assert paths, f"no page of {site_dir} has a demo"
    assert any(path.startswith("zh/") for path in paths)
    assert any(not path.startswith("zh/") for path in paths)
    page = open_page()
    count = 0
    mismatches = []
    for path in paths:
        page.goto(base_url + path)
        demos = page.locator(".attn-demo[data-ready]")
        page.wait_for_selector(".attn-demo[data-ready]")
        outputs = [
            demos.nth(i).locator(".attn-demo-output").inner_html()
            for i in range(demos.count())
        ]
        reproducible = [
            json.loads(demos.nth(i).get_attribute("data-spec"))["reproducible"]
            for i in range(demos.count())
        ]
        for i in range(demos.count()):
            demos.nth(i).locator(".attn-demo-run").click()
        for i, build_output in enumerate(outputs):
            demo = demos.nth(i)
            wait_for_runs(demo, 1)
            live = demo.locator(".attn-demo-output")
            assert live.get_attribute("data-origin") == "live"
            if not reproducible[i]:
                # Timings and the like: the run must only succeed.
                if live.locator(".attn-error").count():
                    mismatches.append(f"{path} demo {i + 1} raised")
            elif live.inner_html() != build_output:
                mismatches.append(f"{path} demo {i + 1}")
            count += 1
    assert mismatches == []
    assert foreign_hosts(page.requests) == set()
    assert page.problems == []
    return count


def test_built_site_demos_match_build(open_page, serve, built_site):
    assert check_demos_match_build(open_page, serve, built_site) >= 2


def test_demo_site_demos_match_build(open_page, demo_site):
    assert check_demos_match_build(open_page, demo_site.url, demo_site.folder) == 12


@pytest.mark.parametrize("path", ["", "zh/", "attention/", "zh/attention/"])
def test_page_load_fetches_no_pyodide(open_page, serve, path):
    page = open_page(serve + path)
    page.wait_for_load_state("networkidle")
    assert pyodide_requests(page.requests) == []
    assert not [url for url in page.requests if "attention-worker" in url]
    assert page.problems == []
