"""What every attention block type shares: its context, its description, YAML."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from hooks.errors import BlockError
from hooks.options import Option

__all__ = ["BlockContext", "BlockType", "load_yaml"]


@dataclass(frozen=True)
class BlockContext:
    """Rendering context of a block: the page language and the path to the site root."""

    lang: str
    # Relative URL from the page to the root of the whole site (the English
    # root, which also serves the shared runtime files), ending in "/".
    site_root: str
    wheel_path: str
    pyodide_index: str


@dataclass(frozen=True)
class BlockType:
    """A block type: its fence name, reader-facing name, options and renderer."""

    name: str
    title: str
    options: tuple[Option, ...]
    render: Callable[[dict[str, Any], BlockContext], str]
    # Splits the fence body into (YAML options, extra text such as code).
    split_body: Callable[[str], tuple[str, str, int]] | None = None


def load_yaml(text: str, block: str, line_offset: int = 1):
    """Parse YAML options, turning a syntax error into a ``BlockError`` at its line."""
    try:
        return yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = line_offset + (mark.line if mark is not None else 0)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise BlockError(
            f"{block}: invalid YAML: {problem}; write options as `name: value` lines",
            line_offset=line,
        ) from err
