"""Scaled dot-product attention (Vaswani et al. 2017, equation 1)."""

from __future__ import annotations

import numpy as np

from ._validate import (
    as_float_array,
    check_finite,
    check_min_ndim,
    check_scale,
)
from .softmax import softmax_inplace

__all__ = ["scaled_dot_product_attention"]


def scaled_dot_product_attention(query, key, value, mask=None, scale=None):
    """Compute ``softmax(Q K^T * scale + mask) V`` and the attention weights.

    Parameters
    ----------
    query : array_like, shape (..., seq_len_q, d_k)
    key : array_like, shape (..., seq_len_k, d_k)
    value : array_like, shape (..., seq_len_k, d_v)
        The leading (batch) dimensions of the three arrays broadcast against
        each other, as in ``numpy.matmul``.
    mask : array_like of bool or float, optional
        Broadcastable to the scores, shape (..., seq_len_q, seq_len_k).
        Boolean: True where a query may attend to a key. Float: added to the
        scores, with ``-inf`` for a masked position. A query row with no
        allowed key gets all-zero weights and a zero output.
    scale : float, optional
        Multiplier of the scores (an inverse temperature); defaults to
        ``1 / sqrt(d_k)``.

    Returns
    -------
    output : numpy.ndarray, shape (..., seq_len_q, d_v)
    weights : numpy.ndarray, shape (..., seq_len_q, seq_len_k)
        Each row sums to 1, or to 0 when it is fully masked.

    Raises
    ------
    ValueError
        On mismatched shapes, non-finite inputs, a float mask with NaN or
        ``+inf``, or a mask that does not broadcast to the scores.
    TypeError
        On non-numeric inputs or a mask that is neither bool nor float.

    Examples
    --------
    >>> q = k = v = np.eye(2)
    >>> output, weights = scaled_dot_product_attention(q, k, v, scale=0.0)
    >>> weights.tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    >>> causal = np.array([[True, False], [True, True]])
    >>> scaled_dot_product_attention(q, k, v, mask=causal)[0][0].tolist()
    [1.0, 0.0]
    """
    q, k, v = check_qkv(query, key, value)
    scale = check_scale(scale, q.shape[-1])

    # 1) Similarity of every query with every key. Scaling q costs
    #    seq_len_q * d_k products instead of seq_len_q * seq_len_k.
    q_scaled = q * q.dtype.type(scale)  # (..., seq_len_q, d_k)
    scores = q_scaled @ np.swapaxes(k, -1, -2)  # (..., seq_len_q, seq_len_k)

    # 2) Masked positions get -inf, so that the softmax gives them weight 0.
    if mask is not None:
        scores = apply_mask(scores, mask)

    # 3) Normalize each row in place, then mix the values.
    weights = softmax_inplace(scores, axis=-1)
    output = weights @ v  # (..., seq_len_q, d_v)
    return output, weights


def check_qkv(
    query, key, value, *, core_ndim: int = 2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate query, key and value and convert them to one float dtype.

    The leading dimensions before the last ``core_ndim`` axes must broadcast;
    grouped-query attention passes 3 because its head axes differ in length.
    """
    q = as_float_array(query, "query")
    k = as_float_array(key, "key")
    v = as_float_array(value, "value")
    check_min_ndim(q, "query", 2, "(..., seq_len_q, d_k)")
    check_min_ndim(k, "key", 2, "(..., seq_len_k, d_k)")
    check_min_ndim(v, "value", 2, "(..., seq_len_k, d_v)")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"query and key must have the same last dimension d_k; "
            f"got query {q.shape} and key {k.shape}"
        )
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"key and value must have the same seq_len_k (axis -2); "
            f"got key {k.shape} and value {v.shape}"
        )
    try:
        n = core_ndim
        np.broadcast_shapes(q.shape[:-n], k.shape[:-n], v.shape[:-n])
    except ValueError as err:
        raise ValueError(
            f"the leading (batch) dimensions of query {q.shape}, key {k.shape} "
            f"and value {v.shape} do not broadcast"
        ) from err
    dtype = np.result_type(q, k, v)
    return tuple(a.astype(dtype, copy=False) for a in (q, k, v))


def apply_mask(scores: np.ndarray, mask) -> np.ndarray:
    """Return ``scores`` with a boolean or additive mask applied.

    A boolean mask writes ``-inf`` in place where it is False. A float mask is
    added, so the result may be a new, broadcast array.
    """
    mask = np.asarray(mask)
    try:
        shape = np.broadcast_shapes(scores.shape, mask.shape)
    except ValueError:
        shape = None
    if shape != scores.shape:
        raise ValueError(
            f"mask of shape {mask.shape} does not broadcast to the scores, "
            f"shape (..., seq_len_q, seq_len_k) = {scores.shape}"
        )
    if mask.dtype == bool:
        np.copyto(scores, -np.inf, where=~mask)
        return scores
    if mask.dtype.kind != "f":
        raise TypeError(
            f"mask must be bool (True = may attend) or float (added to the "
            f"scores); got dtype {mask.dtype}"
        )
    check_finite(mask, "mask", allow_neginf=True)
    scores += mask.astype(scores.dtype, copy=False)
    return scores
