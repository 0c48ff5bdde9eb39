"""Attention weights as an accessible HTML table."""

from __future__ import annotations

import numpy as np

from .formatting import format_number
from .html import HTML, escape
from .labels import label
from .models import ModelConfig
from .units import format_bytes, format_seq_len

__all__ = ["weight_table", "kv_cache_table"]

# Cells whose printed weight is at least this get the class "attn-dark",
# which the site's stylesheet sets in bold as a cue besides the shade.
_DARK_FROM = 0.5


def weight_table(
    weights,
    query_tokens,
    key_tokens=None,
    *,
    lang: str = "en",
    caption: str | None = None,
    causal: bool = False,
    mask=None,
    decimals: int = 2,
    row_sums: bool = False,
) -> HTML:
    """Render attention weights as an HTML table.

    Rows are queries and columns are keys. Every cell prints its weight, and
    its shade (the CSS variable ``--attn-w``) repeats the printed value as a
    second cue. Tokens are escaped, so ``<s>`` shows literally.

    Parameters
    ----------
    weights : array_like, shape (seq_len_q, seq_len_k)
        Finite weights, typically the output of a softmax.
    query_tokens : list of str, length seq_len_q
    key_tokens : list of str, length seq_len_k, optional
        Defaults to ``query_tokens`` (self-attention).
    lang : {"en", "zh"}
        Language of the caption and headers.
    caption : str, optional
        Replaces the default caption; it is escaped.
    causal : bool
        Selects the caption that explains the zeros above the diagonal.
    mask : array_like of bool, shape (seq_len_q, seq_len_k), optional
        False marks a masked cell, which is styled as masked.
    decimals : int
        Digits printed after the decimal point.
    row_sums : bool
        Adds a last column with the sum of each row.

    Returns
    -------
    HTML

    Examples
    --------
    >>> table = weight_table([[1.0, 0.0], [0.25, 0.75]], ["<s>", "a"], causal=True)
    >>> "&lt;s&gt;" in table.markup and "0.75" in table.markup
    True
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2:
        raise ValueError(
            f"weights must be 2-D (seq_len_q, seq_len_k); got shape {w.shape}"
        )
    if not np.isfinite(w).all():
        raise ValueError("weights must be finite; got NaN or infinity")
    key_tokens = query_tokens if key_tokens is None else key_tokens
    if len(query_tokens) != w.shape[0] or len(key_tokens) != w.shape[1]:
        raise ValueError(
            f"weights of shape {w.shape} need {w.shape[0]} query tokens and "
            f"{w.shape[1]} key tokens; got {len(query_tokens)} and {len(key_tokens)}"
        )
    if mask is not None:
        mask = np.broadcast_to(np.asarray(mask, dtype=bool), w.shape)
    if caption is None:
        caption = label(
            "weight_table_caption_causal" if causal else "weight_table_caption", lang
        )

    # 1) Header: a corner cell, then one column header per key token.
    lines = [
        f'<div class="attn-table" role="region" tabindex="0" '
        f'aria-label="{escape(label("table_region", lang))}">',
        '<table class="attn-weights">',
        f"<caption>{escape(caption)}</caption>",
        "<thead><tr>",
        f'<th scope="col" class="attn-corner">{escape(label("corner", lang))}</th>',
    ]
    lines += [f'<th scope="col">{escape(token)}</th>' for token in key_tokens]
    if row_sums:
        lines.append(
            f'<th scope="col" class="attn-sum">{escape(label("row_sum", lang))}</th>'
        )
    lines.append("</tr></thead>")

    # 2) Body: a row header per query token, then one printed weight per key.
    lines.append("<tbody>")
    for i, query_token in enumerate(query_tokens):
        cells = [f'<th scope="row">{escape(query_token)}</th>']
        for j in range(w.shape[1]):
            text = format_number(w[i, j], decimals)
            classes = []
            if float(text) >= _DARK_FROM:
                classes.append("attn-dark")
            if mask is not None and not mask[i, j]:
                classes.append("attn-masked")
            class_attr = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f'<td{class_attr} style="--attn-w: {text}">{text}</td>')
        if row_sums:
            cells.append(
                f'<td class="attn-sum">{format_number(w[i].sum(), decimals)}</td>'
            )
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines += ["</tbody>", "</table>", "</div>"]
    return HTML("\n".join(lines))


def kv_cache_table(
    models,
    dtypes=("fp16",),
    context_lens=(4096, 32768, 131072),
    *,
    batch: int = 1,
    lang: str = "en",
    caption: str | None = None,
) -> HTML:
    """Render the KV-cache size of model configurations as an HTML table.

    One row per (model, dtype): the attention type, the cache shape, the
    bytes one token adds, and the bytes of ``batch`` sequences at each
    context length. A model with a sliding window caches at most ``window``
    tokens, which its window column shows.

    Parameters
    ----------
    models : list of ModelConfig
        For example ``[MODELS["llama-3-8b"], MODELS["mistral-7b"]]``.
    dtypes : list of str
        Names from ``DTYPE_BITS``, such as "fp16", "int8", "int4".
    context_lens : list of int
        Tokens per sequence, one column each.
    batch : int
        Sequences held in the cache at once.
    lang : {"en", "zh"}
    caption : str, optional
        Replaces the default caption; escaped.

    Returns
    -------
    HTML

    Examples
    --------
    >>> from attention_core.models import MODELS
    >>> table = kv_cache_table([MODELS["llama-3-8b"]], ["bf16"], [8192])
    >>> "128.0 KiB" in table.markup, "1.0 GiB" in table.markup
    (True, True)
    """
    models = list(models)
    if not models or not all(isinstance(m, ModelConfig) for m in models):
        raise ValueError(
            f"models must be a non-empty list of ModelConfig; got {models!r}"
        )
    if not dtypes or not context_lens:
        raise ValueError("dtypes and context_lens must each have at least one entry")
    if caption is None:
        caption = label("kv_caption", lang).format(batch=batch)

    # 1) Header: the model columns, then one column per context length.
    context_header = label("kv_context", lang)
    heads = ["kv_model", "kv_type", "kv_shape", "kv_window", "kv_dtype", "kv_per_token"]
    lines = [
        f'<div class="attn-table" role="region" tabindex="0" '
        f'aria-label="{escape(label("kv_region", lang))}">',
        '<table class="attn-kv">',
        f"<caption>{escape(caption)}</caption>",
        "<thead><tr>",
        *(f'<th scope="col">{escape(label(key, lang))}</th>' for key in heads),
        *(
            f'<th scope="col">{escape(context_header.format(n=format_seq_len(n)))}</th>'
            for n in context_lens
        ),
        "</tr></thead>",
        "<tbody>",
    ]

    # 2) Body: one row per model and dtype.
    for model in models:
        for dtype in dtypes:
            shape = f"{model.n_layers} × {model.n_kv_heads} × {model.d_head}"
            window = "—" if model.window is None else format_seq_len(model.window)
            cells = [
                f'<th scope="row">{escape(model.name)}</th>',
                f"<td>{escape(model.attention_type)}</td>",
                f"<td>{shape}</td>",
                f"<td>{window}</td>",
                f"<td>{escape(dtype)}</td>",
                f"<td>{format_bytes(model.kv_cache_bytes_per_token(dtype))}</td>",
                *(
                    f"<td>{format_bytes(model.kv_cache_bytes(n, dtype, batch))}</td>"
                    for n in context_lens
                ),
            ]
            lines.append("<tr>" + "".join(cells) + "</tr>")
    lines += ["</tbody>", "</table>", "</div>"]
    return HTML("\n".join(lines))
