"""The demo runtime in Chromium: controls, editor, output, errors, Stop, memory.

Most tests share one page of the small demo site (module scope), so Pyodide
loads once; each test leaves that page's worker usable. Demos on the page:
0 controls, 1 streams, 2 weight table, 3 and 4 shared, 5 not shared.
"""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import (
    LOAD_TIMEOUT_MS,
    foreign_hosts,
    pyodide_requests,
    recorded_page,
    wait_for_runs,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demos_page(browser, demo_site):
    """The English demo page with the runtime loaded by a first run."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = recorded_page(context, demo_site.url + "demos/")
    page.wait_for_selector(".attn-demo[data-ready]")
    demo = page.locator(".attn-demo").nth(2)
    demo.locator(".attn-demo-run").click()
    wait_for_runs(demo, 1)
    yield page
    context.close()


def runs(demo) -> int:
    return int(demo.get_attribute("data-runs") or 0)


def set_code(demo, code: str) -> None:
    """Replace the code in a demo's editor as a reader would."""
    editor = demo.locator("textarea.attn-editor-input")
    editor.fill(code)


def run_code(demo, code: str) -> None:
    """Run ``code`` in ``demo`` and wait until it has finished."""
    set_code(demo, code)
    before = runs(demo)
    demo.locator(".attn-demo-run").click()
    wait_for_runs(demo, before + 1)


def reset(demo) -> None:
    demo.locator(".attn-demo-reset").click()


def test_controls_show_value_and_rerun(demos_page):
    demo = demos_page.locator(".attn-demo").nth(0)
    output = demo.locator(".attn-demo-output")
    assert "1.0 2 causal the cat &lt;sat&gt;" in output.inner_html()

    before = runs(demo)
    demo.locator("input[name=temperature]").fill("1.5")
    assert demo.locator("output").first.text_content() == "1.5"
    wait_for_runs(demo, before + 1)
    assert output.text_content() == "1.5 2 causal the cat <sat>\n"

    demo.locator("select[name=mask]").select_option(label="none")
    wait_for_runs(demo, before + 2)
    assert output.text_content() == "1.5 2 none the cat <sat>\n"

    demo.locator("input[name=n]").fill("4")
    wait_for_runs(demo, before + 3)
    assert output.text_content() == "1.5 4 none the cat <sat>\n"

    demo.locator("input[name=sentence]").fill("<b>bold</b>")
    wait_for_runs(demo, before + 4)
    assert output.text_content() == "1.5 4 none <b>bold</b>\n"

    reset(demo)
    assert demo.locator("input[name=temperature]").input_value() == "1"
    assert demo.locator("select[name=mask] option:checked").text_content() == ("causal")
    assert output.get_attribute("data-origin") == "build"


def test_controls_have_labels(demos_page):
    demo = demos_page.locator(".attn-demo").nth(0)
    assert demos_page.get_by_label("Temperature").count() == 1
    assert demos_page.get_by_label("Mask").count() == 1
    assert demo.locator(".attn-demo-controls").get_attribute("role") == "group"


def test_editor_keys(demos_page):
    demo = demos_page.locator(".attn-demo").nth(1)
    editor = demo.locator("textarea.attn-editor-input")
    set_code(demo, "if True:")
    editor.press("End")
    editor.press("Control+End")
    editor.press("Enter")
    editor.type("x = 1")
    editor.press("Enter")
    editor.press("Tab")
    assert editor.input_value() == "if True:\n    x = 1\n        "
    editor.press("Shift+Tab")
    assert editor.input_value() == "if True:\n    x = 1\n    "

    set_code(demo, "print('run by keyboard')")
    before = runs(demo)
    editor.press("Control+Enter")
    wait_for_runs(demo, before + 1)
    assert demo.locator(".attn-demo-output").text_content() == "run by keyboard\n"

    editor.focus()
    editor.press("Escape")
    focused = demos_page.evaluate("document.activeElement.className")
    assert "attn-demo-run" in focused
    assert editor.get_attribute("aria-label") == "Demo code"
    assert (
        "Ctrl+Enter"
        in demos_page.locator(
            "#" + editor.get_attribute("aria-describedby")
        ).text_content()
    )
    reset(demo)


def test_editor_highlights_python(demos_page):
    demo = demos_page.locator(".attn-demo").nth(1)
    set_code(demo, "def f(x):  # note\n    return 'a' + 1.5")
    view = demo.locator(".attn-editor pre code")
    assert view.locator("span.k").all_text_contents() == ["def", "return"]
    assert view.locator("span.nf").all_text_contents() == ["f"]
    assert view.locator("span.c1").all_text_contents() == ["# note"]
    assert view.locator("span.s").all_text_contents() == ["'a'"]
    assert view.locator("span.mi").all_text_contents() == ["1.5"]
    reset(demo)


def test_reset_and_copy(demos_page):
    demo = demos_page.locator(".attn-demo").nth(1)
    original = demo.locator("textarea").input_value()
    set_code(demo, "print(2)")
    demo.locator(".attn-demo-copy").click()
    assert demos_page.evaluate("navigator.clipboard.readText()") == "print(2)"
    reset(demo)
    assert demo.locator("textarea").input_value() == original
    status = demo.locator(".attn-demo-status")
    assert status.get_attribute("aria-live") == "polite"
    assert "reset" in status.text_content()


def test_streams_keep_order_and_show_markup_as_text(demos_page):
    demo = demos_page.locator(".attn-demo").nth(1)
    run_code(demo, demo.locator("textarea").input_value())
    blocks = demo.locator(".attn-demo-output pre")
    assert blocks.all_text_contents() == [
        "ab",
        "err\n",
        "<img src=x onerror=alert(1)>\n",
    ]
    assert blocks.nth(1).get_attribute("class") == "attn-stream attn-stderr"
    assert demo.locator(".attn-demo-output img").count() == 0
    assert demos_page.dialogs == []


def test_error_shows_traceback_of_demo_code(demos_page):
    demo = demos_page.locator(".attn-demo").nth(1)
    run_code(demo, "import attention_core as ac\n\nac.causal_mask(0)")
    error = demo.locator(".attn-demo-output pre.attn-error")
    text = error.text_content()
    assert 'File "<demo>", line 3' in text
    assert "ValueError: seq_len must be at least 1; got 0" in text
    assert "masks.py" not in text
    status = demo.locator(".attn-demo-status")
    assert "attn-demo-status--error" in status.get_attribute("class")
    reset(demo)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        # 8 GiB is more than a wasm32 size_t can count.
        ("np.zeros((2**15, 2**15))", "ValueError: array is too big"),
        # Five 1 GiB arrays each fit, but together overflow the 4 GiB heap.
        ("arrays = [np.empty(2**30, np.uint8) for _ in range(5)]", "MemoryError"),
    ],
)
def test_memory_exhaustion_is_a_readable_error(demos_page, code, message):
    demo = demos_page.locator(".attn-demo").nth(1)
    run_code(demo, f"import numpy as np\n{code}")
    text = demo.locator(".attn-demo-output pre.attn-error").text_content()
    assert message in text
    assert 'File "<demo>", line 2' in text
    run_code(demo, "print('still alive')")
    assert demo.locator(".attn-demo-output").text_content() == "still alive\n"
    reset(demo)


