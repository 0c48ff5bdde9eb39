"""A plain data table in the final HTML form that pages show.

Demos print tables of computed numbers. The page's own post-processing
changes bare tables: it adds ``scope="col"`` to header cells, and the theme
wraps every table without a class in scrolling containers. A table built
here already has that form, so the build output and a rerun in the browser
give the same HTML.
"""

from __future__ import annotations

from .html import HTML, escape

__all__ = ["data_table"]


def _cell(value) -> str:
    # HTML values (links, code) pass through; everything else is escaped.
    if isinstance(value, HTML):
        return value.markup
    return escape(str(value))


def data_table(columns, rows, caption: str, *, row_headers: bool = False) -> HTML:
    """Render rows of values as an accessible, scrollable HTML table.

    Parameters
    ----------
    columns : list of str
        Header cells.
    rows : list of lists
        One list per row, as long as ``columns``. Values are escaped unless
        they are :class:`HTML`.
    caption : str
        Table caption, also the name of the scrolling region; escaped.
    row_headers : bool
        Render the first cell of every row as a row header.

    Returns
    -------
    HTML

    Examples
    --------
    >>> table = data_table(["n", "FLOPs"], [[1, "<4"]], "Cost")
    >>> '<th scope="col">n</th>' in table.markup, "&lt;4" in table.markup
    (True, True)
    """
    columns = list(columns)
    if not columns:
        raise ValueError("columns must name at least one column; got none")
    body = []
    for index, row in enumerate(rows):
        row = list(row)
        if len(row) != len(columns):
            raise ValueError(
                f"row {index} has {len(row)} cells; expected {len(columns)} "
                f"(one per column)"
            )
        cells = []
        for position, value in enumerate(row):
            if row_headers and position == 0:
                cells.append(f'<th scope="row">{_cell(value)}</th>')
            else:
                cells.append(f"<td>{_cell(value)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    header = "".join(f'<th scope="col">{_cell(c)}</th>' for c in columns)
    name = escape(caption)
    return HTML(
        f'<div class="attn-table" role="region" tabindex="0" aria-label="{name}">'
        f'<table class="attn-data"><caption>{name}</caption>'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
