"""Material loads no Google Fonts: the site uses the reader's system fonts."""

from __future__ import annotations

import yaml

from tests.conftest import REPO_ROOT

FONT_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com")


def test_theme_font_is_off():
    # yaml.safe_load rejects MkDocs's !ENV tags; BaseLoader reads them as text.
    config = yaml.load((REPO_ROOT / "mkdocs.yml").read_text("utf-8"), yaml.BaseLoader)
    assert config["theme"]["font"] == "false"


def test_no_page_or_stylesheet_names_font_host(built_site):
    found = [
        f"{path.relative_to(built_site)}: {host}"
        for pattern in ("*.html", "*.css")
        for path in built_site.rglob(pattern)
        for host in FONT_HOSTS
        if host in path.read_text(encoding="utf-8")
    ]
    assert not found, "\n".join(found)
