"""Figure and sizing blocks: heatmap, mask pattern, cost chart, KV-cache table.

Each block validates its options here and calls one renderer of
``attention_core`` (``figures``, ``charts``, ``tables``), which returns HTML.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import attention_core as ac
from hooks.block_base import BlockContext, BlockOptions, BlockType
from hooks.block_inputs import (
    MASK_OPTIONS,
    SCORE_OPTIONS,
    build_mask,
    check_unused,
    score_source,
    tokens_converter,
    weights_for,
)
from hooks.errors import BlockError
from hooks.options import Option, parse_options

__all__ = ["FIGURE_BLOCKS", "MAX_FIGURE_TOKENS"]

# An SVG grid of n x n cells grows with n^2 elements; 128 x 128 is 16,384
# cells per head, beyond which a page gets heavy and cells smaller than 6 px.
MAX_FIGURE_TOKENS = 128
MAX_HEADS = 8


def _positive_ints(limit: int, name: str, maximum: int = 2**24):
    """Make the ``convert`` of a list of ascending positive integers."""

    def convert(value: Any) -> list[int]:
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in value):
            raise ValueError(f"each {name} must be an integer; got {value!r}")
        if not value or len(value) > limit:
            raise ValueError(f"expected 1 to {limit} values; got {len(value)}")
        if value != sorted(set(value)) or value[0] < 1 or value[-1] > maximum:
            raise ValueError(
                f"expected ascending values from 1 to {maximum}; got {value!r}"
            )
        return value

    return convert


def _tokens_or_seq_len(options: BlockOptions, block: str) -> list[str]:
    """Return the tokens, or the positions 0..seq_len-1 when seq_len is given."""
    if options["tokens"] is not None and options["seq_len"] is not None:
        raise BlockError(f"{block}: give tokens or seq_len, not both", option="seq_len")
    if options["tokens"] is not None:
        return options["tokens"]
    if options["seq_len"] is None:
        raise BlockError(
            f"{block}: option 'tokens' or 'seq_len' is required; for example "
            "`seq_len: 64` or `tokens: <s> the cat sat`"
        )
    return [str(i) for i in range(options["seq_len"])]


_FIGURE_TOKENS = (
    Option("tokens", (list, str),
           convert=tokens_converter(MAX_FIGURE_TOKENS, "figure",
                                    "summarise the sequence instead"),
           help="tokens labelling the rows and columns"),
    Option("seq_len", int, minimum=1, maximum=MAX_FIGURE_TOKENS,
           help="number of positions, labelled 0, 1, 2, ... instead of tokens"),
)  # fmt: skip


# -- Heatmap ------------------------------------------------------------------

HEATMAP_OPTIONS = (
    *_FIGURE_TOKENS,
    Option("n_heads", int, default=1, minimum=1, maximum=MAX_HEADS),
    *SCORE_OPTIONS,
    *MASK_OPTIONS,
    Option("color_scale", str, default="auto", choices=("auto", "unit")),
    Option("values", bool, default=None),
    Option("decimals", int, default=2, minimum=0, maximum=6),
    Option("caption", str, default=None),
)  # fmt: skip


def _multi_head_weights(options: BlockOptions, tokens, mask, block: str):
    """Compute per-head weights from a toy embedding with the core's multi-head."""
    n_heads, d_model = options["n_heads"], options["d_model"]
    source = score_source(options, block)
    if source != "toy":
        raise BlockError(
            f"{block}: n_heads: {n_heads} needs toy scores; {source} give one "
            "head only",
            option="n_heads",
        )
    check_unused(options, ("d_k",), "with n_heads (d_k = d_model / n_heads)", block)
    if d_model % n_heads:
        raise BlockError(
            f"{block}: option 'd_model' must be a multiple of n_heads={n_heads}; "
            f"got {d_model}",
            option="d_model",
        )
    x = ac.toy_embeddings(tokens, d_model, options["seed"])  # (seq_len, d_model)
    projections = ac.init_projections(d_model, n_heads, seed=options["seed"])
    d_k = d_model // n_heads
    scale = 1.0 / (np.sqrt(d_k) * options["temperature"])
    _, weights = ac.multi_head_attention(
        x, x, x, projections, n_heads, mask=mask, scale=scale
    )
    return weights  # (n_heads, seq_len, seq_len)


