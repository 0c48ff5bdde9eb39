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
    option : str, optional
        Path of the offending option in the block's YAML, such as ``mask``,
        ``weights[2]`` or ``configs[1].n_heads``. The page layer turns it into
        the line of that option when ``line_offset`` is 0.
    """

    def __init__(self, message: str, line_offset: int = 0, option: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line_offset = line_offset
        self.option = option
