"""Replace the attention blocks of one page with their rendered HTML.

Rendering happens in two passes because Python-Markdown would mangle raw HTML
placed inside indented content (admonitions, lists, tabs):

1. ``render_blocks`` (on ``on_page_markdown``) renders every block and leaves
   a one-word placeholder paragraph in its place.
2. ``fill_placeholders`` (on ``on_page_content``) swaps each placeholder
   paragraph of the converted HTML for the block's HTML.

The MkDocs hook runs step 2 with ``search=True``: each placeholder gets a
light stand-in with the block's text (``hooks/search_text.py``) while
Material's search plugin indexes the page, and ``restore_blocks`` (on
``on_post_page``) swaps the stand-ins for the blocks' HTML.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from hooks.block_types import BLOCK_TYPES, BlockContext, read_block
from hooks.cache import RenderCache
from hooks.errors import BlockError
from hooks.scan import find_fenced_blocks
from hooks.search_text import search_stand_in, stand_in_markers

__all__ = [
    "PageBlocks",
    "PageBlockError",
    "render_blocks",
    "fill_placeholders",
    "restore_blocks",
]


class PageBlockError(Exception):
    """A block of a page is invalid; the message starts with ``path:line:``."""


@dataclass
class PageBlocks:
    """The rendered blocks of one page, keyed by placeholder."""

    path: str
    fragments: dict[str, tuple[int, str]] = field(default_factory=dict)
    # Placeholders of the blocks that have a search stand-in in the page.
    stand_ins: list[str] = field(default_factory=list)
    rendered: int = 0
    cached: int = 0


def render_blocks(
    markdown: str, *, path: str, context: BlockContext, cache: RenderCache
) -> tuple[str, PageBlocks]:
    """Render the attention blocks of ``markdown``; return it with placeholders.

    Parameters
    ----------
    path : str
        The page path as shown to the author, for example ``docs/attention.zh.md``.

    Raises
    ------
    PageBlockError
        For the first invalid block, as ``path:line: block: what is wrong``.
    """
    lines = markdown.split("\n")
    page = PageBlocks(path)
    nonce = hashlib.sha256(path.encode()).hexdigest()[:8]
    replacements = []
    comments: list[range] = []
    fenced_blocks = find_fenced_blocks(lines, comments)
    _reject_quoted_blocks(lines, fenced_blocks, comments, path)
    for block in fenced_blocks:
        block_type = BLOCK_TYPES.get(block.kind)
        # A block inside an HTML comment is hidden by its author: not
        # rendered and not checked.
        if block_type is None or block.commented:
            continue
        line = block.start + 1
        try:
            if block.end is None:
                raise BlockError(
                    f"{block_type.title}: the fence opened here is never closed"
                )
            key = cache.key(kind=block.kind, body=block.body, context=context.__dict__)
            html = cache.get(key)
            if html is None:
                html = _render(block_type, block.body, context)
                cache.put(key, html)
                page.rendered += 1
            else:
                page.cached += 1
        except BlockError as err:
            raise PageBlockError(
                f"{path}:{line + err.line_offset}: {err.message}"
            ) from err
        except (ValueError, TypeError) as err:
            raise PageBlockError(f"{path}:{line}: {block_type.title}: {err}") from err
        placeholder = f"attention-block-{nonce}-{len(page.fragments)}"
        page.fragments[placeholder] = (line, html)
        replacements.append((block, placeholder))

    # Replace from the bottom up so that earlier line numbers stay valid.
    for block, placeholder in reversed(replacements):
        lines[block.start : block.end + 1] = ["", block.indent + placeholder, ""]
    return "\n".join(lines), page


# An attention fence opened inside a blockquote ("> ```attention-table").
_QUOTED_FENCE = re.compile(
    r"^[ \t]*(?:>[ \t]*)+(?:`{3,}|~{3,})[ \t]*(attention-[\w-]+)"
)


def _reject_quoted_blocks(
    lines: list[str], fenced_blocks, comments: list[range], path: str
) -> None:
    """Raise for an attention block inside a blockquote.

    The scanner reads fences only at the start of a line, so a quoted block
    would otherwise reach the page as a plain code block of YAML. Lines in
    fenced code and in HTML comments are not read.
    """
    inside = set()
    for block in fenced_blocks:
        end = block.end if block.end is not None else len(lines) - 1
        inside.update(range(block.start, end + 1))
    for comment in comments:
        inside.update(comment)
    for index, text in enumerate(lines):
        found = _QUOTED_FENCE.match(text)
        if index in inside or found is None or found[1] not in BLOCK_TYPES:
            continue
        raise PageBlockError(
            f"{path}:{index + 1}: {BLOCK_TYPES[found[1]].title}: attention blocks "
            "inside a blockquote are not supported; move the block out of the "
            "quote, for example into an admonition"
        )


def _render(block_type, body: str, context: BlockContext) -> str:
    """Read and render one block; a render error points at its option's line."""
    options = read_block(block_type, body)
    try:
        return block_type.render(options, context)
    except BlockError as err:
        if not err.line_offset and err.option:
            err.line_offset = options.line_of(err.option)
        raise