def render_heatmap(options: BlockOptions, context: BlockContext) -> str:
    block = "heatmap"
    tokens = _tokens_or_seq_len(options, block)
    mask, _ = build_mask(options, len(tokens), context.lang, block)
    if options["n_heads"] > 1:
        weights = _multi_head_weights(options, tokens, mask, block)
    else:
        weights = weights_for(options, tokens, mask, block)
    figure = ac.heatmap(
        weights,
        tokens,
        lang=context.lang,
        caption=options["caption"],
        mask=mask,
        color_max=1.0 if options["color_scale"] == "unit" else None,
        values=options["values"],
        decimals=options["decimals"],
    )
    return figure.markup


# -- Mask pattern -------------------------------------------------------------

MASK_FIGURE_OPTIONS = (
    *_FIGURE_TOKENS,
    *MASK_OPTIONS,
    Option("seed", int, default=0, minimum=0,
           help="seed of the random blocks of block_sparse"),
    Option("caption", str, default=None),
)  # fmt: skip


def render_mask_figure(options: BlockOptions, context: BlockContext) -> str:
    block = "mask figure"
    if options["tokens"] is None and options["seq_len"] is None:
        options = BlockOptions(
            {**options, "seq_len": 16}, given=options.given, lines=options.lines
        )
    tokens = _tokens_or_seq_len(options, block)
    mask, name = build_mask(options, len(tokens), context.lang, block)
    if mask is None:
        mask = np.ones((len(tokens), len(tokens)), dtype=bool)
    labels = None if options["tokens"] is None else tokens
    figure = ac.mask_figure(
        mask, labels, name=name, lang=context.lang, caption=options["caption"]
    )
    return figure.markup


# -- Cost chart ---------------------------------------------------------------

MAX_LINES = 6

COST_CONFIG_OPTIONS = (
    Option("label", str, default=None),
    Option("model", str, choices=tuple(ac.MODELS)),
    Option("n_heads", int, minimum=1, maximum=1024),
    Option("d_k", int, minimum=1, maximum=4096),
    Option("n_kv_heads", int, minimum=1, maximum=1024),
    Option("causal", bool, default=False),
    Option("dtype", str, default="fp16", choices=tuple(ac.DTYPE_BITS)),
    Option("tiled", bool, default=False),
    Option("block_size_q", int, default=128, minimum=1, maximum=65536),
)

# Options that only one metric reads.
_METRIC_ONLY = {
    "flops": ("dtype", "tiled", "block_size_q", "n_kv_heads"),
    "memory": ("causal",),
}

COST_OPTIONS = (
    Option("metric", str, default="flops", choices=ac.COST_METRICS),
    Option("seq_lens", list, default=[2**p for p in range(8, 16)],
           convert=_positive_ints(32, "sequence length")),
    Option("configs", list, required=True,
           help="list one mapping per line, such as `- {n_heads: 8, d_k: 64}`"),
    Option("caption", str, default=None),
)  # fmt: skip


def _cost_line(raw: Any, index: int, metric: str, block: str):
    """Validate one configuration and compute its line of the chart."""
    path = f"configs[{index}]"
    config = parse_options(raw, COST_CONFIG_OPTIONS, block, path=path)
    for name in _METRIC_ONLY[metric]:
        if name in raw:
            raise BlockError(
                f"{block}: option '{path}.{name}' is not used by metric {metric}; "
                "remove it",
                option=f"{path}.{name}",
            )
    model = ac.MODELS[config["model"]] if config["model"] else None
    n_heads = config["n_heads"] or (model.n_heads if model else None)
    d_k = config["d_k"] or (model.d_head if model else None)
    n_kv_heads = config["n_kv_heads"] or (model.n_kv_heads if model else None)
    if n_heads is None or d_k is None:
        raise BlockError(
            f"{block}: {path} needs n_heads and d_k, or a model such as "
            f"`model: llama-3-8b`; got {raw!r}",
            option=path,
        )
    if n_kv_heads is not None and n_heads % n_kv_heads:
        raise BlockError(
            f"{block}: option '{path}.n_kv_heads' must divide n_heads={n_heads}; "
            f"got {n_kv_heads}",
            option=f"{path}.n_kv_heads",
        )
    return config, dict(n_heads=n_heads, d_k=d_k, n_kv_heads=n_kv_heads)


def _cost_label(config: dict, shape: dict, metric: str) -> str:
    if config["label"]:
        return config["label"]
    words = [config["model"] or f"h={shape['n_heads']}, d_k={shape['d_k']}"]
    if metric == "flops" and config["causal"]:
        words.append("causal")
    if metric == "memory":
        words.append(config["dtype"])
        words.append("tiled" if config["tiled"] else "naive")
    return " ".join(words)


