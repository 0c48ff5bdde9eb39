"""Shared parts of every attention block type: context, description, YAML."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from hooks.errors import BlockError
from hooks.options import Option

__all__ = [
    "SAFE_LOADER",
    "BlockContext",
    "BlockOptions",
    "BlockType",
    "load_yaml",
    "yaml_lines",
]


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


class BlockOptions(dict):
    """Validated options of one block, with where each was written.

    ``given`` holds the names the author wrote (the others are defaults) and
    ``lines`` maps option paths (``mask``, ``weights[2]``,
    ``configs[0].n_heads``) to lines of the block body, where 0 is the fence.
    """

    def __init__(self, values, given=(), lines=None) -> None:
        super().__init__(values)
        self.given = frozenset(given)
        self.lines = dict(lines or {})

    def line_of(self, path: str) -> int:
        """Return the body line of ``path`` or of its nearest written parent."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("["), path.rfind("."))
            path = path[:cut] if cut > 0 else ""
        return 0


def yaml_lines(text: str, line_offset: int = 1) -> dict[str, int]:
    """Map every key and list item of a YAML mapping to its body line.

    Call only on text that ``load_yaml`` accepted.

    Examples
    --------
    >>> yaml_lines("a: 1\\nb: [[1, 2]]")
    {'a': 1, 'b': 2, 'b[0]': 2, 'b[0][0]': 2, 'b[0][1]': 2}
    """
    lines: dict[str, int] = {}

    def walk(node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = f"{path}.{key.value}" if path else str(key.value)
                lines[name] = line_offset + key.start_mark.line
                walk(value, name)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                name = f"{path}[{index}]"
                lines[name] = line_offset + item.start_mark.line
                walk(item, name)

    if text.strip():
        walk(yaml.compose(text, Loader=SAFE_LOADER), "")
    return lines


# libyaml's parser when PyYAML was built with it, as its PyPI wheels are. On
# a typical block header it is about 7x faster than the pure-Python parser.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(SAFE_LOADER):
    """A safe loader that rejects a key given twice in one mapping.

    Plain YAML keeps the last of two equal keys, so `seed: 1` followed by
    `seed: 2` would silently drop the first option.
    """

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in seen
            except TypeError:
                continue  # an unhashable key; the base class reports it
            if repeated:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key {key!r} is given twice; give each key once",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str, block: str, line_offset: int = 1):
    """Parse YAML options, turning a syntax error into a ``BlockError`` at its line."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader) if text.strip() else {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = line_offset + (mark.line if mark is not None else 0)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise BlockError(
            f"{block}: invalid YAML: {problem}; write options as `name: value` lines",
            line_offset=line,
        ) from err
