"""Helpers shared by the content tests: the handbook's pages and their HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from tests.conftest import REPO_ROOT

# URL prefix of each language's pages below the site root.
LANGUAGES = {"en": "", "zh": "zh/"}


def nav_pages() -> dict[str, str]:
    """Map each nav title of mkdocs.yml to its Markdown file."""
    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = {}
    for entry in config["nav"]:
        ((title, path),) = entry.items()
        pages[title] = path
    return pages


def page_url(source: str) -> str:
    """Return the directory URL of a page source: "qkv.md" gives "qkv/"."""
    stem = source.removesuffix(".md")
    return "" if stem == "index" else f"{stem}/"


def built_page(site: Path, source: str, lang: str) -> str:
    """Read the built HTML of ``source`` in ``lang``."""
    return (site / LANGUAGES[lang] / page_url(source) / "index.html").read_text(
        encoding="utf-8"
    )


class _ArticleText(HTMLParser):
    """Collect the text of the page's article, skipping scripts and code."""

    SKIP = {"script", "style", "pre", "code", "annotation"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_article = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "article" and "md-content__inner" in classes:
            self.in_article = 1
        elif self.in_article and tag == "article":
            self.in_article += 1
        if self.in_article and tag in self.SKIP:
            self.skip += 1

    def handle_endtag(self, tag):
        if self.in_article and tag in self.SKIP and self.skip:
            self.skip -= 1
        if self.in_article and tag == "article":
            self.in_article -= 1

    def handle_data(self, data):
        if self.in_article and not self.skip:
            self.parts.append(data)


def article_text(html: str) -> str:
    """Return the prose of the article, without code, scripts or TeX sources."""
    parser = _ArticleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def article_html(html: str) -> str:
    """Return the HTML between the article's start and end tags."""
    start = html.index('<article class="md-content__inner')
    end = html.rindex("</article>")
    return html[start:end]
