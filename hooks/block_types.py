"""The attention blocks an author can write, each with its options and renderer.

Every block type has a name (the word after the opening fence), an option
spec, and a ``render`` function that takes validated options and a
``BlockContext`` and returns HTML. The figure blocks live in
``hooks/figure_blocks.py``; this module holds the weight table, the registry
``BLOCK_TYPES`` and ``read_block``.
"""

from __future__ import annotations

from typing import Any

import attention_core as ac
from hooks.block_base import (
    BlockContext,
    BlockOptions,
    BlockType,
    load_yaml,
    yaml_lines,
)
from hooks.block_inputs import (
    MASK_OPTIONS,
    SCORE_OPTIONS,
    build_mask,
    tokens_converter,
    weights_for,
)
from hooks.demo_block import DEMO_BLOCK
from hooks.errors import BlockError
from hooks.figure_blocks import FIGURE_BLOCKS
from hooks.options import Option, parse_options, type_name

__all__ = ["BLOCK_TYPES", "BlockContext", "BlockType", "read_block"]

# A weight table prints every cell, so it stays readable only up to this many
# tokens; larger matrices belong in a heatmap figure.
MAX_TABLE_TOKENS = 32

WEIGHT_TABLE_OPTIONS = (
    Option("tokens", (list, str), required=True,
           convert=tokens_converter(MAX_TABLE_TOKENS, "weight table",
                                    "use attention-heatmap for larger matrices"),
           help="list the tokens, for example `tokens: <s> the cat sat`"),
    *SCORE_OPTIONS,
    *MASK_OPTIONS,
    Option("decimals", int, default=2, minimum=0, maximum=6),
    Option("row_sums", bool, default=False),
    Option("caption", str, default=None),
)  # fmt: skip


def render_weight_table(options: BlockOptions, context: BlockContext) -> str:
    tokens = options["tokens"]
    mask, _ = build_mask(options, len(tokens), context.lang, "weight table")
    weights = weights_for(options, tokens, mask, "weight table")
    names = options["mask"] if isinstance(options["mask"], list) else [options["mask"]]
    table = ac.weight_table(
        weights,
        tokens,
        lang=context.lang,
        caption=options["caption"],
        causal=names == ["causal"],
        mask=mask,
        decimals=options["decimals"],
        row_sums=options["row_sums"],
    )
    return table.markup


WEIGHT_TABLE = BlockType(
    "attention-table", "weight table", WEIGHT_TABLE_OPTIONS, render_weight_table
)

BLOCK_TYPES = {
    block.name: block for block in (WEIGHT_TABLE, *FIGURE_BLOCKS, DEMO_BLOCK)
}


def read_block(block_type: BlockType, body: str) -> BlockOptions:
    """Parse and validate a block body into render options."""
    header, extra, extra_line = body, "", 0
    if block_type.split_body is not None:
        header, extra, extra_line = block_type.split_body(body)
    line_offset = 2 if block_type.split_body else 1
    raw = load_yaml(header, block_type.title, line_offset=line_offset)
    lines = yaml_lines(header, line_offset)
    try:
        values = parse_options(raw, block_type.options, block_type.title)
    except BlockError as err:
        if not err.line_offset and err.option:
            err.line_offset = BlockOptions({}, lines=lines).line_of(err.option)
        raise
    options = BlockOptions(values, given=raw or {}, lines=lines)
    if block_type.split_body is not None:
        if not extra.strip():
            raise BlockError(
                f"{block_type.title}: the block has no code; "
                "write Python below the options"
            )
        options["code"] = extra
        options["code_line"] = extra_line
    return options


def describe_options(block_type: BlockType) -> list[dict[str, Any]]:
    """List a block's options with type, default and choices, for docs and tests."""
    return [
        {
            "name": option.name,
            "type": type_name(option.type),
            "default": option.default,
            "required": option.required,
            "choices": option.choices,
        }
        for option in block_type.options
    ]