def wait_until_running(demo) -> None:
    demo.page.wait_for_function(
        "element => element.querySelector('.attn-demo-status').textContent"
        ".startsWith('Running')",
        arg=demo.element_handle(),
        timeout=LOAD_TIMEOUT_MS,
    )


def stop_and_time(demo) -> float:
    """Click Stop; return the seconds until the demo reports it stopped."""
    started = time.perf_counter()
    demo.locator(".attn-demo-stop").click()
    demo.page.wait_for_function(
        "element => element.querySelector('.attn-demo-status').textContent"
        ".startsWith('Stopped')",
        arg=demo.element_handle(),
        timeout=5_000,
    )
    return time.perf_counter() - started


def test_stop_ends_endless_loop_and_restarts(demos_page):
    demo = demos_page.locator(".attn-demo").nth(1)
    set_code(demo, "while True:\n    pass")
    demo.locator(".attn-demo-run").click()
    wait_until_running(demo)
    demos_page.wait_for_timeout(300)
    assert stop_and_time(demo) < 1.0
    assert demo.locator(".attn-demo-stop").is_hidden()
    focused = demos_page.evaluate("document.activeElement.className")
    assert "attn-demo-run" in focused
    demos_page.wait_for_function(
        "element => element.querySelector('.attn-demo-status').textContent"
        ".includes('restarted')",
        arg=demo.element_handle(),
        timeout=LOAD_TIMEOUT_MS,
    )
    run_code(demo, "print('after restart')")
    assert demo.locator(".attn-demo-output").text_content() == "after restart\n"
    reset(demo)


def test_endless_print_loop_keeps_page_responsive(demos_page):
    demo = demos_page.locator(".attn-demo").nth(1)
    set_code(demo, "while True:\n    print('x' * 79)")
    demo.locator(".attn-demo-run").click()
    demos_page.wait_for_selector(".attn-trimmed", timeout=LOAD_TIMEOUT_MS)

    # The page still answers quickly while output pours in.
    delays = []
    for _ in range(5):
        started = time.perf_counter()
        demos_page.evaluate("1")
        delays.append(time.perf_counter() - started)
    assert max(delays) < 0.5
    kept = demos_page.evaluate(
        "element => element.querySelector('.attn-demo-output').textContent.length",
        demo.element_handle(),
    )
    assert kept <= 33 * 1024
    assert stop_and_time(demo) < 1.0
    reset(demo)


