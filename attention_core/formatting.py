"""Print numbers the same way in CPython and in Pyodide.

CPython's numpy multiplies matrices with OpenBLAS and Pyodide's does not, so
the same computation can differ in the last bits. A weight that is exactly
0.125 in one runtime and 0.12499999999999999 in the other would print as 0.13
and 0.12 with plain two-decimal formatting. ``format_number`` first rounds to
``SIGNIFICANT_DIGITS`` significant digits, which absorbs such last-bit noise,
and then rounds half away from zero to the requested decimals.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["SIGNIFICANT_DIGITS", "format_number"]

# float64 carries about 15.9 significant digits; 10 leaves a wide margin for
# rounding-order differences between BLAS and plain loops.
SIGNIFICANT_DIGITS = 10


def format_number(x: float, decimals: int = 2) -> str:
    """Format ``x`` with ``decimals`` decimals, identically in every runtime.

    Parameters
    ----------
    x : float
        A finite number.
    decimals : int
        Digits after the decimal point, 0 to 12.

    Returns
    -------
    str
        The rounded number; ``-0.00`` prints as ``0.00``.

    Examples
    --------
    >>> format_number(0.125), format_number(0.12499999999999999)
    ('0.13', '0.13')
    >>> format_number(1 / 3, decimals=3)
    '0.333'
    """
    if not 0 <= decimals <= 12:
        raise ValueError(f"decimals must be between 0 and 12; got {decimals}")
    value = float(x)
    if not math.isfinite(value):
        raise ValueError(f"format_number expects a finite number; got {value!r}")
    settled = Decimal(f"{value:.{SIGNIFICANT_DIGITS}g}")
    rounded = settled.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = abs(rounded)
    return f"{rounded:f}"
