"""Building blocks of the SVG figures: ids, text, numbers and the frame.

Every figure is inline SVG whose words are ``<text>`` elements, so readers can
select, search and translate them. Colours come from classes styled in
``docs/assets/css/blocks.css`` through CSS custom properties, so one figure
serves Material's light and dark schemes. Ids derive from a hash of the
figure's inputs, so the same input always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json

from .formatting import format_number
from .html import HTML, escape

__all__ = [
    "FONT_STACK",
    "figure_id",
    "svg_number",
    "svg_text",
    "svg_figure",
    "text_width",
    "grid_paths",
]

# System fonts only (the site loads no web fonts); the CJK families keep
# Chinese labels from falling back to missing-glyph boxes.
FONT_STACK = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', "
    "'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
)


def figure_id(kind: str, *inputs) -> str:
    """Derive a stable element id from the figure kind and its inputs.

    Two figures on one page get different ids unless their inputs are equal,
    in which case their markup is equal too.

    Examples
    --------
    >>> figure_id("mask", [1, 2]) == figure_id("mask", [1, 2])
    True
    >>> figure_id("mask", [1, 2])
    'attn-mask-67d0a3aae2'
    """
    payload = json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(f"{kind}\0{payload}".encode()).hexdigest()[:10]
    return f"attn-{kind}-{digest}"


def svg_number(x: float, decimals: int = 1) -> str:
    """Format a coordinate the same way in every runtime, without trailing zeros.

    Examples
    --------
    >>> svg_number(12.0), svg_number(3.14159, 2), svg_number(-0.01)
    ('12', '3.14', '0')
    """
    text = format_number(x, decimals)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def svg_text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    css_class: str = "attn-svg-label",
    rotate: bool = False,
) -> str:
    """Return a ``<text>`` element with ``text`` escaped.

    ``rotate`` turns the text 90 degrees counter-clockwise about its anchor
    point, for column labels that read bottom to top.

    Examples
    --------
    >>> svg_text(1, 2, "<s>")
    '<text x="1" y="2" class="attn-svg-label">&lt;s&gt;</text>'
    """
    attrs = [f'x="{svg_number(x)}"', f'y="{svg_number(y)}"']
    if anchor != "start":
        attrs.append(f'text-anchor="{anchor}"')
    attrs.append(f'class="{css_class}"')
    if rotate:
        attrs.append(f'transform="rotate(-90 {svg_number(x)} {svg_number(y)})"')
    return f"<text {' '.join(attrs)}>{escape(text)}</text>"


def svg_figure(
    body: list[str],
    *,
    element_id: str,
    width: float,
    height: float,
    title: str,
    description: str,
    caption: str,
    region_label: str,
    css_class: str,
) -> HTML:
    """Wrap SVG elements in an accessible, scrollable ``<figure>``.

    The ``<svg>`` has ``role="img"`` and is labelled by its ``<title>`` and
    ``<desc>``; the figure scrolls inside its own focusable region when it is
    wider than the page.

    Parameters
    ----------
    body : list of str
        SVG elements, already escaped.
    element_id : str
        From :func:`figure_id`; ``-title`` and ``-desc`` are appended.
    width, height : float
        Size in CSS pixels.
    title, description, caption, region_label : str
        Plain text; escaped here.
    css_class : str
        Extra class of the ``<svg>``, such as ``attn-heatmap``.

    Returns
    -------
    HTML

    Examples
    --------
    >>> html = svg_figure([], element_id="f", width=10, height=10, title="<t>",
    ...     description="d", caption="c", region_label="r", css_class="x")
    >>> 'aria-labelledby="f-title f-desc"' in html.markup, "&lt;t&gt;" in html.markup
    (True, True)
    """
    w, h = svg_number(width), svg_number(height)
    font = escape(FONT_STACK)
    lines = [
        '<figure class="attn-figure">',
        f'<div class="attn-scroll" role="region" tabindex="0" '
        f'aria-label="{escape(region_label)}">',
        f'<svg xmlns="http://www.w3.org/2000/svg" class="attn-svg {css_class}" '
        f'id="{element_id}" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        f'role="img" aria-labelledby="{element_id}-title {element_id}-desc" '
        f'font-family="{font}">',
        f'<title id="{element_id}-title">{escape(title)}</title>',
        f'<desc id="{element_id}-desc">{escape(description)}</desc>',
        *body,
        "</svg>",
        "</div>",
        f"<figcaption>{escape(caption)}</figcaption>",
        "</figure>",
    ]
    return HTML("\n".join(lines))


def text_width(text: str, font_size: float) -> float:
    """Estimate the rendered width of ``text`` in pixels, to size margins.

    Wide (CJK) characters count as one em and others as 0.6 em, which errs
    on the wide side for the system sans-serif fonts of the stack.

    Examples
    --------
    >>> text_width("ab", 10), text_width("语言", 10)
    (12.0, 20.0)
    """
    ems = sum(1.0 if ord(char) >= 0x2E80 else 0.6 for char in str(text))
    return ems * font_size


def grid_paths(
    levels, *, x0: float, y0: float, cell: float, inset: float = 0.0
) -> dict:
    """Turn a grid of levels into one SVG path per level.

    A ``<rect>`` per cell makes a 64 x 64 grid weigh hundreds of kilobytes;
    one path per level, with each run of equal cells in a row merged into
    one rectangle, keeps it to a few. Cells whose level is None are skipped.

    Parameters
    ----------
    levels : 2-D sequence
        One hashable level (or None) per cell, rows first.
    x0, y0 : float
        Top-left corner of the grid.
    cell : float
        Cell size; ``inset`` shrinks each rectangle on every side.

    Returns
    -------
    dict
        Path data (the ``d`` attribute) per level, in order of first use.

    Examples
    --------
    >>> grid_paths([["a", "a", None], [None, "b", "a"]], x0=0, y0=0, cell=10)
    {'a': 'M0 0h20v10h-20zM20 10h10v10h-10z', 'b': 'M10 10h10v10h-10z'}
    """
    paths: dict = {}
    side = cell - 2 * inset
    for i, row in enumerate(levels):
        j = 0
        while j < len(row):
            level = row[j]
            run = 1
            while j + run < len(row) and row[j + run] == level:
                run += 1
            if level is not None:
                width = svg_number(run * cell - 2 * inset)
                x = svg_number(x0 + j * cell + inset)
                y = svg_number(y0 + i * cell + inset)
                h = svg_number(side)
                paths.setdefault(level, []).append(f"M{x} {y}h{width}v{h}h-{width}z")
            j += run
    return {level: "".join(parts) for level, parts in paths.items()}
