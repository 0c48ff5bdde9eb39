"""Attention weights and masks as SVG figures: heatmaps and mask patterns."""

from __future__ import annotations

import math

import numpy as np

from .formatting import format_number
from .html import HTML
from .labels import label
from .svg import figure_id, grid_paths, svg_figure, svg_number, svg_text, text_width

__all__ = ["heatmap", "mask_figure"]

_FONT = 11  # pixels; tick labels
_HEAD_GAP = 28  # pixels between the panels of two heads


def _cell_size(n: int) -> int:
    """Pick a cell size in pixels that keeps an n x n grid readable."""
    for limit, size in ((8, 36), (16, 26), (32, 16), (64, 10)):
        if n <= limit:
            return size
    return 6


def _label_step(cell: int) -> int:
    """Label every k-th row and column so that labels do not overlap."""
    return max(1, math.ceil(12 / cell))


def _axis_labels(tokens, step: int) -> list[str]:
    return [str(t) if i % step == 0 else "" for i, t in enumerate(tokens)]


def _grid_labels(
    row_labels, col_labels, *, x0: float, y0: float, cell: int, font: float
) -> list[str]:
    """Draw the row labels left of and the column labels above a grid."""
    body = []
    for i, text in enumerate(row_labels):
        if text:
            y = y0 + (i + 0.5) * cell + font * 0.35
            body.append(svg_text(x0 - 6, y, text, anchor="end"))
    for j, text in enumerate(col_labels):
        if text:
            x = x0 + (j + 0.5) * cell + font * 0.35
            body.append(svg_text(x, y0 - 6, text, rotate=True))
    return body


def _check_tokens(tokens, count: int, name: str) -> list[str]:
    tokens = [str(t) for t in tokens]
    if len(tokens) != count:
        raise ValueError(f"{name} must have {count} entries; got {len(tokens)}")
    return tokens