def test_shared_demos_share_only_when_asked(demos_page):
    shared, unshared = (
        demos_page.locator(".attn-demo").nth(4),
        (demos_page.locator(".attn-demo").nth(5)),
    )
    # The second shared demo runs alone: the first is replayed before it.
    build = shared.locator(".attn-demo-output").inner_html()
    before = runs(shared)
    shared.locator(".attn-demo-run").click()
    wait_for_runs(shared, before + 1)
    assert shared.locator(".attn-demo-output").inner_html() == build
    assert shared.locator(".attn-demo-output").text_content() == "42\n"

    # Editing the first shared demo changes what the second sees.
    first = demos_page.locator(".attn-demo").nth(3)
    set_code(first, "x = 99")
    before = runs(shared)
    shared.locator(".attn-demo-run").click()
    wait_for_runs(shared, before + 1)
    assert shared.locator(".attn-demo-output").text_content() == "100\n"
    reset(first)

    before = runs(unshared)
    unshared.locator(".attn-demo-run").click()
    wait_for_runs(unshared, before + 1)
    assert unshared.locator(".attn-demo-output").text_content() == "False\n"


def test_demos_page_made_no_foreign_requests(demos_page):
    assert foreign_hosts(demos_page.requests) == set()
    assert demos_page.problems == []
    assert demos_page.dialogs == []


def test_run_before_ready_is_queued(open_page, demo_site):
    page = open_page(demo_site.url + "demos/")
    page.wait_for_selector(".attn-demo[data-ready]")
    demos = page.locator(".attn-demo")
    builds = [demos.nth(i).locator(".attn-demo-output").inner_html() for i in (0, 1)]
    demos.nth(0).locator(".attn-demo-run").click()
    demos.nth(1).locator(".attn-demo-run").click()
    assert demos.nth(1).locator(".attn-demo-stop").is_visible()
    for i in (0, 1):
        wait_for_runs(demos.nth(i), 1)
        assert demos.nth(i).locator(".attn-demo-output").inner_html() == builds[i]
    assert page.problems == []


def test_worker_survives_instant_navigation(open_page, demo_site):
    page = open_page(demo_site.url)
    page.wait_for_load_state("networkidle")
    page.evaluate("window.sameDocument = true")

    # Home -> demos through an in-site link: Material swaps the page.
    page.locator("article a[href*=demos]").click()
    page.wait_for_selector(".attn-demo[data-ready]")
    assert page.evaluate("window.sameDocument") is True
    demo = page.locator(".attn-demo").nth(2)
    build = demo.locator(".attn-demo-output").inner_html()
    demo.locator(".attn-demo-run").click()
    wait_for_runs(demo, 1)
    assert demo.locator(".attn-demo-output").inner_html() == build

    # Demos -> plain -> demos: the same worker runs the demo again, warm.
    page.locator("nav a.md-nav__link[href*=plain]").first.click()
    page.wait_for_url("**/plain/")
    page.locator("nav a.md-nav__link[href*=demos]").first.click()
    page.wait_for_selector(".attn-demo[data-ready]")
    assert page.evaluate("window.sameDocument") is True
    demo = page.locator(".attn-demo").nth(2)
    demo.locator(".attn-demo-run").click()
    wait_for_runs(demo, 1, timeout=5_000)
    assert demo.locator(".attn-demo-output").inner_html() == build
    wasm = [url for url in page.requests if url.endswith("pyodide.asm.wasm")]
    assert len(wasm) == 1
    assert page.problems == []


def test_language_selector_follows_instant_navigation(open_page, demo_site):
    page = open_page(demo_site.url)
    page.wait_for_load_state("networkidle")
    page.evaluate("window.sameDocument = true")
    page.locator("article a[href*=demos]").click()
    page.wait_for_url("**/demos/")
    page.wait_for_selector(".attn-demo[data-ready]")
    assert page.evaluate("window.sameDocument") is True
    link = page.locator("a.md-select__link[hreflang=zh]")
    assert link.evaluate("a => a.href") == demo_site.url + "zh/demos/"

    link.dispatch_event("click")
    page.wait_for_url("**/zh/demos/")
    page.wait_for_selector(".attn-demo[data-ready]")
    back = page.locator("a.md-select__link[hreflang=en]")
    assert back.evaluate("a => a.href") == demo_site.url + "demos/"
    assert page.locator(".attn-demo .attn-demo-run").first.text_content() == "运行"
    assert page.problems == []


def test_page_without_demos_fetches_no_runtime(open_page, demo_site):
    page = open_page(demo_site.url + "plain/")
    page.wait_for_load_state("networkidle")
    assert pyodide_requests(page.requests) == []
    assert not [url for url in page.requests if "demo-runtime" in url]
    assert page.problems == []
