"""Benchmark the in-browser demo runtime against a bare Pyodide + numpy page.

Builds the small demo site of the browser tests, serves it on 127.0.0.1,
and drives Debian's Chromium through Playwright. Every round measures, in
fresh browser contexts (empty HTTP cache), alternating:

- bare: a test-only page written to a temporary folder that starts a worker,
  loads Pyodide and numpy from the same served runtime files, and prints one
  line. Time from pointer-down on its button to the printed line.
- cold: the demo page; time from pointer-down on Run to the demo's output.
- warm: a second run of the same demo on that page.

It also loads a page without demos and counts the Pyodide requests. Times
are taken inside the page with ``performance.now()``. Run it from the
repository root:

    .venv/bin/python benchmarks/demo_bench.py --rounds 5

The output is Markdown for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.conftest import (  # noqa: E402
    DEMO_SITE_PAGES,
    _free_port,
    build_demo_site,
    pyodide_requests,
)
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, _QuietHandler  # noqa: E402

BARE_PAGE = """<!doctype html>
<html><body>
<button id="run">Run</button><pre id="out"></pre>
<script>
const button = document.getElementById("run");
button.addEventListener("pointerdown", () => {
  window.started = performance.now();
  const worker = new Worker("bare-worker.js");
  worker.onmessage = (event) => {
    document.getElementById("out").textContent = event.data;
    window.elapsed = performance.now() - window.started;
  };
});
</script>
</body></html>
"""

BARE_WORKER = """
importScripts("assets/pyodide/0.27.7/pyodide.js");
(async () => {
  const pyodide = await loadPyodide({ indexURL: "assets/pyodide/0.27.7/" });
  await pyodide.loadPackage("numpy", { messageCallback: () => {} });
  postMessage(pyodide.runPython("import numpy; str(numpy.ones(3).sum())"));
})();
"""

# Pointer-down on Run starts the clock; the demo's data-runs attribute
# counts finished runs.
DEMO_TIMER = """
([index, runs]) => {
  const demo = document.querySelectorAll(".attn-demo")[index];
  const button = demo.querySelector(".attn-demo-run");
  button.addEventListener("pointerdown", () => {
    window.started = performance.now();
  }, { once: true });
  window.demoDone = new Promise((resolve) => {
    new MutationObserver((_, observer) => {
      if (Number(demo.dataset.runs || 0) >= runs) {
        observer.disconnect();
        resolve(performance.now() - window.started);
      }
    }).observe(demo, { attributes: true, attributeFilter: ["data-runs"] });
  });
}
"""

# The weight-table demo: imports attention_core and renders HTML.
DEMO_INDEX = 2


def serve(folder: Path, server) -> str:
    server.RequestHandlerClass = functools.partial(_QuietHandler, directory=str(folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


def measure_bare(browser, url: str) -> float:
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "bare.html")
    page.click("#run")
    page.wait_for_function("window.elapsed !== undefined", timeout=120_000)
    elapsed = page.evaluate("window.elapsed")
    context.close()
    return elapsed


def measure_demo(browser, url: str) -> tuple[float, float]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "demos/")
    page.wait_for_selector(".attn-demo[data-ready]")
    button = page.locator(".attn-demo").nth(DEMO_INDEX).locator(".attn-demo-run")
    page.evaluate(DEMO_TIMER, [DEMO_INDEX, 1])
    button.click()
    cold_ms = page.evaluate("window.demoDone")
    page.evaluate(DEMO_TIMER, [DEMO_INDEX, 2])
    button.click()
    warm_ms = page.evaluate("window.demoDone")
    context.close()
    return cold_ms, warm_ms


def count_pyodide_requests(browser, url: str) -> int:
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url + "plain/")
    page.wait_for_load_state("networkidle")
    context.close()
    return len(pyodide_requests(requests))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = _free_port()
        site_url = f"http://127.0.0.1:{server.server_address[1]}/"
        site = build_demo_site(Path(tmp) / "site", DEMO_SITE_PAGES, site_url, "site")
        url = serve(site, server)
        bare_dir = Path(tmp) / "bare"
        bare_dir.mkdir()
        (bare_dir / "bare.html").write_text(BARE_PAGE, encoding="utf-8")
        (bare_dir / "bare-worker.js").write_text(BARE_WORKER, encoding="utf-8")
        os.symlink(site / "assets", bare_dir / "assets")
        bare_url = serve(bare_dir, _free_port())

        bare, cold, warm = [], [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            # One unmeasured round warms the OS file cache and the server.
            measure_bare(browser, bare_url)
            measure_demo(browser, url)
            for _ in range(args.rounds):
                bare.append(measure_bare(browser, bare_url))
                cold_ms, warm_ms = measure_demo(browser, url)
                cold.append(cold_ms)
                warm.append(warm_ms)
            fetched = count_pyodide_requests(browser, url)
            version = browser.version
            browser.close()

    bare_ms = statistics.median(bare)
    cold_ms = statistics.median(cold)
    warm_ms = statistics.median(warm)
    print(f"Chromium {version}, {args.rounds} rounds, medians in ms.\n")
    print("| what | baseline | demo runtime | ratio | goal |")
    print("|---|---|---|---|---|")
    print(
        f"| click Run to first output, cold | bare Pyodide + numpy "
        f"{bare_ms:.0f} | {cold_ms:.0f} | {cold_ms / bare_ms:.2f}x | "
        "at most 1.15x |"
    )
    print(f"| second run on the page (warm) | - | {warm_ms:.1f} | - | under 100 ms |")
    print(f"| Pyodide requests of a page without demos | - | {fetched} | - | 0 |")
    rounds = zip(bare, cold, warm, strict=True)
    print(
        "\nAll rounds (bare / cold / warm): "
        + "; ".join(f"{b:.0f} / {c:.0f} / {w:.1f}" for b, c, w in rounds)
    )


if __name__ == "__main__":
    main()
