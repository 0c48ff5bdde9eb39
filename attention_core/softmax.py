"""Numerically stable softmax with masked positions."""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_axis

__all__ = ["softmax"]


def softmax(x, axis: int = -1) -> np.ndarray:
    """Compute a numerically stable softmax along ``axis``.

    Masked positions carry ``-inf`` and get weight exactly 0. A slice in which
    every position is ``-inf`` (a fully masked row) returns all zeros, with no
    NaN and no runtime warning.

    Parameters
    ----------
    x : array_like of float, any shape
        Scores. ``+inf`` and NaN are rejected. Integers are converted to
        float64; float32 and float64 keep their dtype.
    axis : int
        Axis along which the weights sum to 1.

    Returns
    -------
    numpy.ndarray, same shape and float dtype as ``x``
        Weights; every slice along ``axis`` sums to 1, or to 0 when it is
        fully masked.

    Raises
    ------
    ValueError
        If ``x`` contains NaN or ``+inf``, or ``axis`` is out of range.
    TypeError
        If ``x`` is not numeric or ``axis`` is not an int.

    Examples
    --------
    >>> softmax([0.0, 0.0, -np.inf]).tolist()
    [0.5, 0.5, 0.0]
    >>> softmax([[-np.inf, -np.inf]]).tolist()
    [[0.0, 0.0]]
    """
    x = as_float_array(x, "x", allow_neginf=True)
    if x.ndim == 0:
        raise ValueError("x must have at least 1 dimension; got a scalar")
    axis = check_axis(axis, x.ndim)
    return softmax_inplace(x.copy(), axis)


def softmax_inplace(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    """Overwrite float ``scores`` with their softmax along ``axis``; no checks.

    The attention functions call this on score arrays that they allocated
    themselves, so the n x n buffer is reused for the weights.
    """
    if scores.size == 0:
        return scores

    # 1) Subtract the slice maximum so that exp never overflows. A fully masked
    #    slice has maximum -inf, and -inf - -inf is NaN, so shift it by 0.
    slice_max = np.max(scores, axis=axis, keepdims=True)
    slice_max[np.isneginf(slice_max)] = 0.0
    scores -= slice_max
    np.exp(scores, out=scores)

    # 2) A fully masked slice sums to 0: divide it by 1 so that it stays zeros.
    total = np.sum(scores, axis=axis, keepdims=True)
    total[total == 0.0] = 1.0
    scores /= total
    return scores
