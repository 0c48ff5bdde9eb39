"""Readable quantities: bytes in binary units, counts with SI prefixes.

Every function formats through ``format_number``, so the build and the
browser print the same text.
"""

from __future__ import annotations

from .formatting import format_number

__all__ = ["format_bytes", "format_count", "format_seq_len"]

_BINARY = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
_SI = ("", "k", "M", "G", "T", "P", "E")


def _scaled(value: float, base: int, units: tuple[str, ...], decimals: int) -> str:
    if value < 0:
        raise ValueError(f"expected a quantity >= 0; got {value!r}")
    power = 0
    while value >= base and power < len(units) - 1:
        value /= base
        power += 1
    # Rounding can carry into the next unit (1023.999 KiB prints as 1024.0).
    text = format_number(value, decimals if power else 0)
    if float(text) >= base and power < len(units) - 1:
        return _scaled(float(text) * base ** (power), base, units, decimals)
    return f"{text} {units[power]}".rstrip()


def format_bytes(n_bytes: float, decimals: int = 1) -> str:
    """Format a byte count with binary prefixes (1 KiB = 1024 bytes).

    Examples
    --------
    >>> format_bytes(131072), format_bytes(1536, 2), format_bytes(12)
    ('128.0 KiB', '1.50 KiB', '12 B')
    """
    return _scaled(float(n_bytes), 1024, _BINARY, decimals)


def format_count(count: float, unit: str = "", decimals: int = 1) -> str:
    """Format a count with SI prefixes (k = 1000), followed by ``unit``.

    Examples
    --------
    >>> format_count(2.5e9, "FLOP"), format_count(999)
    ('2.5 GFLOP', '999')
    """
    text = _scaled(float(count), 1000, _SI, decimals)
    if not unit:
        return text
    number, _, prefix = text.partition(" ")
    return f"{number} {prefix}{unit}"


def format_seq_len(seq_len: int) -> str:
    """Write a sequence length as "4K" when it is a multiple of 1024.

    Examples
    --------
    >>> format_seq_len(4096), format_seq_len(131072), format_seq_len(1000)
    ('4K', '128K', '1000')
    """
    seq_len = int(seq_len)
    if seq_len >= 1024 and seq_len % 1024 == 0:
        return f"{seq_len // 1024}K"
    return str(seq_len)
