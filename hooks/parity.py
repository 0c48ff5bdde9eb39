"""Fail the build when a page is missing in one of the site's languages.

With ``fallback_to_default: false``, mkdocs-static-i18n 1.3 silently leaves
an untranslated page out of that language's site. A strict build stops only
when the page is also listed in ``nav``, and its warning names the nav entry,
not the missing file. This check names the missing file and the file it
translates.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["missing_translations", "check_translations"]


def _split_locale(name: str, locales: set[str]) -> tuple[str, str | None]:
    """Split "page.zh.md" into ("page.md", "zh"); "page.md" gives None."""
    stem, _, _ = name.rpartition(".md")
    base, dot, suffix = stem.rpartition(".")
    if dot and suffix in locales:
        return f"{base}.md", suffix
    return name, None


def missing_translations(
    docs_dir: Path, default_locale: str, locales: list[str]
) -> list[tuple[str, str]]:
    """List ``(missing file, existing file)`` pairs under ``docs_dir``.

    Every Markdown page must exist once per locale: ``page.md`` for the
    default locale and ``page.<locale>.md`` for each other one.

    Examples
    --------
    >>> import tempfile
    >>> docs = Path(tempfile.mkdtemp())
    >>> _ = (docs / "a.md").write_text("# A")
    >>> missing_translations(docs, "en", ["en", "zh"])
    [('a.zh.md', 'a.md')]
    """
    others = {locale for locale in locales if locale != default_locale}
    pages: dict[str, set[str]] = {}
    for path in sorted(docs_dir.rglob("*.md")):
        relative = path.relative_to(docs_dir).as_posix()
        base, locale = _split_locale(relative, others)
        pages.setdefault(base, set()).add(locale or default_locale)

    missing = []
    for base, present in sorted(pages.items()):
        existing = _page_name(base, sorted(present)[0], default_locale)
        for locale in locales:
            if locale not in present:
                missing.append((_page_name(base, locale, default_locale), existing))
    return missing


def _page_name(base: str, locale: str, default_locale: str) -> str:
    if locale == default_locale:
        return base
    return f"{base[: -len('.md')]}.{locale}.md"


def check_translations(config) -> None:
    """Raise ``ValueError`` naming every page missing in some language.

    Reads the languages from the i18n plugin of an MkDocs ``config``; a site
    without that plugin has nothing to check.
    """
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return
    locales = [language.locale for language in plugin.config.languages]
    default = next(
        (language.locale for language in plugin.config.languages if language.default),
        locales[0],
    )
    docs_dir = Path(config.docs_dir)
    missing = missing_translations(docs_dir, default, locales)
    if missing:
        lines = [
            f"{docs_dir.name}/{name}: missing; it is the translation of "
            f"{docs_dir.name}/{existing}"
            for name, existing in missing
        ]
        raise ValueError(
            "every page must exist in every language (the i18n plugin has no "
            "fallback):\n" + "\n".join(lines) + "\nAdd the missing pages."
        )
