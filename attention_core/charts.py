"""Cost of attention against sequence length, as a log-log SVG line chart."""

from __future__ import annotations

import math

from .cost import attention_bytes, attention_flops
from .html import HTML
from .labels import label
from .svg import figure_id, svg_figure, svg_number, svg_text, text_width
from .units import format_bytes, format_count, format_seq_len

__all__ = ["COST_METRICS", "cost_series", "cost_chart"]

COST_METRICS = ("flops", "memory")

# Plot area and margins, in pixels.
_PLOT_W, _PLOT_H = 440, 260
_LEFT, _TOP, _BOTTOM = 64, 16, 54
_MARKERS = ("circle", "square", "triangle", "diamond", "cross", "bar")
_N_COLOURS = 6


def cost_series(
    metric: str,
    seq_lens,
    *,
    n_heads: int,
    d_k: int,
    causal: bool = False,
    dtype: str = "fp16",
    n_kv_heads: int | None = None,
    tiled: bool = False,
    block_size_q: int = 128,
) -> list[int]:
    """Compute one line of a cost chart: FLOPs or bytes at each sequence length.

    ``"flops"`` uses :func:`attention_flops` (``causal`` applies) and
    ``"memory"`` uses :func:`attention_bytes` (``dtype``, ``n_kv_heads``,
    ``tiled`` and ``block_size_q`` apply).

    Examples
    --------
    >>> cost_series("flops", [1, 2], n_heads=1, d_k=1)
    [4, 16]
    """
    if metric == "flops":
        return [attention_flops(n, n_heads, d_k, causal=causal) for n in seq_lens]
    if metric == "memory":
        return [
            attention_bytes(
                n, n_heads, d_k, dtype=dtype, n_kv_heads=n_kv_heads, tiled=tiled,
                block_size_q=block_size_q,
            )
            for n in seq_lens
        ]  # fmt: skip
    raise ValueError(f"metric must be one of {', '.join(COST_METRICS)}; got {metric!r}")


def _log_ticks(low: float, high: float, base: int) -> list[int]:
    """Return the powers of ``base`` from below ``low`` to above ``high``."""
    first = math.floor(math.log(low, base) + 1e-9)
    last = math.ceil(math.log(high, base) - 1e-9)
    return list(range(first, max(last, first + 1) + 1))


def _marker(shape: str, x: float, y: float, css_class: str) -> str:
    sx, sy = svg_number(x), svg_number(y)
    if shape == "circle":
        return f'<circle cx="{sx}" cy="{sy}" r="4" class="{css_class}"/>'
    if shape == "square":
        return (
            f'<rect x="{svg_number(x - 3.5)}" y="{svg_number(y - 3.5)}" '
            f'width="7" height="7" class="{css_class}"/>'
        )
    points = {
        "triangle": [(0, -5), (4.5, 3.5), (-4.5, 3.5)],
        "diamond": [(0, -5), (5, 0), (0, 5), (-5, 0)],
        "cross": [(-4, -1.5), (-1.5, -1.5), (-1.5, -4), (1.5, -4), (1.5, -1.5),
                  (4, -1.5), (4, 1.5), (1.5, 1.5), (1.5, 4), (-1.5, 4),
                  (-1.5, 1.5), (-4, 1.5)],
        "bar": [(-5, -2), (5, -2), (5, 2), (-5, 2)],
    }[shape]  # fmt: skip
    text = " ".join(f"{svg_number(x + dx)},{svg_number(y + dy)}" for dx, dy in points)
    return f'<polygon points="{text}" class="{css_class}"/>'