def render_cost_chart(options: BlockOptions, context: BlockContext) -> str:
    block = "cost chart"
    metric, seq_lens = options["metric"], options["seq_lens"]
    if len(seq_lens) < 2:
        raise BlockError(
            f"{block}: option 'seq_lens' needs at least 2 lengths; got {seq_lens}",
            option="seq_lens",
        )
    configs = options["configs"]
    if not 1 <= len(configs) <= MAX_LINES:
        raise BlockError(
            f"{block}: option 'configs' must list 1 to {MAX_LINES} configurations; "
            f"got {len(configs)}",
            option="configs",
        )
    series = []
    for index, raw in enumerate(configs):
        config, shape = _cost_line(raw, index, metric, block)
        extra = {}
        if metric == "flops":
            extra["causal"] = config["causal"]
        else:
            extra.update(
                dtype=config["dtype"], n_kv_heads=shape["n_kv_heads"],
                tiled=config["tiled"], block_size_q=config["block_size_q"],
            )  # fmt: skip
        values = ac.cost_series(
            metric, seq_lens, n_heads=shape["n_heads"], d_k=shape["d_k"], **extra
        )
        series.append((_cost_label(config, shape, metric), values))
    chart = ac.cost_chart(
        metric, seq_lens, series, lang=context.lang, caption=options["caption"]
    )
    return chart.markup


# -- KV-cache table -----------------------------------------------------------

KV_MODEL_OPTIONS = (
    Option("name", str, required=True, help="a name for the row"),
    Option("n_layers", int, required=True, minimum=1, maximum=1000,
           help="number of layers"),
    Option("n_heads", int, required=True, minimum=1, maximum=1024,
           help="number of query heads"),
    Option("n_kv_heads", int, default=None, minimum=1, maximum=1024),
    Option("d_head", int, required=True, minimum=1, maximum=4096,
           help="width of one head"),
    Option("window", int, default=None, minimum=1),
)  # fmt: skip

KV_OPTIONS = (
    Option("models", list, required=True,
           help=f"list model names ({', '.join(ac.MODELS)}) or mappings with "
                "name, n_layers, n_heads, n_kv_heads, d_head"),
    Option("dtypes", (str, list), default=["fp16"], choices=tuple(ac.DTYPE_BITS),
           many=True),
    Option("context_lens", list, default=[4096, 32768, 131072],
           convert=_positive_ints(8, "context length", 2**30)),
    Option("batch", int, default=1, minimum=1, maximum=4096),
    Option("caption", str, default=None),
)  # fmt: skip

MAX_KV_ROWS = 24


def _kv_model(raw: Any, index: int, block: str) -> ac.ModelConfig:
    path = f"models[{index}]"
    if isinstance(raw, str):
        if raw not in ac.MODELS:
            raise BlockError(
                f"{block}: option {path!r} must be one of {', '.join(ac.MODELS)} "
                f"or a mapping; got {raw!r}",
                option=path,
            )
        return ac.MODELS[raw]
    values = parse_options(raw, KV_MODEL_OPTIONS, block, path=path)
    try:
        return ac.ModelConfig(
            name=values["name"], n_layers=values["n_layers"],
            d_model=values["n_heads"] * values["d_head"], n_heads=values["n_heads"],
            n_kv_heads=values["n_kv_heads"] or values["n_heads"],
            d_head=values["d_head"], context_len=None, window=values["window"],
            source="page",
        )  # fmt: skip
    except ValueError as err:
        raise BlockError(f"{block}: option {path!r}: {err}", option=path) from err


def render_kv_table(options: BlockOptions, context: BlockContext) -> str:
    block = "KV-cache table"
    models = [_kv_model(raw, i, block) for i, raw in enumerate(options["models"])]
    dtypes = options["dtypes"]
    dtypes = dtypes if isinstance(dtypes, list) else [dtypes]
    if not models or len(models) * len(dtypes) > MAX_KV_ROWS:
        raise BlockError(
            f"{block}: models x dtypes must give 1 to {MAX_KV_ROWS} rows; got "
            f"{len(models)} x {len(dtypes)}",
            option="models",
        )
    table = ac.kv_cache_table(
        models, dtypes, options["context_lens"], batch=options["batch"],
        lang=context.lang, caption=options["caption"],
    )  # fmt: skip
    return table.markup


FIGURE_BLOCKS = (
    BlockType("attention-heatmap", "heatmap", HEATMAP_OPTIONS, render_heatmap),
    BlockType("attention-mask", "mask figure", MASK_FIGURE_OPTIONS, render_mask_figure),
    BlockType("attention-cost", "cost chart", COST_OPTIONS, render_cost_chart),
    BlockType("attention-kv-cache", "KV-cache table", KV_OPTIONS, render_kv_table),
)
