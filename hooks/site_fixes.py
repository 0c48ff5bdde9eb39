"""MkDocs hook: site-wide fixes to what Material and the i18n plugin write.

mkdocs.yml lists this file after the other hooks. It changes the output in
six ways:

- Search per language. The i18n plugin merges the entries of every language
  into one ``search/search_index.json``, so a search on a Chinese page also
  found English pages (their tables print Chinese tokens). After the last
  language is built, the merged index is split: the default language keeps
  ``search/search_index.json`` and every other language gets
  ``<lang>/search/search_index.json``, with locations relative to its own
  folder. Material loads the index from ``__config.base``, so the pages of
  those languages get ``base`` pointing at their language folder, and a
  ``<lang>/sitemap.xml`` for instant navigation, which reads the sitemap at
  the same base.
  Material reads ``__config`` only on a full page load, so site.js keeps
  the language selector's links out of instant navigation.
- Accessibility. The search dialog gets an accessible name (the label of
  the search box), which Material leaves out.
- Heading ids. Headings get Unicode slugs, so a Chinese heading has an id
  made of its words instead of "_1", "_2" (see ``on_config``).
- Table headers. Header cells of Markdown tables get ``scope="col"``, so
  screen readers announce them with every cell of their column.
- 404 pages. Every language build writes ``404.html`` to the site root, so
  the last language's page overwrote the default one. Each language's page
  is kept and written to its own folder (``404.html``, ``zh/404.html``),
  with a heading in the page language, a link to that language's home page,
  and language links to the home pages.
- Reproducible dates. Unless ``SOURCE_DATE_EPOCH`` is set, it is set to the
  commit time of the git ``HEAD``, so the sitemap's ``lastmod`` dates and the
  gzip header of ``sitemap.xml.gz`` do not change with the day of the build.
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page
from pymdownx.slugs import slugify

REPO_ROOT = Path(__file__).resolve().parent.parent

log = logging.getLogger("mkdocs.hooks.site_fixes")

# The 404 heading and the link to the home page, per page language.
NOT_FOUND_TEXT = {
    "en": ("404 - Not found", "This page does not exist.", "Go to the home page"),
    "zh": ("404 - 页面不存在", "没有找到这个页面。", "返回首页"),
}

_CONFIG_BASE = re.compile(
    r'(<script id="__config" type="application/json">\{.*?"base": ")([^"]*)(")',
    re.DOTALL,
)
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_SEARCH_LABEL = re.compile(r'<input type="text" class="md-search__input"[^>]*')
_ARIA_LABEL = re.compile(r'aria-label="([^"]*)"')
_LANGUAGE_LINK = re.compile(
    r'<a href="([^"]*)" hreflang="([^"]*)" class="md-select__link">'
)
_HEAD_ALTERNATE = re.compile(
    r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?'
)
_NOT_FOUND_HEADING = "<h1>404 - Not found</h1>"
_TABLE_HEAD = re.compile(r"<thead>.*?</thead>", re.DOTALL)
_HEADER_CELL_WITHOUT_SCOPE = re.compile(r"<th(?=[\s>])(?![^>]*\bscope=)")
_SITEMAP_URL = re.compile(r"[ \t]*<url>.*?</url>\n?", re.DOTALL)
_SITEMAP_LOC = re.compile(r"<loc>([^<]*)</loc>")


@dataclass
class _Languages:
    """The i18n plugin's view of the build that is running."""

    current: str = "en"
    default: str = "en"
    all: list[str] = field(default_factory=lambda: ["en"])
    # True while the i18n plugin builds another language inside the
    # default language's build.
    nested: bool = False


@dataclass
class _BuildState:
    """Output kept across the language builds of one ``mkdocs build``."""

    not_found: dict[str, str] = field(default_factory=dict)
    page_urls: dict[str, list[str]] = field(default_factory=dict)


_state = _BuildState()


def _languages(config: MkDocsConfig) -> _Languages:
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return _Languages()
    return _Languages(
        current=plugin.current_language or plugin.default_language,
        default=plugin.default_language,
        all=list(plugin.build_languages),
        nested=plugin.building,
    )


