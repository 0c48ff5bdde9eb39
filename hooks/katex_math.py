"""MkDocs hook: render the math of every page to HTML with KaTeX at build time.

``pymdownx.arithmatex`` (``generic: true``) wraps each formula in
``<span class="arithmatex">\\(...\\)</span>`` or
``<div class="arithmatex">\\[...\\]</div>``. This hook sends all formulas of
a page to one Node.js process running ``katex`` (the npm package pinned in
package.json) and puts the returned HTML in their place. Pages therefore
show typeset math without JavaScript, without a network and without a flash
of raw TeX. The KaTeX stylesheet and fonts are copied into the site under
``assets/katex/``; ``extra_css`` in mkdocs.yml links the stylesheet.

Rendered formulas are cached in ``.cache/math``, keyed by the KaTeX version,
the display mode and the TeX source.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

REPO_ROOT = Path(__file__).resolve().parent.parent
KATEX_DIR = REPO_ROOT / "node_modules" / "katex"
RENDER_SCRIPT = Path(__file__).resolve().parent / "katex_render.cjs"
CACHE_DIR = REPO_ROOT / ".cache" / "math"
# Folder of the stylesheet and fonts in the built site. mkdocs.yml links the
# stylesheet through extra_css with the same path.
SITE_ASSETS = "assets/katex"

log = logging.getLogger("mkdocs.hooks.katex_math")

# The wrappers that arithmatex writes in generic mode. The TeX inside is
# HTML-escaped ("<" arrives as "&lt;").
_FORMULA = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">'
    r"(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\])"
    r"</(?P=tag)>",
    re.DOTALL,
)


class MathError(Exception):
    """A formula KaTeX could not render, or KaTeX itself failed to run."""


def katex_version() -> str:
    """Return the version of the installed ``katex`` npm package."""
    package = KATEX_DIR / "package.json"
    if not package.is_file():
        raise MathError(
            f"{package} not found: the katex npm package is missing; "
            "run `npm ci` (or `.ci/setup docs`) in the repository"
        )
    return json.loads(package.read_text(encoding="utf-8"))["version"]


def _cache_key(version: str, tex: str, display: bool) -> str:
    text = json.dumps([version, tex, display], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _run_katex(formulas: list[tuple[str, bool]]) -> list[dict]:
    """Render formulas in one Node.js process; returns {html} or {error} each."""
    node = shutil.which("node")
    if node is None:
        raise MathError("node not found on PATH: KaTeX needs Node.js to render math")
    request = json.dumps([{"tex": tex, "display": d} for tex, d in formulas])
    try:
        done = subprocess.run(
            [node, str(RENDER_SCRIPT)],
            input=request,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        raise MathError(f"KaTeX timed out after {err.timeout} s") from err
    if done.returncode != 0:
        raise MathError(f"KaTeX failed (exit {done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout)


def render_formulas(
    formulas: list[tuple[str, bool]], *, cache_dir: Path | None = CACHE_DIR
) -> list[str]:
    """Render ``(tex, display)`` pairs to KaTeX HTML, using the disk cache.

    Raises
    ------
    MathError
        Naming the first formula KaTeX rejects and KaTeX's message.
    """
    version = katex_version()
    keys = [_cache_key(version, tex, display) for tex, display in formulas]
    rendered: dict[str, str] = {}
    if cache_dir is not None:
        for key in keys:
            path = cache_dir / f"{key}.html"
            if path.is_file():
                rendered[key] = path.read_text(encoding="utf-8")
    missing = [(k, f) for k, f in zip(keys, formulas, strict=True) if k not in rendered]
    if missing:
        results = _run_katex([formula for _, formula in missing])
        for (key, (tex, _)), result in zip(missing, results, strict=True):
            if "error" in result:
                raise MathError(f"invalid formula {tex!r}: {result['error']}")
            rendered[key] = result["html"]
            if cache_dir is not None:
                cache_dir.mkdir(parents=True, exist_ok=True)
                (cache_dir / f"{key}.html").write_text(result["html"], encoding="utf-8")
    return [rendered[key] for key in keys]


def render_math(page_html: str, *, cache_dir: Path | None = CACHE_DIR) -> str:
    """Replace every arithmatex formula in ``page_html`` by KaTeX HTML."""
    matches = list(_FORMULA.finditer(page_html))
    if not matches:
        return page_html
    formulas = []
    for match in matches:
        display = match["display"] is not None
        tex = match["display"] if display else match["inline"]
        formulas.append((html.unescape(tex).strip(), display))
    rendered = iter(render_formulas(formulas, cache_dir=cache_dir))
    return _FORMULA.sub(
        lambda m: _wrap(next(rendered), m["display"] is not None), page_html
    )


def _wrap(katex_html: str, display: bool) -> str:
    if display:
        return f'<div class="attn-math">{katex_html}</div>'
    return katex_html


def copy_assets(site_dir: Path) -> None:
    """Copy katex.min.css and its fonts to ``site_dir/assets/katex``."""
    katex_version()  # fails with the install hint if the package is missing
    source = KATEX_DIR / "dist"
    target = site_dir / SITE_ASSETS
    (target / "fonts").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / "katex.min.css", target / "katex.min.css")
    for font in sorted((source / "fonts").iterdir()):
        shutil.copyfile(font, target / "fonts" / font.name)


def _is_default_language(config: MkDocsConfig) -> bool:
    plugin = config.plugins.get("i18n")
    return plugin is None or plugin.is_default_language_build


def on_page_content(
    html: str, *, page: Page, config: MkDocsConfig, files: Files
) -> str:
    try:
        return render_math(html)
    except MathError as err:
        raise PluginError(
            f"{Path(config.docs_dir).name}/{page.file.src_uri}: math: {err}"
        ) from err


def on_post_build(config: MkDocsConfig) -> None:
    # The default-language build writes the site root; the other languages
    # link the same files with "../" in front.
    if not _is_default_language(config):
        return
    try:
        copy_assets(Path(config.site_dir))
    except MathError as err:
        raise PluginError(f"math: {err}") from err
    log.debug("KaTeX stylesheet and fonts copied to %s", SITE_ASSETS)
