"""Attention weights as an accessible HTML table."""

from __future__ import annotations

import numpy as np

from .formatting import format_number
from .html import HTML, escape
from .labels import label

__all__ = ["weight_table"]

# Above this printed weight the cell background is dark enough that the
# number switches to the light text colour (see docs/assets/css/attention.css).
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