def _set_source_date_epoch() -> None:
    """Set SOURCE_DATE_EPOCH to the commit time of HEAD unless it is set."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as err:
        # Not a warning: a build from a source archive without git is
        # valid, and `mkdocs build --strict` fails on warnings.
        log.info(
            "git log failed (%s); sitemap dates are today's date, so two builds "
            "on different days differ. Set SOURCE_DATE_EPOCH for reproducible "
            "output.",
            err,
        )
        return
    os.environ["SOURCE_DATE_EPOCH"] = result.stdout.strip()
    log.debug("SOURCE_DATE_EPOCH set to %s from git HEAD", result.stdout.strip())


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # The i18n plugin runs a whole build, on_config included, for each
    # further language, so the state is reset only when the first starts.
    if not _languages(config).nested:
        _set_source_date_epoch()
        _state.not_found.clear()
        _state.page_urls.clear()

    # Python-Markdown's default slugify drops every non-ASCII character, so
    # Chinese headings got ids "_1", "_2"... that move when a heading is
    # added and that no author can guess. Unicode slugs keep the words
    # ("## 掩码" gets id "掩码"). Set here because mkdocs.yml is also read
    # with yaml.safe_load, which rejects the !!python tag it would need.
    toc = config.mdx_configs.setdefault("toc", {})
    toc.setdefault("slugify", slugify(case="lower"))
    return config


def language_base(base: str, lang: str) -> str:
    """Return the URL of a language folder, given the site root's URL ``base``.

    >>> language_base("../..", "zh")
    '../../zh/'
    >>> language_base("/", "zh")
    '/zh/'
    """
    return posixpath.join(base, lang) + "/"


def fix_common(html: str, lang: str, default: str) -> str:
    """Apply the fixes that every page of language ``lang`` needs."""
    # Name the search dialog after the search box ("Search", "搜索").
    box = _SEARCH_LABEL.search(html)
    label = _ARIA_LABEL.search(box.group(0)) if box else None
    if label is not None:
        html = html.replace(
            _SEARCH_DIALOG,
            _SEARCH_DIALOG[:-1] + f' aria-label="{label.group(1)}">',
        )

    # Search, and the sitemap of instant navigation, per language.
    if lang != default:
        html = _CONFIG_BASE.sub(
            lambda m: m[1] + language_base(m[2], lang) + m[3], html, count=1
        )
    return html


def add_header_scopes(html: str) -> str:
    """Give the header cells of Markdown tables ``scope="col"``.

    >>> add_header_scopes('<thead><tr><th>a</th><th scope="row">b</th></tr></thead>')
    '<thead><tr><th scope="col">a</th><th scope="row">b</th></tr></thead>'
    """
    return _TABLE_HEAD.sub(
        lambda m: _HEADER_CELL_WITHOUT_SCOPE.sub('<th scope="col"', m.group(0)), html
    )


def fix_not_found(html: str, lang: str, languages: list[str], default: str) -> str:
    """Turn Material's 404 page into the 404 page of language ``lang``."""
    base_match = _CONFIG_BASE.search(html)
    base = base_match[2] if base_match else "/"

    def home(locale: str) -> str:
        return base if locale == default else language_base(base, locale)

    heading, text, link = NOT_FOUND_TEXT.get(lang, NOT_FOUND_TEXT["en"])
    if lang not in NOT_FOUND_TEXT:
        log.warning("404 page: no text for language %r; using English", lang)
    html = html.replace(
        _NOT_FOUND_HEADING,
        f'<h1>{heading}</h1>\n<p>{text} <a href="{home(lang)}">{link}</a></p>',
    )

    # The head links and the language links are those of the last page
    # built, so on a 404 page the language links lead to the home pages.
    html = _HEAD_ALTERNATE.sub("", html)
    html = _LANGUAGE_LINK.sub(
        lambda m: (
            f'<a href="{home(m[2]) if m[2] in languages else m[1]}" '
            f'hreflang="{m[2]}" class="md-select__link">'
        ),
        html,
    )
    return fix_common(html, lang, default)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    languages = _languages(config)
    _state.page_urls.setdefault(languages.current, []).append(page.url)
    output = add_header_scopes(output)
    return fix_common(output, languages.current, languages.default)


