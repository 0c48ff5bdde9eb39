"""Light stand-ins for block HTML while Material's search plugin reads a page.

Material's search plugin parses every page's HTML with Python's
``html.parser`` in ``on_page_context``, and its cost grows with the number of
tags. A highlighted demo has a ``<span>`` per Python token, so the blocks
made up about half of the tags it parsed on this site, and most of the time
of a rebuild under ``mkdocs serve`` that the blocks added.

Between ``on_page_content`` and ``on_post_page`` each block is therefore
replaced in the page by one ``<div>`` with the block's text and only the tags
that the search plugin copies into its index. The index receives the same
words as from the block itself. Two HTML comments mark where the stand-in
starts and ends, and ``on_post_page`` puts the block back between them, even
if a plugin changed the stand-in in between.
"""

from __future__ import annotations

import functools
import re

__all__ = ["search_stand_in", "stand_in_markers"]

# Comments, and element contents that the search plugin leaves out of its
# index.
_SKIPPED = re.compile(
    r"<!--.*?-->|<(script|style|object)\b[^>]*>.*?</\1\s*>", re.S | re.I
)

# Tags that make the stand-in unsafe: headings start new search sections,
# and excluded elements would need the full parse to find their end.
_NEEDS_FULL_HTML = re.compile(r"<h[1-6][\s>]|data-search-exclude", re.I)

_PRE = re.compile(r"(<pre\b[^>]*>.*?</pre\s*>)", re.S | re.I)
# The tags that the search plugin copies into its index (Parser.keep in
# material/plugins/search/plugin.py). It drops every other tag. The
# renderers write tag names in lower case, so these patterns need no re.I.
_KEPT = "p|code|pre|li|ol|ul|sub|sup"
_KEPT_TAG = re.compile(rf"<(/?)({_KEPT})\b[^>]*>")
_OTHER_TAG = re.compile(rf"<(?!/?(?:{_KEPT})>)[^>]*>")


@functools.lru_cache(maxsize=1024)
def search_stand_in(fragment: str, key: str) -> str:
    """Return the block's text in one ``<div>``, between the markers of ``key``.

    The tags that the search plugin keeps in its index (``p``, ``code``,
    ``pre``, ``li``, ``ol``, ``ul``, ``sub``, ``sup``) stay, without their
    attributes. Every other tag becomes a space outside ``<pre>``, so that
    table cells and SVG labels stay separate words, and is removed inside
    ``<pre>``, so that highlighted code keeps its text. Character references
    stay as they are.

    A fragment with a heading or a ``data-search-exclude`` attribute (such as
    a demo that displays its own HTML) is returned whole inside the
    ``<div>``, so that the search plugin indexes exactly what the page shows.
    Comments are dropped.

    ``fragment`` is HTML written by this project's renderers: attribute
    values escape ``<`` and ``>``, so a tag ends at the first ``>``.

    Examples
    --------
    >>> search_stand_in('<table><tr><td>0.5</td><td>0.5</td></tr></table>', "b0")
    '<!--attention-block b0--><div>0.5 0.5</div><!--/attention-block b0-->'
    >>> code = '<pre class="x"><code><span>a</span>=1</code></pre>'
    >>> search_stand_in(code, "b1")[25:-26]
    '<div><pre><code>a=1</code></pre></div>'
    """
    if _NEEDS_FULL_HTML.search(fragment):
        text = fragment
    else:
        parts = _PRE.split(_SKIPPED.sub(" ", fragment))
        # _PRE.split puts the <pre> elements at the odd indices.
        text = "".join(
            _strip_tags(part, inside_pre=index % 2 == 1)
            for index, part in enumerate(parts)
        )
    start, end = stand_in_markers(key)
    return f"{start}<div>{text}</div>{end}"


def stand_in_markers(key: str) -> tuple[str, str]:
    """Return the comments that open and close the stand-in named ``key``."""
    return f"<!--attention-block {key}-->", f"<!--/attention-block {key}-->"


def _strip_tags(html: str, *, inside_pre: bool) -> str:
    """Return the text of ``html`` with bare kept tags and no other tags."""
    # Two passes of C-level substitution: the kept tags lose their
    # attributes, then every other tag goes.
    bare = _KEPT_TAG.sub(r"<\1\2>", html)
    text = _OTHER_TAG.sub("" if inside_pre else " ", bare)
    return text if inside_pre else " ".join(text.split())
