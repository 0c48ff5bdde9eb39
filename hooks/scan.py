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
    """

    kind: str
    info: str
    indent: str
    start: int
    end: int | None
    body: str


def find_fenced_blocks(lines: list[str]) -> list[FencedBlock]:
    """Return the fenced blocks of ``lines``, outermost only.

    A fence nested in a longer fence (a block shown as an example inside a
    four-backtick ``markdown`` fence) is part of the outer block's body, so it
    is not returned. The closing fence uses the same character, is at least
    as long as the opening one and carries no info string, as in CommonMark.
    """
    blocks = []
    i = 0
    while i < len(lines):
        opening = _FENCE_OPEN.match(lines[i])
        if not opening or (opening["fence"][0] == "`" and "`" in opening["info"]):
            i += 1
            continue
        fence = opening["fence"]
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next(
            (j for j in range(i + 1, len(lines)) if closing.match(lines[j])), None
        )
        indent = opening["indent"]
        body_lines = lines[i + 1 : end if end is not None else len(lines)]
        body = "\n".join(
            line[len(indent) :] if line.startswith(indent) else line.lstrip()
            for line in body_lines
        )
        info = opening["info"]
        blocks.append(
            FencedBlock(info.split()[0] if info else "", info, indent, i, end, body)
        )
        i = (end if end is not None else len(lines)) + 1
    return blocks