def _spread(positions: list[float], gap: float) -> list[float]:
    """Move end labels apart vertically so that no two overlap."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = list(positions)
    for before, after in zip(order, order[1:], strict=False):
        placed[after] = max(placed[after], placed[before] + gap)
    return placed


def cost_chart(
    metric: str,
    seq_lens,
    series,
    *,
    lang: str = "en",
    caption: str | None = None,
) -> HTML:
    """Draw FLOPs or bytes against sequence length, both axes logarithmic.

    Each line has its own colour, marker shape and a label at its end, so
    colour is never the only cue.

    Parameters
    ----------
    metric : {"flops", "memory"}
        Selects the unit of the y axis.
    seq_lens : list of int, ascending, at least 2
    series : list of (str, list of int)
        A label and one positive value per sequence length, at most 6 lines.
    lang : {"en", "zh"}
    caption : str, optional
        Replaces the default caption; escaped.

    Returns
    -------
    HTML

    Examples
    --------
    >>> lens = [256, 1024]
    >>> chart = cost_chart("flops", lens, [("<a>", cost_series("flops", lens,
    ...     n_heads=8, d_k=64))])
    >>> "&lt;a&gt;" in chart.markup, chart.markup.count("<polyline")
    (True, 1)
    """
    if metric not in COST_METRICS:
        raise ValueError(
            f"metric must be one of {', '.join(COST_METRICS)}; got {metric!r}"
        )
    seq_lens = [int(n) for n in seq_lens]
    if len(seq_lens) < 2 or seq_lens != sorted(set(seq_lens)) or seq_lens[0] < 1:
        raise ValueError(
            f"seq_lens must be at least 2 ascending lengths >= 1; got {seq_lens}"
        )
    if not 1 <= len(series) <= len(_MARKERS):
        raise ValueError(f"expected 1 to {len(_MARKERS)} lines; got {len(series)}")
    for name, values in series:
        if len(values) != len(seq_lens) or min(values) <= 0:
            raise ValueError(
                f"line {name!r} needs {len(seq_lens)} positive values; got {values}"
            )

    # 1) Scales: log2 for the length, log10 for the cost.
    x_ticks = _log_ticks(seq_lens[0], seq_lens[-1], 2)
    y_low = min(min(v) for _, v in series)
    y_high = max(max(v) for _, v in series)
    y_ticks = _log_ticks(y_low, y_high, 10)
    x_span = (x_ticks[0], x_ticks[-1])
    y_span = (y_ticks[0], y_ticks[-1])

    def x_at(n: float) -> float:
        return _LEFT + _PLOT_W * (math.log2(n) - x_span[0]) / (x_span[1] - x_span[0])

    def y_at(v: float) -> float:
        share = (math.log10(v) - y_span[0]) / (y_span[1] - y_span[0])
        return _TOP + _PLOT_H * (1 - share)

    right = 16 + max(text_width(name, 11) for name, _ in series)
    width = _LEFT + _PLOT_W + 14 + right
    height = _TOP + _PLOT_H + _BOTTOM
    element_id = figure_id("cost", metric, seq_lens, [list(s) for s in series], lang)

    # 2) Grid and ticks. Powers of 2 on x, shown as lengths; every other
    #    label is skipped when the range is wide.
    body = []
    x_step = 1 if len(x_ticks) <= 10 else 2
    for k, power in enumerate(x_ticks):
        x = x_at(2**power)
        body.append(
            f'<line x1="{svg_number(x)}" y1="{_TOP}" x2="{svg_number(x)}" '
            f'y2="{_TOP + _PLOT_H}" class="attn-grid"/>'
        )
        if k % x_step == 0:
            body.append(
                svg_text(x, _TOP + _PLOT_H + 16, format_seq_len(2**power),
                         anchor="middle")
            )  # fmt: skip
    y_step = 1 if len(y_ticks) <= 9 else 2
    for k, power in enumerate(y_ticks):
        y = y_at(10.0**power)
        body.append(
            f'<line x1="{_LEFT}" y1="{svg_number(y)}" x2="{_LEFT + _PLOT_W}" '
            f'y2="{svg_number(y)}" class="attn-grid"/>'
        )
        if k % y_step == 0:
            body.append(
                f'<text x="{_LEFT - 6}" y="{svg_number(y + 4)}" text-anchor="end" '
                f'class="attn-svg-label">10<tspan dy="-5" font-size="8">{power}'
                "</tspan></text>"
            )
    body += [
        f'<rect x="{_LEFT}" y="{_TOP}" width="{_PLOT_W}" height="{_PLOT_H}" '
        'class="attn-plot-frame"/>',
        svg_text(_LEFT + _PLOT_W / 2, height - 10, label("cost_axis_x", lang),
                 anchor="middle", css_class="attn-svg-axis"),
        svg_text(14, _TOP + _PLOT_H / 2, label(f"cost_axis_{metric}", lang),
                 anchor="middle", css_class="attn-svg-axis", rotate=True),
    ]  # fmt: skip

    # 3) One line per configuration: colour, marker and an end label.
    ends = _spread([y_at(values[-1]) + 4 for _, values in series], 14)
    for index, (name, values) in enumerate(series):
        css = f"attn-series-{index % _N_COLOURS + 1}"
        points = " ".join(
            f"{svg_number(x_at(n))},{svg_number(y_at(v))}"
            for n, v in zip(seq_lens, values, strict=True)
        )
        body.append(f'<polyline points="{points}" class="attn-line {css}"/>')
        body += [
            _marker(_MARKERS[index], x_at(n), y_at(v), f"attn-marker {css}")
            for n, v in zip(seq_lens, values, strict=True)
        ]
        body.append(
            svg_text(_LEFT + _PLOT_W + 10, ends[index], name,
                     css_class=f"attn-svg-label attn-series-text {css}")
        )  # fmt: skip

    fmt = (
        (lambda v: format_count(v, "FLOP"))
        if metric == "flops"
        else (lambda v: format_bytes(v))
    )
    lines = label("cost_desc_sep", lang).join(
        label("cost_desc_line", lang).format(
            name=name,
            first=fmt(values[0]),
            first_len=seq_lens[0],
            last=fmt(values[-1]),
            last_len=seq_lens[-1],
        )
        for name, values in series
    )
    return svg_figure(
        body,
        element_id=element_id,
        width=width,
        height=height,
        title=label(f"cost_title_{metric}", lang),
        description=label("cost_desc", lang).format(count=len(series), lines=lines),
        caption=label(f"cost_caption_{metric}", lang) if caption is None else caption,
        region_label=label("cost_region", lang),
        css_class="attn-cost",
    )
