"""Shared fixtures: built sites, a local HTTP server and headless Chromium."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Flags that keep Chromium from calling home on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def run_mkdocs_build(config_file: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """Build a site with ``mkdocs build --strict`` in a subprocess."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean",
               "-f", str(config_file), "-d", str(site_dir)]  # fmt: skip
    return subprocess.run(
        command, capture_output=True, text=True, cwd=config_file.parent
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The repository's own site, built once per test session."""
    site_dir = tmp_path_factory.mktemp("site")
    result = run_mkdocs_build(REPO_ROOT / "mkdocs.yml", site_dir)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stderr}"
    return site_dir


@pytest.fixture
def make_site(tmp_path) -> Callable[..., tuple[subprocess.CompletedProcess, Path]]:
    """Build a small site from the given pages with the repository's hooks.

    Pages are ``{"index.md": "...", "index.zh.md": "..."}``; every page needs
    both languages because the i18n plugin is configured without fallback.
    Returns the build's completed process and the site folder.
    """

    def build(pages: dict[str, str]) -> tuple[subprocess.CompletedProcess, Path]:
        docs = tmp_path / "docs"
        for name, text in pages.items():
            path = docs / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
        config.pop("nav", None)
        config["docs_dir"] = str(docs)
        config["hooks"] = [str(REPO_ROOT / "hooks" / "mkdocs_hooks.py")]
        config["watch"] = []
        config["extra_css"] = []
        config["extra_javascript"] = []
        for language in config["plugins"][1]["i18n"]["languages"]:
            language.pop("nav_translations", None)
        config_file = tmp_path / "mkdocs.yml"
        config_file.write_text(
            yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
        )
        site_dir = tmp_path / "site"
        return run_mkdocs_build(config_file, site_dir), site_dir

    return build


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
    }

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def send_error(self, code, message=None, explain=None):
        """Answer a missing path with the site's 404 page, as a host would.

        A path under a language folder that has its own ``404.html``
        (``/zh/...``) gets that page; any other path gets the root one.
        """
        if code != 404:
            return super().send_error(code, message, explain)
        first = self.path.lstrip("/").split("/", 1)[0]
        page = Path(self.directory) / first / "404.html"
        if first in ("", ".", "..") or not page.is_file():
            page = Path(self.directory) / "404.html"
        if not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def serve(built_site) -> Iterator[str]:
    """Serve the built site on 127.0.0.1; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing; run `.ci/setup test` to install Debian's chromium"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
