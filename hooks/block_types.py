"""The attention blocks an author can write, each with its options and renderer.

Every block type has a name (the word after the opening fence), an option
spec, and a ``render`` function that takes validated options and a
``BlockContext`` and returns HTML.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import attention_core as ac
from hooks.block_base import BlockContext, BlockType, load_yaml
from hooks.demo_block import DEMO_BLOCK
from hooks.errors import BlockError
from hooks.options import Option, parse_options

__all__ = ["BLOCK_TYPES", "BlockContext", "BlockType"]

# A weight table prints every cell, so it stays readable only up to this many
# tokens; larger matrices belong in a heatmap figure.
MAX_TABLE_TOKENS = 32


def _tokens(value: Any) -> list[str]:
    """Accept a list of tokens or one string of whitespace-separated tokens."""
    tokens = value.split() if isinstance(value, str) else value
    if not all(isinstance(token, (str, int, float)) for token in tokens):
        raise ValueError("each token must be a string")
    tokens = [str(token) for token in tokens]
    if not tokens:
        raise ValueError("expected at least one token, got an empty list")
    if len(tokens) > MAX_TABLE_TOKENS:
        raise ValueError(
            f"a weight table shows at most {MAX_TABLE_TOKENS} tokens "
            f"(got {len(tokens)}); "
            "use a heatmap for larger matrices"
        )
    return tokens


# -- Weight table -----------------------------------------------------------

WEIGHT_TABLE_OPTIONS = (
    Option("tokens", (list, str), required=True, convert=_tokens,
           help="list the tokens, for example `tokens: <s> the cat sat`"),
    Option("scores", str, default="toy", choices=("toy",),
           help="how the scores are produced"),
    Option("seed", int, default=0, minimum=0),
    Option("d_model", int, default=16, minimum=1, maximum=4096),
    Option("d_k", int, default=16, minimum=1, maximum=4096),
    Option("mask", str, default="causal", choices=("causal", "none")),
    Option("temperature", float, default=1.0, minimum=1e-3, maximum=1e3),
    Option("decimals", int, default=2, minimum=0, maximum=6),
    Option("row_sums", bool, default=False),
    Option("caption", str, default=None),
)  # fmt: skip


def weight_table_weights(options: dict[str, Any]) -> np.ndarray:
    """Compute the weights a weight-table block shows, from its options."""
    tokens = options["tokens"]
    q, k = ac.toy_queries_keys(
        tokens, options["d_model"], options["d_k"], options["seed"]
    )
    mask = ac.causal_mask(len(tokens)) if options["mask"] == "causal" else None
    scale = 1.0 / (np.sqrt(options["d_k"]) * options["temperature"])
    _, weights = ac.scaled_dot_product_attention(q, k, k, mask=mask, scale=scale)
    return weights  # (seq_len, seq_len)


def render_weight_table(options: dict[str, Any], context: BlockContext) -> str:
    weights = weight_table_weights(options)
    causal = options["mask"] == "causal"
    table = ac.weight_table(
        weights,
        options["tokens"],
        lang=context.lang,
        caption=options["caption"],
        causal=causal,
        mask=ac.causal_mask(len(options["tokens"])) if causal else None,
        decimals=options["decimals"],
        row_sums=options["row_sums"],
    )
    return table.markup


BLOCK_TYPES = {
    block.name: block
    for block in (
        BlockType(
            "attention-table", "weight table", WEIGHT_TABLE_OPTIONS, render_weight_table
        ),
        DEMO_BLOCK,
    )
}


def read_block(block_type: BlockType, body: str) -> dict[str, Any]:
    """Parse and validate a block body into render options."""
    header, extra, extra_line = body, "", 0
    if block_type.split_body is not None:
        header, extra, extra_line = block_type.split_body(body)
    raw = load_yaml(
        header, block_type.title, line_offset=2 if block_type.split_body else 1
    )
    options = parse_options(raw, block_type.options, block_type.title)
    if block_type.split_body is not None:
        if not extra.strip():
            raise BlockError(
                f"{block_type.title}: the block has no code; "
                "write Python below the options"
            )
        options["code"] = extra
        options["code_line"] = extra_line
    return options
