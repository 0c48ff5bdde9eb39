"""Headless Chromium runs the page's demo and gets the build-time output back."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

LOAD_TIMEOUT_MS = 120_000


@pytest.fixture
def page(browser, serve):
    """A fresh page that records requests, console messages and page errors."""
    context = browser.new_context()
    page = context.new_page()
    page.requests = []
    page.problems = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on(
        "console",
        lambda message: message.type == "error" and page.problems.append(message.text),
    )
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and page.problems.append(f"HTTP {response.status} {response.url}")
        ),
    )
    yield page
    context.close()


@pytest.mark.parametrize("path", ["attention/", "zh/attention/"])
def test_run_replaces_output_with_identical_live_output(page, serve, path):
    page.goto(serve + path)
    demo = page.locator(".attn-demo").first
    build_output = demo.locator(".attn-demo-output").inner_html()
    assert demo.locator(".attn-demo-output").get_attribute("data-origin") == "build"

    demo.locator(".attn-demo-run").click()
    page.wait_for_selector(
        '.attn-demo-output[data-origin="live"]', timeout=LOAD_TIMEOUT_MS
    )

    assert demo.locator(".attn-demo-output").inner_html() == build_output
    hosts = {
        urlsplit(url).hostname for url in page.requests if not url.startswith("data:")
    }
    assert hosts == {"127.0.0.1"}
    assert page.problems == []


def test_page_without_run_fetches_no_pyodide(page, serve):
    page.goto(serve + "attention/")
    page.wait_for_load_state("networkidle")
    assert not [
        url for url in page.requests if "pyodide" in url or url.endswith(".whl")
    ]
    assert page.problems == []
