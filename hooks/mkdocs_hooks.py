"""MkDocs hooks: render attention blocks and ship the in-browser demo runtime.

``mkdocs.yml`` loads this file by path. It puts the repository root on
``sys.path`` so that ``hooks.*`` and ``attention_core`` import as packages,
and it reloads both when their sources change under ``mkdocs serve``.
"""

from __future__ import annotations

import hashlib
import html
import importlib
import json
import logging
import os
import posixpath
import re
import shutil
import sys
import time
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

REPO_ROOT = Path(__file__).resolve().parent.parent

log = logging.getLogger("mkdocs.hooks.attention")

PYODIDE_CDN = "https://cdn.jsdelivr.net/pyodide/v0.27.7/full/"


class _InstantSwitcherFilter(logging.Filter):
    """Drop the i18n plugin's warning that instant navigation breaks the switcher.

    mkdocs-static-i18n 1.3 warns that Material's language selector keeps the
    previous page's targets under ``navigation.instant``. This site fixes
    that: every page carries its targets (``_with_language_targets``) and the
    runtime script updates the selector on each page change. Without the
    filter the warning would fail every ``--strict`` build.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "not compatible with theme.features" not in record.getMessage()


_I18N_LOGGER = logging.getLogger("mkdocs.plugins.mkdocs_static_i18n.reconfigure")
# By name: `mkdocs serve` reloads this file, which makes a new class.
if not any(type(f).__name__ == "_InstantSwitcherFilter" for f in _I18N_LOGGER.filters):
    _I18N_LOGGER.addFilter(_InstantSwitcherFilter())


def _load_modules():
    """Import the hook modules, re-importing them if any source changed."""
    # MkDocs restores sys.path after loading this file, so the root is added
    # here, when the modules are imported.
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from hooks.cache import source_hash

    version = source_hash(REPO_ROOT / "attention_core", REPO_ROOT / "hooks")
    if getattr(sys.modules.get("hooks"), "_loaded_version", version) != version:
        log.info("attention_core or hooks changed; reloading them")
        for name in list(sys.modules):
            if name.split(".")[0] in ("attention_core", "hooks"):
                del sys.modules[name]
    hooks_package = importlib.import_module("hooks")
    hooks_package._loaded_version = version
    modules = {
        name: importlib.import_module(f"hooks.{name}")
        for name in (
            "block_types",
            "cache",
            "demo_block",
            "pages",
            "parity",
            "pyodide_bundle",
            "scan",
            "wheel",
        )
    }
    return version, modules


class _BuildState:
    """State that one language build carries from one MkDocs event to the next."""

    def __init__(self) -> None:
        self.modules: dict = {}
        self.cache = None
        self.wheel_version = ""
        self.wheel_name = ""
        self.wheel_data = b""
        self.wheel_path = ""
        self.pages: dict[str, object] = {}
        self.started = 0.0


_state = _BuildState()


def _i18n(config: MkDocsConfig):
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return "en", True
    return plugin.current_language, plugin.is_default_language_build


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    version, modules = _load_modules()
    _state.modules = modules
    try:
        modules["parity"].check_translations(config)
    except ValueError as err:
        raise PluginError(str(err)) from err
    _state.started = time.perf_counter()
    _state.pages = {}
    _state.cache = modules["cache"].RenderCache(
        REPO_ROOT / ".cache" / "blocks", version
    )
    # Each language build calls on_config; the wheel is packed once per
    # source version and reused by the other language and by serve rebuilds.
    if _state.wheel_version != version:
        _state.wheel_name, _state.wheel_data = modules["wheel"].build_wheel(
            REPO_ROOT / "attention_core"
        )
        _state.wheel_version = version
    # The wheel's folder is named after its content hash, so a changed package
    # gets a new URL and browsers never run a stale copy from their cache.
    digest = hashlib.sha256(_state.wheel_data).hexdigest()[:16]
    _state.wheel_path = f"assets/wheels/{digest}/{_state.wheel_name}"
    return config


def _pyodide_mode(config: MkDocsConfig) -> str:
    mode = config.extra.get("attention", {}).get("pyodide", "site")
    if mode not in ("site", "cdn"):
        raise PluginError(
            f"mkdocs.yml: extra.attention.pyodide must be site or cdn; got {mode!r}"
        )
    return mode


def _page_context(page: Page, config: MkDocsConfig, markdown: str):
    lang, _ = _i18n(config)
    # The i18n plugin builds page URLs with the language prefix ("zh/attention/"),
    # so the depth below the site root is the number of "/" in the URL.
    site_root = "../" * page.url.count("/")
    pyodide_version = _state.modules["pyodide_bundle"].PYODIDE_VERSION
    index = (
        PYODIDE_CDN
        if _pyodide_mode(config) == "cdn"
        else f"{site_root}assets/pyodide/{pyodide_version}/"
    )
    demo_block = _state.modules["demo_block"]
    return demo_block.DemoContext(
        lang=lang,
        site_root=site_root,
        wheel_path=_state.wheel_path,
        pyodide_index=index,
        shared_demos=demo_block.shared_demos(
            markdown, _state.modules["scan"].find_fenced_blocks
        ),
    )


def on_page_markdown(
    markdown: str, *, page: Page, config: MkDocsConfig, files: Files
) -> str:
    pages = _state.modules["pages"]
    path = posixpath.join(Path(config.docs_dir).name, page.file.src_uri)
    try:
        markdown, blocks = pages.render_blocks(
            markdown,
            path=path,
            context=_page_context(page, config, markdown),
            cache=_state.cache,
        )
    except pages.PageBlockError as err:
        raise PluginError(str(err)) from err
    log.debug(
        "%s: %d blocks rendered, %d from cache", path, blocks.rendered, blocks.cached
    )
    _state.pages[page.file.src_uri] = blocks
    return markdown


def on_page_content(
    html: str, *, page: Page, config: MkDocsConfig, files: Files
) -> str:
    pages = _state.modules["pages"]
    blocks = _state.pages.get(page.file.src_uri)
    if blocks is None:
        return html
    try:
        # The blocks stay stand-ins until on_post_page, so that the search
        # plugin parses their text instead of their many tags.
        return pages.fill_placeholders(html, blocks, search=True)
    except pages.PageBlockError as err:
        raise PluginError(str(err)) from err


# Material fetches "sitemap.xml" next to every <link rel="alternate"> in the
# head, to map the current page onto the other language. The i18n plugin
# points those links at the current page's translations, so every page load
# requested /attention/sitemap.xml and /zh/attention/sitemap.xml and logged
# two 404 errors. The language selector's own links already lead to the same
# page in the other language, so the head links are removed.
_HEAD_ALTERNATE = re.compile(
    r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?'
)


_SELECT_LINK = re.compile(
    r'<a href="(?P<href>[^"]*)" hreflang="(?P<lang>[^"]*)" class="md-select__link">'
)
_CONTAINER = '<div class="md-container" data-md-component="container">'


def _with_language_targets(output: str) -> str:
    """Copy the language selector's targets into the page's swapped container.

    Material's instant navigation replaces only some parts of the page (the
    container, not the header), so after an in-site navigation the header's
    language selector would keep the previous page's targets. The runtime
    script reads this copy on each page change and updates the selector.
    """
    targets = {m["lang"]: m["href"] for m in _SELECT_LINK.finditer(output)}
    if not targets or _CONTAINER not in output:
        return output
    # An attribute, not a <script>: Material re-creates the scripts of the
    # swapped container and drops their JSON text.
    data = html.escape(json.dumps(targets, sort_keys=True))
    element = f'<div class="attn-languages" hidden data-targets="{data}"></div>'
    return output.replace(_CONTAINER, _CONTAINER + element, 1)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    blocks = _state.pages.get(page.file.src_uri)
    if blocks is not None:
        pages = _state.modules["pages"]
        try:
            output = pages.restore_blocks(output, blocks)
        except pages.PageBlockError as err:
            raise PluginError(str(err)) from err
    # The links are in the head, so searching only there keeps this regex off
    # the page body, which the blocks make long.
    head_end = output.find("</head>")
    if head_end < 0:
        head_end = len(output)
    output = _HEAD_ALTERNATE.sub("", output[:head_end]) + output[head_end:]
    return _with_language_targets(output)


def on_post_build(config: MkDocsConfig) -> None:
    lang, is_default = _i18n(config)
    site_dir = Path(config.site_dir)
    rendered = sum(p.rendered for p in _state.pages.values())
    cached = sum(p.cached for p in _state.pages.values())
    if is_default:
        _write_runtime(site_dir, config)
    log.info(
        "attention blocks (%s): %d rendered, %d from cache, in %.2f s",
        lang,
        rendered,
        cached,
        time.perf_counter() - _state.started,
    )


def _write_runtime(site_dir: Path, config: MkDocsConfig) -> None:
    """Write the wheel and, unless a CDN serves it, the Pyodide runtime."""
    wheel_file = site_dir / _state.wheel_path
    wheel_file.parent.mkdir(parents=True, exist_ok=True)
    wheel_file.write_bytes(_state.wheel_data)
    if config.extra.get("attention", {}).get("pyodide", "site") != "site":
        return
    bundle = _state.modules["pyodide_bundle"]
    try:
        runtime = bundle.ensure_runtime()
    except bundle.BundleError as err:
        raise PluginError(f"Pyodide runtime: {err}") from err
    target = site_dir / "assets" / "pyodide" / bundle.PYODIDE_VERSION
    target.mkdir(parents=True, exist_ok=True)
    for name in bundle.RUNTIME_FILES:
        _link_or_copy(runtime / name, target / name)


def _link_or_copy(source: Path, target: Path) -> None:
    """Hard-link ``source`` to ``target``, or copy it across file systems.

    The runtime is 17 MB; a link makes writing it into the site free when the
    cache and the site share a file system.
    """
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
