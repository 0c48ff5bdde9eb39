"""Replace the attention blocks of one page with their rendered HTML.

Rendering happens in two passes because Python-Markdown would mangle raw HTML
placed inside indented content (admonitions, lists, tabs):

1. ``render_blocks`` (on ``on_page_markdown``) renders every block and leaves
   a one-word placeholder paragraph in its place.
2. ``fill_placeholders`` (on ``on_page_content``) swaps each placeholder
   paragraph of the converted HTML for the block's HTML.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from hooks.block_types import BLOCK_TYPES, BlockContext, read_block
from hooks.cache import RenderCache
from hooks.errors import BlockError
from hooks.scan import find_fenced_blocks

__all__ = ["PageBlocks", "PageBlockError", "render_blocks", "fill_placeholders"]


class PageBlockError(Exception):
    """A block of a page is invalid; the message starts with ``path:line:``."""


@dataclass
class PageBlocks:
    """The rendered blocks of one page, keyed by placeholder."""

    path: str
    fragments: dict[str, tuple[int, str]] = field(default_factory=dict)
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
    fenced_blocks = find_fenced_blocks(lines)
    _reject_quoted_blocks(lines, fenced_blocks, path)
    for block in fenced_blocks:
        block_type = BLOCK_TYPES.get(block.kind)
        if block_type is None:
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


def _reject_quoted_blocks(lines: list[str], fenced_blocks, path: str) -> None:
    """Raise for an attention block inside a blockquote.

    The scanner reads fences only at the start of a line, so a quoted block
    would otherwise reach the page as a plain code block of YAML.
    """
    inside = set()
    for block in fenced_blocks:
        end = block.end if block.end is not None else len(lines) - 1
        inside.update(range(block.start, end + 1))
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


def fill_placeholders(html: str, page: PageBlocks) -> str:
    """Put each block's HTML where its placeholder paragraph ended up.

    Raises
    ------
    PageBlockError
        When a placeholder is missing from the HTML, so that no block is
        silently dropped, or when it ended up inside a code block, where the
        block's HTML would show inside the code.
    """
    for placeholder, (line, fragment) in page.fragments.items():
        pattern = re.compile(rf"<p>\s*{placeholder}\s*</p>|{placeholder}")
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
        html = html[: match.start()] + fragment + html[match.end() :]
    return html
