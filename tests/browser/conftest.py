"""Fixtures of the browser tests: small demo sites, a served folder, pages.

The small sites keep the real stylesheets and scripts (unlike ``make_site``)
and are served on the port that their ``site_url`` names, because Material's
instant navigation only follows links whose port matches the sitemap's.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.conftest import REPO_ROOT, _QuietHandler, run_mkdocs_build

# Pyodide loads in about 4 s from localhost; a busy CI machine gets slack.
LOAD_TIMEOUT_MS = 90_000

CONTROLS_DEMO = """\
```attention-demo
---
controls:
  - {name: temperature, type: slider, min: 0.5, max: 2, step: 0.5, default: 1.0,
     label: %(temperature)s}
  - {name: n, type: slider, min: 1, max: 5, step: 1, default: 2, label: "n"}
  - {name: mask, type: select, options: [causal, none], default: causal,
     label: %(mask)s}
  - {name: sentence, type: text, default: "the cat <sat>", label: %(sentence)s}
---
print(repr(temperature), repr(n), mask, sentence)
```
"""

STREAMS_DEMO = """\
```attention-demo
import sys
print("a", end="")
print("b", end="")
print("err", file=sys.stderr)
print("<img src=x onerror=alert(1)>")
```
"""

TABLE_DEMO = """\
```attention-demo
import attention_core as ac
ac.weight_table([[1.0]], ["<s>"])
```
"""

SHARED_DEMOS = """\
```attention-demo
---
shared: true
---
x = 41
```

```attention-demo
---
shared: true
---
print(x + 1)
```

```attention-demo
print("x" in globals())
```
"""

LABELS = {
    "en": {"temperature": "Temperature", "mask": "Mask", "sentence": "Sentence"},
    "zh": {"temperature": "温度", "mask": "掩码", "sentence": "句子"},
}


def _demo_page(lang: str) -> str:
    title = "Demos" if lang == "en" else "演示"
    return "\n".join(
        [
            f"# {title}\n",
            CONTROLS_DEMO % LABELS[lang],
            STREAMS_DEMO,
            TABLE_DEMO,
            SHARED_DEMOS,
        ]
    )


DEMO_SITE_PAGES = {
    "index.md": "# Home\n\n[Demos](demos.md)\n",
    "index.zh.md": "# 首页\n\n[演示](demos.md)\n",
    "plain.md": "# Plain\n\nNo demo here.\n",
    "plain.zh.md": "# 无演示\n\n这里没有演示。\n",
    "demos.md": _demo_page("en"),
    "demos.zh.md": _demo_page("zh"),
}


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # Stop and failure tests end workers mid-download; the browser then
        # resets the connection, which is expected here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _free_port() -> http.server.ThreadingHTTPServer:
    """Bind a server socket on 127.0.0.1 first, so the site can name its port."""
    return _QuietServer(("127.0.0.1", 0), _QuietHandler)


def build_demo_site(
    folder: Path, pages: dict[str, str], site_url: str, pyodide: str
) -> Path:
    """Build ``pages`` with the repository's config, scripts and styles."""
    docs = folder / "docs"
    shutil.copytree(REPO_ROOT / "docs" / "assets", docs / "assets")
    for name, text in pages.items():
        (docs / name).write_text(textwrap.dedent(text), encoding="utf-8")
    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("nav", None)
    config["docs_dir"] = str(docs)
    config["site_url"] = site_url
    config["watch"] = []
    config["hooks"] = [str(REPO_ROOT / path) for path in config["hooks"]]
    config["extra_css"] = [
        path for path in config.get("extra_css", []) if (docs / path).exists()
    ]
    config.setdefault("extra", {}).setdefault("attention", {})["pyodide"] = pyodide
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            for language in plugin["i18n"]["languages"]:
                language.pop("nav_translations", None)
    config_file = folder / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    site_dir = folder / "site"
    result = run_mkdocs_build(config_file, site_dir)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stderr}"
    return site_dir


class Served:
    """A built site served on 127.0.0.1: its base URL and its folder."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.folder = folder


def _serve_built(tmp_path_factory, name: str, pyodide: str) -> Iterator[Served]:
    server = _free_port()
    port = server.server_address[1]
    url = f"http://127.0.0.1:{port}/"
    site_dir = build_demo_site(
        tmp_path_factory.mktemp(name), DEMO_SITE_PAGES, url, pyodide
    )
    server.RequestHandlerClass = functools.partial(
        _QuietHandler, directory=str(site_dir)
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Served(url, site_dir)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Iterator[Served]:
    """The small demo site, served from this site (Pyodide included)."""
    yield from _serve_built(tmp_path_factory, "demo-site", "site")


@pytest.fixture(scope="session")
def cdn_site(tmp_path_factory) -> Iterator[Served]:
    """The small demo site built with ``extra.attention.pyodide: cdn``."""
    yield from _serve_built(tmp_path_factory, "cdn-site", "cdn")


def recorded_page(context, url: str | None = None):
    """Open a page in ``context`` that records what it did.

    The page gets ``requests`` (URLs), ``problems`` (console errors, page
    errors, HTTP errors) and ``dialogs`` (alert texts, which must stay empty).
    """
    page = context.new_page()
    page.requests = []
    page.problems = []
    page.dialogs = []
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

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    if url:
        page.goto(url)
    return page


@pytest.fixture
def open_page(browser) -> Iterator[Callable]:
    """Open recorded pages, each in a fresh browser context."""
    contexts = []

    def open_(url: str | None = None, **context_options):
        context = browser.new_context(**context_options)
        contexts.append(context)
        return recorded_page(context, url)

    yield open_
    for context in contexts:
        context.close()


def foreign_hosts(requests: list[str]) -> set[str]:
    """Return the hosts other than 127.0.0.1 that ``requests`` went to."""
    hosts = {urlsplit(url).hostname for url in requests if url.startswith("http")}
    return hosts - {"127.0.0.1"}


def pyodide_requests(requests: list[str]) -> list[str]:
    """Return the requests for Pyodide's files or a wheel."""
    return [url for url in requests if "pyodide" in url or url.endswith(".whl")]


def wait_for_runs(demo, count: int, timeout: int = LOAD_TIMEOUT_MS) -> None:
    """Wait until ``demo`` (a locator) has finished ``count`` runs."""
    demo.page.wait_for_function(
        "([element, count]) => Number(element.dataset.runs || 0) >= count",
        arg=[demo.element_handle(), count],
        timeout=timeout,
    )
