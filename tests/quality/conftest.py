"""Fixtures of the site-wide quality checks: every page, both languages.

Pages are discovered from the built site, so a page added later is checked
without a change here. Each page is loaded once in Chromium
(``page_visits``); the accessibility, network, console and phone-width tests
read what that visit recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE_WIDTH = 390
PHONE_HEIGHT = 844
# axe-core impacts that fail the tests; "minor" and "moderate" do not.
FAILING_IMPACTS = ("serious", "critical")
# The rules whose outcome depends on colors: all that can change when the
# dark scheme replaces the light one, which gets the full rule set.
COLOR_RULES = ["color-contrast", "link-in-text-block"]
_HTML_LANG = re.compile(r'<html lang="([^"]+)"')


def site_pages(site: Path) -> list[str]:
    """Return the URL path of every page of ``site``, relative to its root.

    A page is an ``index.html`` outside ``assets/``; the 404 pages are
    checked by their own tests.
    """
    paths = []
    for index in sorted(site.rglob("index.html")):
        relative = index.relative_to(site).parent.as_posix()
        if relative.split("/")[0] == "assets":
            continue
        paths.append("" if relative == "." else relative + "/")
    return paths


def page_language(site: Path, path: str) -> str:
    """Return the ``lang`` attribute of the page at URL path ``path``."""
    html = (site / path / "index.html").read_text(encoding="utf-8")
    found = _HTML_LANG.search(html)
    assert found is not None, f"{path or '/'}: <html> has no lang attribute"
    return found.group(1)


@pytest.fixture(scope="session")
def pages(built_site) -> list[str]:
    """URL paths of every page of the built site, both languages."""
    found = site_pages(built_site)
    languages = {page_language(built_site, path) for path in found}
    assert languages == {"en", "zh"}, f"pages found in languages {languages}"
    return found


@dataclass
class PageVisit:
    """What one load of a page in Chromium recorded."""

    path: str
    requests: list[str] = field(default_factory=list)
    # Console errors, uncaught exceptions, failed requests, HTTP errors.
    problems: list[str] = field(default_factory=list)
    # Serious and critical axe-core violations, per color scheme.
    violations: dict[str, list[dict]] = field(default_factory=dict)
    # Tables without captions or header scopes, figures without text.
    structure: list[str] = field(default_factory=list)
    phone_scroll_width: int = 0
    # Wide elements at phone width that no scrolling box of their own holds.
    phone_overflowing: list[str] = field(default_factory=list)


def record_traffic(page, visit: PageVisit) -> None:
    """Record the requests and the problems of ``page`` into ``visit``."""
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and visit.problems.append(
                f"console: {message.text} ({message.location.get('url')})"
            )
        ),
    )
    page.on("pageerror", lambda error: visit.problems.append(f"page error: {error}"))
    page.on(
        "requestfailed",
        lambda request: visit.problems.append(
            f"request failed: {request.url} ({request.failure})"
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and visit.problems.append(f"HTTP {response.status} {response.url}")
        ),
    )


def set_color_scheme(page, scheme: str) -> None:
    """Switch Material's palette to ``scheme`` with the header's toggle."""
    for clicks in range(3):
        if page.evaluate("document.body.dataset.mdColorScheme") == scheme:
            if clicks:
                # Material fades some colors over 125-250 ms.
                page.wait_for_timeout(300)
            return
        page.locator('label[for^="__palette_"]:visible').first.click()
    current = page.evaluate("document.body.dataset.mdColorScheme")
    raise AssertionError(f"palette toggle gave scheme {current!r}, not {scheme!r}")


def run_axe(page, rules: list[str] | None = None) -> list[dict]:
    """Run axe-core on ``page``; return its serious and critical violations."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


