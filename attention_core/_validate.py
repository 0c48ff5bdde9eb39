"""Input checks shared by the attention_core modules.

Every check raises ``TypeError`` for a value of the wrong kind and ``ValueError``
for a value of the right kind that is out of range, and its message names the
parameter, what was expected and what was given.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__: list[str] = []


def as_float_array(x, name: str, *, allow_neginf: bool = False) -> np.ndarray:
    """Convert ``x`` to a float32 or float64 array and reject non-finite values.

    float64 and float32 keep their dtype, float16 becomes float32, and integers
    become float64. With ``allow_neginf``, ``-inf`` passes (masked scores).
    """
    try:
        array = np.asarray(x)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of numbers; got {x!r}") from err
    kind = array.dtype.kind
    if kind == "f":
        if array.dtype.itemsize < 4:
            array = array.astype(np.float32)
        elif array.dtype.itemsize > 8:
            array = array.astype(np.float64)
    elif kind in "iu":
        array = array.astype(np.float64)
    else:
        raise TypeError(
            f"{name} must be an array of real numbers (float or int); "
            f"got dtype {array.dtype}"
        )
    check_finite(array, name, allow_neginf=allow_neginf)
    return array


def check_finite(array: np.ndarray, name: str, *, allow_neginf: bool = False) -> None:
    """Raise ValueError if ``array`` contains NaN or infinity."""
    if allow_neginf:
        bad = np.isnan(array) | np.isposinf(array)
        expected = "finite values or -inf"
    else:
        bad = ~np.isfinite(array)
        expected = "finite values"
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must contain only {expected}; "
            f"got {array[index].item()!r} at index {index}"
        )


def check_int(value, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int after checking its type and lower bound."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int; got {type(value).__name__} {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")
    return value


def check_axis(axis, ndim: int) -> int:
    """Return ``axis`` as a non-negative index into an array of ``ndim`` axes."""
    axis = check_int(axis, "axis")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"axis={axis} is out of range for an array with {ndim} dimensions"
        )
    return axis % ndim


def check_scale(scale, d_k: int) -> float:
    """Return the score multiplier: ``scale`` if given, else ``1 / sqrt(d_k)``."""
    if scale is None:
        return 1.0 / math.sqrt(d_k)
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
        raise TypeError(f"scale must be a real number; got {type(scale).__name__}")
    if not np.isfinite(scale):
        raise ValueError(f"scale must be finite; got {scale!r}")
    return float(scale)


def check_min_ndim(array: np.ndarray, name: str, ndim: int, shape: str) -> None:
    """Raise ValueError unless ``array`` has at least ``ndim`` dimensions."""
    if array.ndim < ndim:
        raise ValueError(f"{name} must have shape {shape}; got shape {array.shape}")


def check_bool_mask(mask, name: str = "mask") -> np.ndarray:
    """Return ``mask`` as a bool array, rejecting other dtypes."""
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"{name} must be a bool array; got dtype {mask.dtype}")
    return mask
