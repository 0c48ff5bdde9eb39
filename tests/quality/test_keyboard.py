"""A demo works from the keyboard alone: Tab reaches it, Enter and Space run it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

LOAD_TIMEOUT_MS = 120_000
MAX_TABS = 400
# What a reader can operate in a demo once its script has run.
CONTROLS = (
    "button:not([hidden]), input:not([type=hidden]), select, textarea, "
    "a[href], [contenteditable=true], [tabindex]:not([tabindex='-1'])"
)


def demo_pages(site, pages) -> list[str]:
    return [
        path
        for path in pages
        if 'class="attn-demo"' in (site / path / "index.html").read_text("utf-8")
    ]


def tab_through(page, wanted: int) -> list[str]:
    """Press Tab until every marked control had focus; return their ids.

    The demo's code editor keeps Tab for indentation and releases focus on
    Escape, as its hint says; the loop presses Escape there, as a reader
    would.
    """
    reached: list[str] = []

    def note_focus() -> str:
        kbd_id, tag = page.evaluate(
            "() => { const e = document.activeElement;"
            " return [e.dataset.kbdId || '', e.tagName]; }"
        )
        if kbd_id and kbd_id not in reached:
            reached.append(kbd_id)
        return tag

    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if note_focus() == "TEXTAREA":
            page.keyboard.press("Escape")
            note_focus()
        if len(reached) == wanted:
            break
    return reached


@pytest.fixture
def keyboard_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_demo_operable_by_keyboard(keyboard_page, built_site, pages, serve, lang):
    candidates = [
        path
        for path in demo_pages(built_site, pages)
        if path.startswith("zh/") == (lang == "zh")
    ]
    assert candidates, f"no page in {lang} has a demo"
    page = keyboard_page
    page.goto(serve + candidates[0])
    page.wait_for_selector(".attn-demo[data-ready]")
    demo = page.locator(".attn-demo").first

    # 1) Every visible control of the first demo is reached with Tab.
    names = demo.evaluate(
        """(demo, selector) => [...demo.querySelectorAll(selector)]
            .filter((e) => e.getClientRects().length)
            .map((e, i) => { e.dataset.kbdId = String(i);
              return e.className || e.tagName; })""",
        CONTROLS,
    )
    assert any("attn-demo-run" in name for name in names), names
    reached = tab_through(page, len(names))
    missing = [names[i] for i in range(len(names)) if str(i) not in reached]
    assert not missing, f"Tab never reached {missing}"

    # 2) Enter on the focused Run button runs the demo in the browser.
    run = demo.locator(".attn-demo-run")
    run.focus()
    assert page.evaluate("document.activeElement.matches('.attn-demo-run')")
    page.keyboard.press("Enter")
    demo.locator('.attn-demo-output[data-origin="live"]').wait_for(
        timeout=LOAD_TIMEOUT_MS
    )

    # 3) Space on Reset brings the build-time output back.
    reset = demo.locator(".attn-demo-reset")
    if reset.count():
        reset.focus()
        page.keyboard.press("Space")
        demo.locator('.attn-demo-output[data-origin="build"]').wait_for()
    else:
        page.evaluate(
            "() => document.querySelector('.attn-demo-output').dataset.origin = ''"
        )
        run.focus()
        page.keyboard.press("Space")
        demo.locator('.attn-demo-output[data-origin="live"]').wait_for(
            timeout=LOAD_TIMEOUT_MS
        )
