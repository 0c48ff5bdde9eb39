"""Loading the runtime: progress, failures with Retry, and the CDN setting.

Playwright routes make each failure: a missing file, a blocked script, a
wrong MIME type or an unreachable CDN. The CDN's URL is routed to an abort,
so no request reaches another host.
"""

from __future__ import annotations

import json
import re
import time
from html import unescape
from pathlib import Path

import pytest

from tests.browser.conftest import LOAD_TIMEOUT_MS, wait_for_runs

pytestmark = pytest.mark.browser

CDN = "https://cdn.jsdelivr.net/pyodide/v0.27.7/full/"


def wasm_bytes(site: Path) -> bytes:
    return (site / "assets/pyodide/0.27.7/pyodide.asm.wasm").read_bytes()


# Each case: the route pattern, the response to it, and a text the status
# must contain to name what failed.
FAILURES = {
    "missing wasm": (
        "**/pyodide.asm.wasm",
        lambda route, site: route.fulfill(status=404, body="not found"),
        "pyodide.asm.wasm returned HTTP 404",
    ),
    "blocked script": (
        "**/pyodide.js",
        lambda route, site: route.abort("blockedbyclient"),
        "pyodide.js",
    ),
    "wasm as text": (
        "**/pyodide.asm.wasm",
        lambda route, site: route.fulfill(
            status=200, body=wasm_bytes(site), content_type="text/plain"
        ),
        "was served as text/plain; a server must send .wasm files as application/wasm",
    ),
    "missing wheel": (
        "**/assets/wheels/**",
        lambda route, site: route.fulfill(status=404, body="not found"),
        "-py3-none-any.whl returned HTTP 404",
    ),
    "missing numpy": (
        "**/numpy-*.whl",
        lambda route, site: route.fulfill(status=404, body="not found"),
        # Pyodide fetches the wheel with the lock file's sha256 as subresource
        # integrity, so Chromium reports a failed fetch rather than the 404.
        "(loading numpy: could not fetch http",
    ),
}


def wait_for_status(page, demo, text: str) -> None:
    page.wait_for_function(
        "([element, text]) => element.querySelector('.attn-demo-status')"
        ".textContent.includes(text)",
        arg=[demo.element_handle(), text],
        timeout=LOAD_TIMEOUT_MS,
    )


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_load_failure_keeps_output_and_retries(open_page, demo_site, case):
    pattern, answer, message = FAILURES[case]
    page = open_page()
    page.route(pattern, lambda route: answer(route, demo_site.folder))
    page.goto(demo_site.url + "demos/")
    page.wait_for_selector(".attn-demo[data-ready]")
    demo = page.locator(".attn-demo").nth(2)
    build = demo.locator(".attn-demo-output").inner_html()

    demo.locator(".attn-demo-run").click()
    wait_for_status(page, demo, message)
    status = demo.locator(".attn-demo-status")
    assert status.text_content().startswith("Could not start Python")
    assert "computed when the page was built" in status.text_content()
    assert demo.locator(".attn-demo-output").inner_html() == build
    assert demo.locator(".attn-demo-output").get_attribute("data-origin") == "build"
    retry = demo.locator(".attn-demo-retry")
    assert retry.is_visible()

    # With the fault gone, Retry starts a fresh worker and runs the demo.
    page.unroute_all()
    retry.click()
    wait_for_runs(demo, 1)
    assert demo.locator(".attn-demo-output").inner_html() == build
    assert retry.count() == 0


def test_progress_reports_each_stage(open_page, demo_site):
    page = open_page(demo_site.url + "demos/")
    page.wait_for_selector(".attn-demo[data-ready]")
    page.evaluate(
        """() => {
        window.statuses = [];
        const status = document.querySelectorAll('.attn-demo-status')[2];
        new MutationObserver(() => window.statuses.push(status.textContent))
            .observe(status, {childList: true, characterData: true, subtree: true});
        }"""
    )
    demo = page.locator(".attn-demo").nth(2)
    clicked = time.perf_counter()
    demo.locator(".attn-demo-run").click()
    wait_for_runs(demo, 1)
    waited_ms = (time.perf_counter() - clicked) * 1000
    statuses = page.evaluate("window.statuses")
    assert any(
        text.startswith("Downloading Python: ") and " MB (" in text for text in statuses
    ), statuses
    for stage in (
        "Starting Python…",
        "Loading numpy…",
        "Installing attention_core…",
    ):
        assert stage in statuses
    assert statuses[-1].startswith("Live output from your browser")
    # The reported time covers the run alone, not the download and start-up
    # of Python, which took most of the wait.
    run_ms = int(re.search(r"\((\d+) ms\)", statuses[-1])[1])
    assert run_ms < waited_ms / 2, (run_ms, waited_ms)


def test_cdn_build_points_at_cdn(cdn_site):
    html = (cdn_site.folder / "demos" / "index.html").read_text(encoding="utf-8")
    specs = [
        json.loads(unescape(found))
        for found in re.findall(r'data-spec="([^"]*)"', html)
    ]
    assert len(specs) == 6
    assert {spec["pyodide"] for spec in specs} == {CDN}
    assert not (cdn_site.folder / "assets" / "pyodide").exists()
    assert list((cdn_site.folder / "assets" / "wheels").glob("*/*.whl"))


def test_unreachable_cdn_reports_failure(open_page, cdn_site):
    page = open_page()
    blocked = []

    def abort(route):
        blocked.append(route.request.url)
        route.abort("internetdisconnected")

    page.route("https://cdn.jsdelivr.net/**", abort)
    page.goto(cdn_site.url + "demos/")
    page.wait_for_selector(".attn-demo[data-ready]")
    demo = page.locator(".attn-demo").nth(2)
    build = demo.locator(".attn-demo-output").inner_html()
    demo.locator(".attn-demo-run").click()
    wait_for_status(page, demo, f"could not load {CDN}pyodide.js")
    assert blocked == [CDN + "pyodide.js"]
    assert demo.locator(".attn-demo-output").inner_html() == build
    assert demo.locator(".attn-demo-retry").is_visible()