def fill_placeholders(html: str, page: PageBlocks, *, search: bool = False) -> str:
    """Put each block's HTML where its placeholder paragraph ended up.

    Parameters
    ----------
    search : bool
        Put a search stand-in (:func:`hooks.search_text.search_stand_in`) in
        place of each block instead, for :func:`restore_blocks` to replace
        once the search plugin has indexed the page.

    Raises
    ------
    PageBlockError
        When a placeholder is missing from the HTML, so that no block is
        silently dropped, or when it ended up inside a code block, where the
        block's HTML would show inside the code.
    """
    page.stand_ins = []
    for placeholder, (line, fragment) in page.fragments.items():
        # (?!\d): the placeholder of block 1 is a prefix of that of block 10.
        pattern = re.compile(rf"<p>\s*{placeholder}\s*</p>|{placeholder}(?!\d)")
        match = pattern.search(html)
        if match is None:
            raise PageBlockError(
                f"{page.path}:{line}: the block did not reach the page HTML; it may "
                "sit inside raw HTML or a code span, where Markdown is not processed. "
                "Move it to its own paragraph."
            )
        before = html[: match.start()]
        if before.rfind("<code") > before.rfind("</code>"):
            raise PageBlockError(
                f"{page.path}:{line}: the block is inside an indented code block, "
                "which Markdown shows as literal text. Indent a block only inside "
                "a list item or an admonition; to show it as an example, put it in "
                "a longer fence (````markdown)."
            )
        if search:
            page.stand_ins.append(placeholder)
            fragment = search_stand_in(fragment, placeholder)
        html = html[: match.start()] + fragment + html[match.end() :]
    return html


def restore_blocks(output: str, page: PageBlocks) -> str:
    """Replace the search stand-ins in a finished page with the blocks' HTML.

    Everything between a stand-in's two markers is replaced, so a plugin
    that changed the stand-in's text (such as the search plugin removing
    ``data-search-*`` attributes) changes nothing in the page.

    Raises
    ------
    PageBlockError
        When a stand-in's markers are missing from ``output``, because a
        plugin that ran between ``on_page_content`` and ``on_post_page``
        removed them.
    """
    found = []
    for placeholder in page.stand_ins:
        line, fragment = page.fragments[placeholder]
        start_marker, end_marker = stand_in_markers(placeholder)
        start = output.find(start_marker)
        end = output.find(end_marker, start + 1) if start >= 0 else -1
        if end < 0:
            raise PageBlockError(
                f"{page.path}:{line}: the block's search stand-in "
                f"({start_marker}) is missing from the finished page: a plugin or "
                "hook removed it between on_page_content and on_post_page. "
                "Disable that plugin or hook."
            )
        found.append((start, end + len(end_marker), fragment))
    # Join the pieces once, in page order (Markdown may move a block, such as
    # one inside a footnote, after blocks that come later in the source).
    parts = []
    position = 0
    for start, stop, fragment in sorted(found):
        parts += [output[position:start], fragment]
        position = stop
    page.stand_ins = []
    return "".join(parts) + output[position:]
