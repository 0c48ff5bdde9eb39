"""Every page exists in English and Chinese, with translated nav titles."""

from __future__ import annotations

import yaml

from hooks.parity import missing_translations
from tests.conftest import REPO_ROOT
from tests.content.pages import built_page, nav_pages


def _config() -> dict:
    return yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def _zh_language() -> dict:
    i18n = next(p["i18n"] for p in _config()["plugins"] if "i18n" in p)
    return next(lang for lang in i18n["languages"] if lang["locale"] == "zh")


def test_docs_have_every_translation():
    assert missing_translations(REPO_ROOT / "docs", "en", ["en", "zh"]) == []


def test_nav_titles_translated():
    translations = _zh_language()["nav_translations"]
    for title in nav_pages():
        assert title in translations, f"nav title {title!r} has no Chinese title"
        assert translations[title] != title


def test_built_zh_nav_shows_chinese_titles(built_site):
    html = built_page(built_site, "index.md", "zh")
    for title, chinese in _zh_language()["nav_translations"].items():
        assert chinese in html, f"zh nav lacks {chinese!r} (for {title!r})"


def test_nav_lists_every_page():
    listed = set(nav_pages().values())
    sources = {
        path.name
        for path in (REPO_ROOT / "docs").glob("*.md")
        if not path.name.endswith(".zh.md")
    }
    assert sources - listed == set()


def test_missing_translations_names_both_files(tmp_path):
    (tmp_path / "a.md").write_text("# A")
    (tmp_path / "b.zh.md").write_text("# B")
    (tmp_path / "c.md").write_text("# C")
    (tmp_path / "c.zh.md").write_text("# C")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.md").write_text("# D")
    assert missing_translations(tmp_path, "en", ["en", "zh"]) == [
        ("a.zh.md", "a.md"),
        ("b.md", "b.zh.md"),
        ("sub/d.zh.md", "sub/d.md"),
    ]


def test_build_fails_on_missing_translation(make_site):
    result, _ = make_site(
        {
            "index.md": "# Home\n",
            "index.zh.md": "# 首页\n",
            "extra.md": "# Extra\n",
        }
    )
    assert result.returncode != 0
    assert "docs/extra.zh.md: missing" in result.stderr
    assert "translation of docs/extra.md" in result.stderr
