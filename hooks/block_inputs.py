"""Options that several blocks share: tokens, matrices, score sources, masks.

The weight table and the heatmap take the same tokens, score sources and
masks; the mask figure takes the same masks. Each helper validates the
author's values and raises ``BlockError`` naming the option, what was
expected and what was given.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import attention_core as ac
from hooks.block_base import BlockOptions
from hooks.errors import BlockError
from hooks.options import Option

__all__ = [
    "MASKS",
    "MASK_OPTIONS",
    "SCORE_OPTIONS",
    "build_mask",
    "check_unused",
    "matrix",
    "tokens_converter",
    "weights_for",
]

# Mask names, each built by one function of attention_core.masks.
MASKS = (
    "none", "causal", "padding", "sliding_window", "dilated", "global",
    "block_sparse",
)  # fmt: skip

# Options that each mask reads. Any other mask option in a block is an error.
_MASK_PARAMETERS = {
    "none": (),
    "causal": (),
    "padding": ("length",),
    "sliding_window": ("window", "two_sided"),
    "dilated": ("window", "dilation", "two_sided"),
    "global": ("global_tokens",),
    "block_sparse": (
        "block_size", "window_blocks", "global_blocks", "random_blocks", "seed",
    ),
}  # fmt: skip

MASK_OPTIONS = (
    Option("mask", (str, list), default="causal", choices=MASKS, many=True,
           help="which keys each query may attend to"),
    Option("combine", str, default="and", choices=("and", "or"),
           help="how a list of masks combines"),
    Option("window", int, minimum=1, help="window width, in positions"),
    Option("dilation", int, minimum=1, help="distance between window slots"),
    Option("two_sided", bool, default=False, help="window looks both ways"),
    Option("length", int, minimum=1, help="real tokens before the padding"),
    Option("global_tokens", list, help="positions of the global tokens"),
    Option("block_size", int, minimum=1, help="tokens per block"),
    Option("window_blocks", int, default=3, minimum=1,
           help="odd number of blocks in the block window"),
    Option("global_blocks", list, default=[0], help="indices of global blocks"),
    Option("random_blocks", int, default=1, minimum=0,
           help="random key blocks per query block"),
)  # fmt: skip

_MASK_DEFAULTS = {option.name: option.default for option in MASK_OPTIONS}


def tokens_converter(limit: int, block: str, larger: str):
    """Make the ``convert`` of a token list, capped at ``limit`` tokens."""

    def convert(value: Any) -> list[str]:
        tokens = value.split() if isinstance(value, str) else value
        if not all(isinstance(token, (str, int, float)) for token in tokens):
            raise ValueError(f"each token must be a string; got {tokens!r}")
        tokens = [str(token) for token in tokens]
        if not tokens:
            raise ValueError("expected at least one token; got an empty list")
        if len(tokens) > limit:
            raise ValueError(
                f"a {block} shows at most {limit} tokens (got {len(tokens)}); {larger}"
            )
        return tokens

    return convert


def matrix(value: Any, name: str, block: str, *, max_size: int = 1024) -> np.ndarray:
    """Check that ``value`` is a rectangular list of lists of finite numbers."""
    if not isinstance(value, list) or not value:
        raise BlockError(
            f"{block}: option {name!r} must be a list of rows, such as "
            f"[[1, 0], [0, 1]]; got {value!r}",
            option=name,
        )
    width = None
    for i, row in enumerate(value):
        path = f"{name}[{i}]"
        if not isinstance(row, list) or not all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in row
        ):
            raise BlockError(
                f"{block}: option {name!r}: row {i + 1} must be a list of numbers; "
                f"got {row!r}",
                option=path,
            )
        if width is None:
            width = len(row)
        if len(row) != width or not row:
            raise BlockError(
                f"{block}: option {name!r}: row {i + 1} has {len(row)} numbers but "
                f"row 1 has {width}; every row needs the same length",
                option=path,
            )
        if not all(math.isfinite(x) for x in row):
            raise BlockError(
                f"{block}: option {name!r}: row {i + 1} must hold finite numbers; "
                f"got {row!r}",
                option=path,
            )
    if len(value) > max_size or width > max_size:
        raise BlockError(
            f"{block}: option {name!r} is {len(value)} x {width}; the limit is "
            f"{max_size} x {max_size}",
            option=name,
        )
    return np.array(value, dtype=np.float64)


def check_unused(options: BlockOptions, names, reason: str, block: str) -> None:
    """Reject options the author gave that the chosen settings do not read."""
    for name in names:
        if name in options.given:
            raise BlockError(
                f"{block}: option {name!r} is not used {reason}; remove it",
                option=name,
            )


def _mask_list(options: BlockOptions) -> list[str]:
    value = options["mask"]
    return list(value) if isinstance(value, list) else [value]


def _required(options: BlockOptions, name: str, mask: str, block: str) -> int:
    if options[name] is None:
        raise BlockError(
            f"{block}: option {name!r} is required with mask {mask}; "
            f"for example `{name}: 4`",
            option="mask",
        )
    return options[name]


def build_mask(
    options: BlockOptions, seq_len: int, lang: str, block: str
) -> tuple[np.ndarray | None, str]:
    """Build the mask that the options describe, and its name in ``lang``.

    Returns None as the mask for ``mask: none``.
    """
    names = _mask_list(options)
    used = {name for mask in names for name in _MASK_PARAMETERS[mask]}
    for name in _MASK_DEFAULTS:
        if name not in ("mask", "combine") and name not in used:
            # seed also drives the toy embedding, so it is checked elsewhere.
            if name in options.given and name != "seed":
                users = [m for m, read in _MASK_PARAMETERS.items() if name in read]
                raise BlockError(
                    f"{block}: option {name!r} is not used by mask "
                    f"{', '.join(names)}; it applies to mask {' or '.join(users)}",
                    option=name,
                )
    if "combine" in options.given and len(names) < 2:
        raise BlockError(
            f"{block}: option 'combine' needs a list of masks, such as "
            f"`mask: [sliding_window, global]`; got mask {names[0]}",
            option="combine",
        )
    masks, words = [], []
    try:
        for name in names:
            mask, word = _one_mask(options, name, seq_len, lang, block)
            masks.append(mask)
            words.append(word)
    except (ValueError, TypeError) as err:
        raise BlockError(f"{block}: mask {name}: {err}", option="mask") from err
    joiner = ac.label(f"mask_join_{options['combine']}", lang)
    masks = [m for m in masks if m is not None]
    if not masks:
        return None, joiner.join(words)
    return ac.combine_masks(*masks, op=options["combine"]), joiner.join(words)


def _one_mask(options, name: str, seq_len: int, lang: str, block: str):
    label = ac.label
    side = "_two_sided" if options["two_sided"] else ""
    if name == "none":
        return None, label("mask_none", lang)
    if name == "causal":
        return ac.causal_mask(seq_len), label("mask_causal", lang)
    if name == "padding":
        length = _required(options, "length", name, block)
        if length > seq_len:
            raise BlockError(
                f"{block}: option 'length' must be at most the {seq_len} tokens; "
                f"got {length}",
                option="length",
            )
        mask = ac.padding_mask([length], seq_len)[0]
        return mask, label("mask_padding", lang).format(length=length)
    if name == "sliding_window":
        window = _required(options, "window", name, block)
        mask = ac.sliding_window_mask(seq_len, window, causal=not side)
        return mask, label("mask_sliding_window" + side, lang).format(window=window)
    if name == "dilated":
        window = _required(options, "window", name, block)
        dilation = _required(options, "dilation", name, block)
        mask = ac.dilated_mask(seq_len, window, dilation, causal=not side)
        text = label("mask_dilated" + side, lang)
        return mask, text.format(window=window, dilation=dilation)
    if name == "global":
        positions = options["global_tokens"]
        if positions is None:
            raise BlockError(
                f"{block}: option 'global_tokens' is required with mask global; "
                "for example `global_tokens: [0]`",
                option="mask",
            )
        mask = ac.global_mask(seq_len, positions)
        text = ", ".join(map(str, positions))
        return mask, label("mask_global", lang).format(positions=text)
    block_size = _required(options, "block_size", name, block)
    mask = ac.block_sparse_mask(
        seq_len, block_size, n_window_blocks=options["window_blocks"],
        global_blocks=options["global_blocks"],
        n_random_blocks=options["random_blocks"], seed=options["seed"],
    )  # fmt: skip
    text = label("mask_block_sparse", lang).format(
        block_size=block_size,
        window_blocks=options["window_blocks"],
        global_blocks=", ".join(map(str, options["global_blocks"])),
        random_blocks=options["random_blocks"],
    )
    return mask, text


# -- Where the weights come from --------------------------------------------

SCORE_OPTIONS = (
    Option("scores", (str, list), default="toy",
           help="toy, or a seq_len x seq_len matrix of scores"),
    Option("queries", list, help="one query vector per token"),
    Option("keys", list, help="one key vector per token"),
    Option("weights", list, help="a seq_len x seq_len matrix of weights"),
    Option("tolerance", float, default=0.01, minimum=0.0, maximum=0.5,
           help="how far a row of given weights may sum from 1"),
    Option("seed", int, default=0, minimum=0),
    Option("d_model", int, default=16, minimum=1, maximum=1024),
    Option("d_k", int, default=16, minimum=1, maximum=1024),
    Option("temperature", float, default=1.0, minimum=1e-3, maximum=1e3),
)  # fmt: skip

_TOY_ONLY = ("d_model", "d_k")


def score_source(options: BlockOptions, block: str) -> str:
    """Return which source the options use: toy, scores, vectors or weights."""
    sources = []
    if isinstance(options["scores"], list):
        sources.append("scores")
    elif options["scores"] != "toy":
        raise BlockError(
            f"{block}: option 'scores' must be toy or a matrix of numbers; "
            f"got {options['scores']!r}",
            option="scores",
        )
    if "queries" in options.given or "keys" in options.given:
        sources.append("vectors")
    if "weights" in options.given:
        sources.append("weights")
    if len(sources) > 1:
        raise BlockError(
            f"{block}: give only one of a scores matrix, queries and keys, or "
            f"weights; got {' and '.join(sources)}",
            option="weights" if "weights" in sources else "queries",
        )
    return sources[0] if sources else "toy"


def weights_for(
    options: BlockOptions, tokens: list[str], mask, block: str
) -> np.ndarray:
    """Compute (or check) the (seq_len, seq_len) weights of one block."""
    source = score_source(options, block)
    seq_len = len(tokens)
    if source != "toy":
        check_unused(options, _TOY_ONLY, f"with {source}", block)
    if source == "weights":
        check_unused(options, ("temperature",), "with given weights", block)
        weights = _square(options, "weights", seq_len, block)
        check_weights(weights, tokens, mask, options["tolerance"], block)
        return weights
    check_unused(options, ("tolerance",), "unless weights are given", block)
    scale_extra = 1.0 / options["temperature"]
    if source == "scores":
        scores = _square(options, "scores", seq_len, block)
        # Q = scores and K = I give Q K^T = scores, so the core's attention
        # applies the mask and the softmax exactly as for computed scores.
        identity = np.eye(seq_len)
        _, weights = ac.scaled_dot_product_attention(
            scores, identity, identity, mask=mask, scale=scale_extra
        )
        return weights
    if source == "vectors":
        q, k = _vectors(options, seq_len, block)
    else:
        q, k = ac.toy_queries_keys(
            tokens, options["d_model"], options["d_k"], options["seed"]
        )  # (seq_len, d_k) each
    scale = scale_extra / math.sqrt(q.shape[1])
    _, weights = ac.scaled_dot_product_attention(q, k, k, mask=mask, scale=scale)
    return weights  # (seq_len, seq_len)


def _square(options, name: str, seq_len: int, block: str) -> np.ndarray:
    values = matrix(options[name], name, block)
    if values.shape != (seq_len, seq_len):
        raise BlockError(
            f"{block}: option {name!r} must be {seq_len} x {seq_len}, one row "
            f"and one column per token; got {values.shape[0]} x {values.shape[1]}",
            option=name,
        )
    return values


def _vectors(options, seq_len: int, block: str):
    for name in ("queries", "keys"):
        if options[name] is None:
            other = "keys" if name == "queries" else "queries"
            raise BlockError(
                f"{block}: option {name!r} is required with {other!r}; give one "
                "vector per token",
                option=other,
            )
    q = matrix(options["queries"], "queries", block)
    k = matrix(options["keys"], "keys", block)
    for name, values in (("queries", q), ("keys", k)):
        if values.shape[0] != seq_len:
            raise BlockError(
                f"{block}: option {name!r} has {values.shape[0]} vectors but there "
                f"are {seq_len} tokens; give one vector per token",
                option=name,
            )
    if q.shape[1] != k.shape[1]:
        raise BlockError(
            f"{block}: queries and keys must have the same width d_k; got "
            f"{q.shape[1]} and {k.shape[1]}",
            option="keys",
        )
    return q, k


def check_weights(weights, tokens, mask, tolerance: float, block: str) -> None:
    """Check given weights: non-negative, rows sum to 1, zero where masked."""
    for i, row in enumerate(weights):
        path = f"weights[{i}]"
        query = f"row {i + 1} (query {tokens[i]!r})"
        negative = np.flatnonzero(row < 0)
        if negative.size:
            j = int(negative[0])
            raise BlockError(
                f"{block}: option 'weights': {query} has the negative weight "
                f"{row[j]:g} for key {tokens[j]!r}; weights must be >= 0",
                option=path,
            )
        if mask is not None:
            hidden = np.flatnonzero(~mask[i] & (row != 0))
            if hidden.size:
                j = int(hidden[0])
                raise BlockError(
                    f"{block}: option 'weights': {query} gives {row[j]:g} to key "
                    f"{tokens[j]!r} (column {j + 1}), which the mask hides; "
                    "masked weights must be 0",
                    option=path,
                )
        # A row whose every key is masked has no weights at all.
        target = 0.0 if mask is not None and not mask[i].any() else 1.0
        total = float(row.sum())
        if abs(total - target) > tolerance + 1e-9:
            raise BlockError(
                f"{block}: option 'weights': {query} sums to {total:g}; every row "
                f"must sum to {target:g} within tolerance {tolerance:g}",
                option=path,
            )