# Wide elements at phone width: each must sit in (or be) a box that scrolls
# horizontally and itself fits the viewport.
_PHONE_OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const selector = ["table", "figure", "svg", "pre", "img", ".katex-display",
    ".attn-demo"].map((name) => ".md-content " + name).join(", ");
  const found = [];
  for (const element of document.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || (box.right <= width + 0.5 && box.left >= -0.5)) {
      continue;
    }
    let scroller = element;
    while (scroller && scroller !== document.body) {
      const style = getComputedStyle(scroller);
      if (/auto|scroll/.test(style.overflowX)) break;
      scroller = scroller.parentElement;
    }
    const fits = scroller && scroller !== document.body &&
      scroller.getBoundingClientRect().right <= width + 0.5;
    if (!fits) {
      const name = element.tagName.toLowerCase() +
        (element.className && typeof element.className === "string"
          ? "." + element.className.trim().split(/\\s+/).join(".") : "");
      found.push(`${name} (${Math.round(box.width)} px wide)`);
    }
  }
  return found;
}
"""


# Text alternatives and table structure in the page content, as the browser
# sees them after every script ran.
_STRUCTURE_JS = """
() => {
  const found = [];
  const article = document.querySelector("article") || document.body;
  const text = (ids) => (ids || "").split(/\\s+/).filter(Boolean)
    .map((id) => document.getElementById(id))
    .map((element) => (element ? element.textContent.trim() : null));
  article.querySelectorAll("table").forEach((table, index) => {
    const name = `table ${index + 1} (${table.className || "Markdown"})`;
    const role = table.getAttribute("role");
    if (role && role !== "table") found.push(`${name}: role ${role} hides the table`);
    const generated = /\\battn-/.test(table.className);
    const caption = table.querySelector("caption");
    if (generated && !(caption && caption.textContent.trim())) {
      found.push(`${name}: no caption`);
    }
    const headers = table.querySelectorAll("th");
    if (!headers.length) found.push(`${name}: no header cell`);
    headers.forEach((th) => {
      if (!/^(col|row|colgroup|rowgroup)$/.test(th.getAttribute("scope"))) {
        found.push(`${name}: <th>${th.textContent.trim()}</th> has no scope`);
      }
    });
  });
  article.querySelectorAll("svg").forEach((svg, index) => {
    if (svg.closest("[aria-hidden='true']")) return;
    const name = `svg ${index + 1} (${svg.getAttribute("class") || ""})`;
    if (svg.getAttribute("role") !== "img") {
      found.push(`${name}: role is not img`);
    }
    const labels = text(svg.getAttribute("aria-labelledby"));
    const title = svg.querySelector(":scope > title");
    const hasName = (svg.getAttribute("aria-label") || "").trim() ||
      (labels.length && labels.every(Boolean)) ||
      (title && title.textContent.trim());
    if (!hasName) found.push(`${name}: no accessible name`);
    if (labels.includes(null)) found.push(`${name}: aria-labelledby id missing`);
    const desc = svg.querySelector(":scope > desc");
    if (svg.closest("figure") && !(desc && desc.textContent.trim())) {
      found.push(`${name}: figure without <desc>`);
    }
  });
  article.querySelectorAll("img").forEach((img) => {
    if (!img.hasAttribute("alt")) found.push(`img ${img.src}: no alt`);
  });
  return found;
}
"""


def visit_page(context, base_url: str, path: str) -> PageVisit:
    """Load ``path`` once and record everything the quality tests check."""
    visit = PageVisit(path)
    page = context.new_page()
    record_traffic(page, visit)
    try:
        page.goto(base_url + path, wait_until="load")
        set_color_scheme(page, "default")
        visit.violations["default"] = run_axe(page)
        set_color_scheme(page, "slate")
        visit.violations["slate"] = run_axe(page, COLOR_RULES)
        # Leave the stored palette on the light scheme for the next page.
        set_color_scheme(page, "default")

        page.set_viewport_size({"width": PHONE_WIDTH, "height": PHONE_HEIGHT})
        # site.js marks scrolling boxes 150 ms after the last resize.
        page.wait_for_timeout(250)
        visit.phone_scroll_width = page.evaluate("document.documentElement.scrollWidth")
        visit.phone_overflowing = page.evaluate(_PHONE_OVERFLOW_JS)
        # After site.js marked the boxes that scroll at this width.
        visit.structure = page.evaluate(_STRUCTURE_JS)
        visit.violations["phone"] = run_axe(page, ["scrollable-region-focusable"])
        # By now the requests that the load started (search index, worker)
        # have finished; record them all before the page closes.
        page.wait_for_load_state("networkidle")
    finally:
        page.close()
    return visit


@pytest.fixture(scope="session")
def page_visits(browser, serve, pages) -> dict[str, PageVisit]:
    """Every page loaded once in Chromium, keyed by its URL path."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme="light"
    )
    try:
        return {path: visit_page(context, serve, path) for path in pages}
    finally:
        context.close()


def describe_violations(path: str, scheme: str, violations: list[dict]) -> str:
    """Format axe-core violations as one line per rule and element."""
    lines = []
    for violation in violations:
        for node in violation["nodes"][:5]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(
                f"/{path} [{scheme}] {violation['impact']} {violation['id']}: "
                f"{node['target']} {summary[:200]}"
            )
    return "\n".join(lines)