def on_post_template(
    output_content: str, *, template_name: str, config: MkDocsConfig
) -> str:
    if template_name != "404.html":
        return output_content
    languages = _languages(config)
    page = fix_not_found(
        output_content, languages.current, languages.all, languages.default
    )
    _state.not_found[languages.current] = page
    return page


def split_search_index(
    index: dict, languages: list[str], default: str
) -> dict[str, dict]:
    """Split a merged Material search index into one index per language.

    Entries whose location starts with ``<lang>/`` go to ``lang`` with that
    prefix removed; all others go to the default language. Every index keeps
    the merged index's ``config``.

    >>> merged = {"config": {}, "docs": [{"location": "zh/a/"}, {"location": "a/"}]}
    >>> split_search_index(merged, ["en", "zh"], "en")["zh"]["docs"]
    [{'location': 'a/'}]
    """
    split = {lang: {"config": index["config"], "docs": []} for lang in languages}
    for doc in index["docs"]:
        owner = default
        for lang in languages:
            if lang != default and doc["location"].startswith(f"{lang}/"):
                owner = lang
                doc = {**doc, "location": doc["location"][len(lang) + 1 :]}
                break
        split[owner]["docs"].append(doc)
    return split


def language_sitemap(sitemap: str, page_urls: list[str]) -> str:
    """Keep only the ``<url>`` entries of ``sitemap`` whose page is listed."""

    def keep(match: re.Match) -> str:
        loc = _SITEMAP_LOC.search(match.group(0))
        if loc and any(loc.group(1).endswith(url) for url in page_urls):
            return match.group(0)
        return ""

    return _SITEMAP_URL.sub(keep, sitemap)


def _write_search_indexes(site_dir: Path, languages: _Languages) -> None:
    path = site_dir / "search" / "search_index.json"
    if not path.is_file():
        log.warning("%s is missing; search is not split by language", path)
        return
    merged = json.loads(path.read_text(encoding="utf-8"))
    for lang, index in split_search_index(
        merged, languages.all, languages.default
    ).items():
        folder = site_dir if lang == languages.default else site_dir / lang
        target = folder / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        # The same JSON form as Material's own index.
        target.write_text(
            json.dumps(index, separators=(",", ":"), default=str), encoding="utf-8"
        )
        log.debug("search index for %s: %d entries", lang, len(index["docs"]))


def _write_language_sitemaps(site_dir: Path, languages: _Languages) -> None:
    sitemap_file = site_dir / "sitemap.xml"
    if not sitemap_file.is_file():
        return
    sitemap = sitemap_file.read_text(encoding="utf-8")
    for lang in languages.all:
        if lang == languages.default:
            continue
        target = site_dir / lang / "sitemap.xml"
        target.parent.mkdir(parents=True, exist_ok=True)
        urls = _state.page_urls.get(lang, [])
        target.write_text(language_sitemap(sitemap, urls), encoding="utf-8")


# After the i18n plugin (priority -100), which builds the other languages and
# writes the merged search index inside the default language's on_post_build.
@event_priority(-200)
def on_post_build(config: MkDocsConfig) -> None:
    languages = _languages(config)
    if languages.nested:
        return
    site_dir = Path(config.site_dir)
    if len(languages.all) > 1:
        _write_search_indexes(site_dir, languages)
        _write_language_sitemaps(site_dir, languages)
    for lang, page in _state.not_found.items():
        folder = site_dir if lang == languages.default else site_dir / lang
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "404.html").write_text(page, encoding="utf-8")
    log.info(
        "site fixes: search split into %d languages, %d 404 pages written",
        len(languages.all),
        len(_state.not_found),
    )
