"""Errors raised while reading and rendering attention blocks."""

from __future__ import annotations

__all__ = ["BlockError"]


class BlockError(Exception):
    """A block is invalid; the page layer adds the file and line.

    Parameters
    ----------
    message : str
        What is wrong: the option, what was expected and what was given.
    line_offset : int
        Line inside the block body (0 is the fence line) that the error points
        at, when it is known more precisely than the block itself.
    """

    def __init__(self, message: str, line_offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line_offset = line_offset