def heatmap(
    weights,
    query_tokens,
    key_tokens=None,
    *,
    lang: str = "en",
    caption: str | None = None,
    mask=None,
    head_labels=None,
    color_max: float | None = None,
    values: bool | None = None,
    decimals: int = 2,
) -> HTML:
    """Render attention weights as an SVG heatmap, one panel per head.

    All panels share one colour scale from 0 to ``color_max``; a cell's
    opacity over the low colour is ``weight / color_max``.

    Parameters
    ----------
    weights : array_like
        Shape (seq_len_q, seq_len_k), or (n_heads, seq_len_q, seq_len_k) for
        several heads.
        Finite, non-negative weights.
    query_tokens : list of str, length seq_len_q
    key_tokens : list of str, length seq_len_k, optional
        Defaults to ``query_tokens``.
    lang : {"en", "zh"}
    caption : str, optional
        Replaces the default caption; escaped.
    mask : array_like of bool, shape (seq_len_q, seq_len_k), optional
        False cells are drawn in the masked colour.
    head_labels : list of str, optional
        One title per head; defaults to "Head 1", "Head 2", ...
    color_max : float, optional
        Top of the colour scale; defaults to the largest weight of all heads.
    values : bool, optional
        Print each weight in its cell; defaults to True up to 12 tokens.
    decimals : int
        Digits of the printed weights and legend.

    Returns
    -------
    HTML
        A ``<figure>`` holding the SVG.

    Examples
    --------
    >>> figure = heatmap([[1.0, 0.0], [0.5, 0.5]], ["<s>", "a"])
    >>> "&lt;s&gt;" in figure.markup, 'role="img"' in figure.markup
    (True, True)
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim == 2:
        w = w[None]  # (1, seq_len_q, seq_len_k)
    if w.ndim != 3:
        raise ValueError(
            "weights must have shape (seq_len_q, seq_len_k) or "
            f"(n_heads, seq_len_q, seq_len_k); got {w.shape}"
        )
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and >= 0")
    n_heads, n_q, n_k = w.shape
    query_tokens = _check_tokens(query_tokens, n_q, "query_tokens")
    key_tokens = _check_tokens(
        query_tokens if key_tokens is None else key_tokens, n_k, "key_tokens"
    )
    if head_labels is None:
        head_labels = (
            [label("head", lang).format(n=h + 1) for h in range(n_heads)]
            if n_heads > 1
            else [""]
        )
    head_labels = _check_tokens(head_labels, n_heads, "head_labels")
    if mask is not None:
        mask = np.broadcast_to(np.asarray(mask, dtype=bool), (n_q, n_k))
    top = float(w.max()) if color_max is None else float(color_max)
    if top <= 0:
        top = 1.0
    show_values = max(n_q, n_k) <= 12 if values is None else values

    # 1) Geometry: labels left and above, panels side by side, legend below.
    cell = _cell_size(max(n_q, n_k))
    step = _label_step(cell)
    rows, cols = _axis_labels(query_tokens, step), _axis_labels(key_tokens, step)
    left = 12 + max(text_width(t, _FONT) for t in rows + ["x"])
    head_row = 20 if n_heads > 1 else 0
    top_margin = 14 + head_row + max(text_width(t, _FONT) for t in cols + ["x"])
    panel_w, panel_h = n_k * cell, n_q * cell
    width = left + n_heads * panel_w + (n_heads - 1) * (_HEAD_GAP + left) + 12
    legend_y = top_margin + panel_h + 24
    height = legend_y + 44
    element_id = figure_id(
        "heatmap", w.round(12).tolist(), query_tokens, key_tokens, head_labels,
        None if mask is None else mask.tolist(), top, show_values, decimals, lang,
    )  # fmt: skip

    # 2) One panel per head: a low-colour background, then the weighted cells.
    body = [svg_text(4, 14, label("corner", lang), css_class="attn-svg-axis")]
    for h in range(n_heads):
        x0 = left + h * (panel_w + _HEAD_GAP + left)
        y0 = top_margin
        if head_labels[h]:
            body.append(svg_text(x0, 30, head_labels[h], css_class="attn-svg-head"))
        body += _grid_labels(rows, cols, x0=x0, y0=y0, cell=cell, font=_FONT)
        body.append(
            f'<rect x="{svg_number(x0)}" y="{y0:g}" width="{panel_w}" '
            f'height="{panel_h}" class="attn-heat-low"/>'
        )
        body += _heat_cells(w[h], mask, x0, y0, cell, top, show_values, decimals)

    # 3) Legend: the colour scale and, if any cell is masked, its swatch.
    body += _legend(element_id, left, legend_y, top, decimals, mask, lang)

    largest = np.unravel_index(int(np.argmax(w)), w.shape)
    key = "heatmap_title_heads" if n_heads > 1 else "heatmap_title"
    title = label(key, lang).format(rows=n_q, cols=n_k, n_heads=n_heads)
    description = label("heatmap_desc", lang).format(
        top=format_number(top, decimals),
        max=format_number(w[largest], decimals),
        query=query_tokens[largest[1]],
        key=key_tokens[largest[2]],
        head=head_labels[largest[0]] or "-",
    )
    if caption is None:
        key = "heatmap_caption_heads" if n_heads > 1 else "heatmap_caption"
        caption = label(key, lang)
    return svg_figure(
        body,
        element_id=element_id,
        width=width,
        height=height,
        title=title,
        description=description,
        caption=caption,
        region_label=label("heatmap_region", lang),
        css_class="attn-heatmap",
    )


def _heat_cells(w, mask, x0, y0, cell, top, show_values, decimals) -> list[str]:
    """Draw the cells of one head: opacity as the colour cue, text as the value.

    Shades are rounded to steps of 0.01 when values are printed and of 0.05
    otherwise, which keeps a large grid to a few dozen paths.
    """
    step = 100 if show_values else 20
    shades = np.minimum(np.round(w / top * step) / step, 1.0)  # (seq_len_q, seq_len_k)
    # At most step + 1 distinct shades, so each is formatted once.
    names = {shade: format_number(shade, 2) for shade in np.unique(shades) if shade > 0}
    levels = [
        [
            "masked" if mask is not None and not mask[i, j] else names.get(shades[i, j])
            for j in range(w.shape[1])
        ]
        for i in range(w.shape[0])
    ]
    body = []
    for level, d in grid_paths(levels, x0=x0, y0=y0, cell=cell).items():
        if level == "masked":
            body.append(f'<path d="{d}" class="attn-heat-masked"/>')
        else:
            body.append(
                f'<path d="{d}" class="attn-heat-cell" fill-opacity="{level}"/>'
            )
    if show_values:
        for i in range(w.shape[0]):
            for j in range(w.shape[1]):
                dark = levels[i][j] not in (None, "masked") and shades[i, j] >= 0.5
                body.append(
                    svg_text(
                        x0 + (j + 0.5) * cell,
                        y0 + (i + 0.5) * cell + 4,
                        format_number(w[i, j], decimals),
                        anchor="middle",
                        css_class="attn-svg-value" + (" attn-on-dark" if dark else ""),
                    )
                )
    return body


def _legend(element_id, x, y, top, decimals, mask, lang) -> list[str]:
    """Draw the shared colour scale, and the masked swatch when it is used."""
    gradient = f"{element_id}-scale"
    body = [
        f'<defs><linearGradient id="{gradient}">'
        '<stop offset="0" class="attn-stop-low"/>'
        '<stop offset="1" class="attn-stop-high"/></linearGradient></defs>',
        svg_text(x, y, label("weight_scale", lang), css_class="attn-svg-axis"),
        f'<rect x="{svg_number(x)}" y="{y + 6}" width="160" height="12" '
        f'fill="url(#{gradient})" class="attn-legend-bar"/>',
        svg_text(x, y + 32, "0"),
        svg_text(x + 160, y + 32, format_number(top, decimals), anchor="end"),
    ]
    if mask is not None and not mask.all():
        mx = x + 190
        body += [
            f'<rect x="{svg_number(mx)}" y="{y + 6}" width="12" height="12" '
            'class="attn-heat-masked attn-legend-bar"/>',
            svg_text(mx + 18, y + 16, label("masked", lang)),
        ]
    return body


def mask_figure(
    mask,
    tokens=None,
    *,
    name: str,
    lang: str = "en",
    caption: str | None = None,
) -> HTML:
    """Draw a boolean attention mask as an SVG grid with a legend.

    Parameters
    ----------
    mask : array_like of bool, shape (seq_len, seq_len)
        True where the query of the row may attend to the key of the column.
    tokens : list of str, optional
        Axis labels; defaults to the positions 0, 1, 2, ...
    name : str
        What the mask is, in ``lang``, for the title and default caption,
        for example "sliding window of 3, causal".
    lang : {"en", "zh"}
    caption : str, optional
        Replaces the default caption; escaped.

    Returns
    -------
    HTML

    Examples
    --------
    >>> import attention_core as ac
    >>> figure = mask_figure(ac.causal_mask(4), name="causal")
    >>> figure.markup.count('class="attn-mask-on"')
    1
    """
    m = np.asarray(mask)
    if m.dtype != bool or m.ndim != 2:
        raise ValueError(
            f"mask must be a 2-D bool array; got dtype {m.dtype}, shape {m.shape}"
        )
    n_q, n_k = m.shape
    if tokens is None:
        row_tokens = [str(i) for i in range(n_q)]
        col_tokens = [str(j) for j in range(n_k)]
    else:
        row_tokens = _check_tokens(tokens, n_q, "tokens")
        col_tokens = _check_tokens(tokens, n_k, "tokens")

    # 1) Geometry, as in the heatmap, with axis titles above the labels.
    cell = _cell_size(max(n_q, n_k))
    step = _label_step(cell)
    rows, cols = _axis_labels(row_tokens, step), _axis_labels(col_tokens, step)
    left = 12 + max(text_width(t, _FONT) for t in rows + ["x"])
    top_margin = 34 + max(text_width(t, _FONT) for t in cols + ["x"])
    legend_y = top_margin + n_q * cell + 16
    width = max(left + n_k * cell + 12, left + 260)
    height = legend_y + 28
    element_id = figure_id("mask", m.tolist(), row_tokens, name, lang)

    # 2) Axis titles, labels and one square per (query, key) pair.
    body = [
        svg_text(4, 14, label("mask_axis", lang), css_class="attn-svg-axis"),
        *_grid_labels(rows, cols, x0=left, y0=top_margin, cell=cell, font=_FONT),
    ]
    inset = 1 if cell >= 10 else 0.5
    levels = [["on" if allowed else "off" for allowed in row] for row in m]
    paths = grid_paths(levels, x0=left, y0=top_margin, cell=cell, inset=inset)
    body += [f'<path d="{d}" class="attn-mask-{level}"/>' for level, d in paths.items()]

    # 3) Legend: both swatches, each with its word.
    body += [
        f'<rect x="{svg_number(left)}" y="{legend_y}" width="12" height="12" '
        'class="attn-mask-on attn-legend-bar"/>',
        svg_text(left + 18, legend_y + 10, label("mask_allowed", lang)),
        f'<rect x="{svg_number(left + 130)}" y="{legend_y}" width="12" '
        'height="12" class="attn-mask-off attn-legend-bar"/>',
        svg_text(left + 148, legend_y + 10, label("masked", lang)),
    ]

    allowed = int(m.sum())
    description = label("mask_desc", lang).format(
        rows=n_q,
        cols=n_k,
        allowed=allowed,
        total=m.size,
        percent=format_number(100 * allowed / m.size, 1),
    )
    return svg_figure(
        body,
        element_id=element_id,
        width=width,
        height=height,
        title=label("mask_title", lang).format(name=name),
        description=description,
        caption=label("mask_caption", lang).format(name=name)
        if caption is None
        else caption,
        region_label=label("mask_region", lang),
        css_class="attn-mask",
    )
