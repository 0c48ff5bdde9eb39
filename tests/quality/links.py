"""A link checker for a built static site: files, anchors and asset URLs.

It reads every HTML file of the site and checks that each local reference
resolves to a file of the site and, where it carries a fragment, to an
element id of the target page:

- ``href``, ``src``, ``srcset``, ``poster``, ``data`` and ``xlink:href``
  attributes, and ``url(#id)`` references inside attributes (SVG markers,
  gradients, clip paths);
- ``url(...)`` in every CSS file of the site;
- URL strings inside ``<script type="application/json">`` elements and
  JSON ``data-*`` attributes (demo specs: the wheel and the Pyodide folder,
  whose runtime files must exist);
- relative ``import`` specifiers of the site's JavaScript modules.

A URL path that starts with ``/`` is resolved from the site root: the 404
pages use such paths, which work when the site is served at the root of
its host. References to other hosts and ``data:``, ``mailto:`` and
``javascript:`` URLs are not checked.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

URL_ATTRIBUTES = ("href", "src", "poster", "data", "xlink:href")
# Files that Pyodide's loader fetches from its index folder.
PYODIDE_FILES = (
    "pyodide.js",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_FRAGMENT_URL = re.compile(r"url\(\s*#([^)\s]+)\s*\)")
_JS_IMPORT = re.compile(
    r"""(?:\bimport\s*\(\s*|\bfrom\s+|^\s*import\s+)(['"])(\.{1,2}/[^'"]+)\1""",
    re.MULTILINE,
)
_URL_LIKE = re.compile(r"^(?:\.{0,2}/)?[\w.~%-]+(?:/[\w.~%-]*)*/?$")


class _PageParser(HTMLParser):
    """Collect the element ids and the local references of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.references: list[tuple[int, str, str]] = []
        self.json_blocks: list[tuple[int, str]] = []
        self._json_line = 0
        self._json_text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)
            if name in URL_ATTRIBUTES:
                self.references.append((line, f"{tag} {name}", value))
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.strip():
                        url = candidate.split()[0]
                        self.references.append((line, f"{tag} {name}", url))
            for fragment in _FRAGMENT_URL.findall(value):
                self.references.append((line, f"{tag} {name}", "#" + fragment))
            if name.startswith("data-") and value.lstrip().startswith(("{", "[")):
                self.json_blocks.append((line, value))
        if tag == "script" and ("type", "application/json") in attrs:
            self._json_line, self._json_text = line, []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._json_text is not None:
            self._json_text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._json_text is not None:
            self.json_blocks.append((self._json_line, "".join(self._json_text)))
            self._json_text = None


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def _target_file(site: Path, source: Path, url: str) -> tuple[Path, str]:
    """Return the file that ``url``, written in ``source``, names, and its
    fragment."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if not path:
        return source, unquote(parts.fragment)
    if path.startswith("/"):
        target = site / path.lstrip("/")
    else:
        folder = source.parent.relative_to(site).as_posix()
        target = site / posixpath.normpath(posixpath.join(folder, path))
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def _json_urls(value) -> Iterator[tuple[str, str]]:
    """Yield ``(key, string)`` for every URL-like string in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                if _URL_LIKE.match(item) and "/" in item:
                    yield key, item
            else:
                yield from _json_urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_urls(item)


class SiteLinks:
    """The pages of a built site, parsed once, and the checks over them."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.pages: dict[Path, _PageParser] = {}
        for path in sorted(site.rglob("*.html")):
            parser = _PageParser()
            parser.feed(path.read_text(encoding="utf-8"))
            parser.close()
            self.pages[path] = parser

    def _name(self, path: Path) -> str:
        return path.relative_to(self.site).as_posix()

    def _ids(self, path: Path) -> set[str] | None:
        parser = self.pages.get(path)
        return parser.ids if parser else None

    def _check(self, source: Path, line: int, where: str, url: str) -> str | None:
        """Return a message if ``url`` does not resolve, else None."""
        if url.startswith(("data:", "mailto:", "javascript:", "tel:")):
            return None
        if _is_external(url) or url == "#":
            return None
        target, fragment = _target_file(self.site, source, url)
        at = f"{self._name(source)}:{line}: {where}={url!r}"
        if not target.is_file():
            return f"{at}: {target.relative_to(self.site)} not found"
        if fragment and target.suffix == ".html":
            ids = self._ids(target)
            if ids is not None and fragment not in ids:
                return f"{at}: no id {fragment!r} in {self._name(target)}"
        return None

    def broken_page_links(self) -> list[str]:
        """Check every href/src-like attribute of every page."""
        broken = []
        for source, parser in self.pages.items():
            for line, where, url in parser.references:
                message = self._check(source, line, where, url)
                if message:
                    broken.append(message)
        return broken

    def broken_json_urls(self) -> list[str]:
        """Check the URLs inside the pages' JSON scripts and attributes."""
        broken = []
        for source, parser in self.pages.items():
            for line, text in parser.json_blocks:
                try:
                    data = json.loads(text)
                except json.JSONDecodeError as err:
                    broken.append(f"{self._name(source)}:{line}: invalid JSON: {err}")
                    continue
                for key, url in _json_urls(data):
                    broken.extend(self._check_json_url(source, line, key, url))
        return broken

    def _check_json_url(self, source: Path, line: int, key: str, url: str) -> list[str]:
        if url.endswith("/"):
            # A folder: the demo runtime loads Pyodide's files from it.
            target, _ = _target_file(self.site, source, url)
            folder = target.parent
            at = f"{self._name(source)}:{line}: JSON {key}={url!r}"
            if not folder.is_dir():
                return [f"{at}: folder {folder.relative_to(self.site)} not found"]
            if key != "pyodide":
                return []
            missing = [name for name in PYODIDE_FILES if not (folder / name).is_file()]
            lock = folder / "pyodide-lock.json"
            if lock.is_file():
                numpy = json.loads(lock.read_text())["packages"]["numpy"]["file_name"]
                if not (folder / numpy).is_file():
                    missing.append(numpy)
            return [f"{at}: {name} missing" for name in missing]
        message = self._check(source, line, f"JSON {key}", url)
        return [message] if message else []

    def broken_css_urls(self) -> list[str]:
        """Check ``url(...)`` references in every CSS file of the site."""
        broken = []
        for css in sorted(self.site.rglob("*.css")):
            text = css.read_text(encoding="utf-8")
            for match in _CSS_URL.finditer(text):
                url = match.group(2).strip()
                if url.startswith("#") or url.startswith("data:") or _is_external(url):
                    continue
                target = (css.parent / unquote(urlsplit(url).path)).resolve()
                if not target.is_file():
                    line = text.count("\n", 0, match.start()) + 1
                    broken.append(f"{self._name(css)}:{line}: url({url}) not found")
        return broken

    def broken_js_imports(self, folder: str = "assets/js") -> list[str]:
        """Check relative ``import`` specifiers in the site's own modules."""
        broken = []
        for script in sorted((self.site / folder).rglob("*.js")):
            text = script.read_text(encoding="utf-8")
            for match in _JS_IMPORT.finditer(text):
                if not (script.parent / match.group(2)).resolve().is_file():
                    line = text.count("\n", 0, match.start()) + 1
                    broken.append(
                        f"{self._name(script)}:{line}: import {match.group(2)!r} "
                        "not found"
                    )
        return broken
