"""Rendered HTML values that both the build and the browser display as HTML."""

from __future__ import annotations

import html as _html

__all__ = ["HTML", "escape"]


def escape(text) -> str:
    """Escape ``text`` for HTML element content and quoted attribute values.

    Examples
    --------
    >>> escape('<s> & "x"')
    '&lt;s&gt; &amp; &quot;x&quot;'
    """
    return _html.escape(str(text), quote=True)


class HTML:
    """A fragment of trusted HTML produced by an ``attention_core`` renderer.

    Demos display an ``HTML`` value as markup; every other value is shown as
    escaped text. Renderers escape all user text before it reaches an ``HTML``.

    Examples
    --------
    >>> HTML("<b>x</b>")._repr_html_()
    '<b>x</b>'
    """

    __slots__ = ("markup",)

    def __init__(self, markup: str) -> None:
        if not isinstance(markup, str):
            raise TypeError(f"HTML expects a str; got {type(markup).__name__}")
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return f"HTML({self.markup[:60]!r}{'...' if len(self.markup) > 60 else ''})"

    def __eq__(self, other) -> bool:
        return isinstance(other, HTML) and other.markup == self.markup

    def __hash__(self) -> int:
        return hash(self.markup)
