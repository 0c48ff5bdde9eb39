"""Find attention blocks among the fenced code blocks of a Markdown page."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FencedBlock", "find_fenced_blocks"]

_FENCE_OPEN = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$"
)


@dataclass(frozen=True)
class FencedBlock:
    """One top-level fenced code block of a page.

    ``start`` and ``end`` are 0-based indexes of the opening and closing fence
    lines; ``end`` is None for a fence left open at the end of the page.
    ``commented`` is True for a block inside an HTML comment, which the page
    does not show.
    """

    kind: str
    info: str
    indent: str
    start: int
    end: int | None
    body: str
    commented: bool = False


def find_fenced_blocks(
    lines: list[str], comments: list[range] | None = None
) -> list[FencedBlock]:
    """Return the fenced blocks of ``lines``, outermost only.

    A fence nested in a longer fence (a block shown as an example inside a
    four-backtick ``markdown`` fence) is part of the outer block's body, so it
    is not returned. The closing fence uses the same character, is at least
    as long as the opening one and carries no info string, as in CommonMark.

    An HTML comment block, as in CommonMark, starts at a line whose text,
    indented by at most 3 spaces, starts with ``<!--``, and ends at the first
    ``-->``. The fenced blocks inside it are returned with ``commented=True``.
    A ``<!--`` that is never closed starts no comment, so that a stray marker
    can never hide the blocks after it. When ``comments`` is a list, the
    line ranges of the comment blocks are appended to it.
    """
    return _scan(lines, 0, len(lines), commented=False, comments=comments)


def _scan(lines: list[str], first: int, stop: int, *, commented: bool, comments):
    """Find the fenced blocks of ``lines[first:stop]``, closed before ``stop``."""
    blocks = []
    i = first
    while i < stop:
        comment_end = None if commented else _comment_end(lines, i, stop)
        if comment_end is not None:
            if comments is not None:
                comments.append(range(i, comment_end + 1))
            # Fences inside the comment close inside it or not at all.
            inside = _scan(lines, i, comment_end + 1, commented=True, comments=None)
            blocks += [block for block in inside if block.end is not None]
            i = comment_end + 1
            continue
        opening = _FENCE_OPEN.match(lines[i])
        if not opening or (opening["fence"][0] == "`" and "`" in opening["info"]):
            i += 1
            continue
        fence = opening["fence"]
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(i + 1, stop) if closing.match(lines[j])), None)
        indent = opening["indent"]
        body_lines = lines[i + 1 : end if end is not None else stop]
        body = "\n".join(
            line[len(indent) :] if line.startswith(indent) else line.lstrip()
            for line in body_lines
        )
        info = opening["info"]
        kind = info.split()[0] if info else ""
        blocks.append(FencedBlock(kind, info, indent, i, end, body, commented))
        i = (end if end is not None else stop) + 1
    return blocks


_COMMENT_OPEN = re.compile(r"^ {0,3}<!--")


def _comment_end(lines: list[str], start: int, stop: int) -> int | None:
    """Return the line that closes an HTML comment block opened at ``start``.

    None when line ``start`` opens no comment block, or opens one that is
    not closed before ``stop``.
    """
    opening = _COMMENT_OPEN.match(lines[start])
    if opening is None:
        return None
    # "<!-->" and "<!--->" close where they open, as in HTML and CommonMark.
    if "-->" in lines[start][opening.end() - 2 :]:
        return start
    return next((j for j in range(start + 1, stop) if "-->" in lines[j]), None)
