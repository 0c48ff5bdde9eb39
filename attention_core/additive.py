"""Additive attention of Bahdanau, Cho and Bengio (2015).

The score of query ``q_i`` and key ``k_j`` is ``v_a^T tanh(W_q q_i + W_k k_j)``,
a one-hidden-layer network instead of a dot product. The paper writes
``W_a s_{i-1} + U_a h_j`` for the decoder state and the encoder annotation.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import as_float_array, check_int, check_min_ndim
from .attention import apply_mask
from .softmax import softmax_inplace

__all__ = ["AdditiveParams", "init_additive_params", "additive_attention"]


class AdditiveParams(NamedTuple):
    """Parameters of additive attention, in the row-vector convention."""

    w_q: np.ndarray  # (d_q, d_attn)
    w_k: np.ndarray  # (d_k, d_attn)
    v_a: np.ndarray  # (d_attn,)


def init_additive_params(
    d_q: int, d_k: int, d_attn: int, *, seed: int = 0, dtype=np.float64
) -> AdditiveParams:
    """Draw random additive-attention parameters.

    Parameters
    ----------
    d_q, d_k : int
        Widths of the queries and the keys; they may differ.
    d_attn : int
        Width of the hidden layer inside the score.
    seed : int
        Seed of ``numpy.random.default_rng``.
    dtype : float dtype
        float32 or float64.

    Returns
    -------
    AdditiveParams
        ``w_q`` (d_q, d_attn), ``w_k`` (d_k, d_attn), ``v_a`` (d_attn,), normal
        with standard deviation ``1 / sqrt(fan_in)``.

    Examples
    --------
    >>> [w.shape for w in init_additive_params(3, 5, 4)]
    [(3, 4), (5, 4), (4,)]
    """
    d_q = check_int(d_q, "d_q", minimum=1)
    d_k = check_int(d_k, "d_k", minimum=1)
    d_attn = check_int(d_attn, "d_attn", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"dtype must be float32 or float64; got {dtype}")
    rng = np.random.default_rng(seed)
    w_q = rng.standard_normal((d_q, d_attn)) / np.sqrt(d_q)
    w_k = rng.standard_normal((d_k, d_attn)) / np.sqrt(d_k)
    v_a = rng.standard_normal(d_attn) / np.sqrt(d_attn)
    return AdditiveParams(w_q.astype(dtype), w_k.astype(dtype), v_a.astype(dtype))


def additive_attention(query, key, value, mask=None, *, params: AdditiveParams):
    """Compute additive (Bahdanau) attention with the interface of SDPA.

    Takes and returns the same arrays as
    :func:`attention_core.attention.scaled_dot_product_attention`, so the
    two score functions can be swapped; the parameters come as a keyword.

    Parameters
    ----------
    query : array_like, shape (..., seq_len_q, d_q)
    key : array_like, shape (..., seq_len_k, d_k)
    value : array_like, shape (..., seq_len_k, d_v)
    mask : array_like of bool or float, optional
        Broadcastable to (..., seq_len_q, seq_len_k); True (or 0.0) where a
        query may attend. A fully masked row gets zero weights.
    params : AdditiveParams
        ``w_q`` (d_q, d_attn), ``w_k`` (d_k, d_attn), ``v_a`` (d_attn,).

    Returns
    -------
    output : numpy.ndarray, shape (..., seq_len_q, d_v)
    weights : numpy.ndarray, shape (..., seq_len_q, seq_len_k)

    Examples
    --------
    >>> params = init_additive_params(2, 2, 3)
    >>> x = np.eye(2)
    >>> output, weights = additive_attention(x, x, x, params=params)
    >>> weights.sum(axis=-1).round(12).tolist()
    [1.0, 1.0]
    """
    q, k, v, p = _check_inputs(query, key, value, params)

    # 1) Project queries and keys into the hidden layer of width d_attn.
    q_hidden = q @ p.w_q  # (..., seq_len_q, d_attn)
    k_hidden = k @ p.w_k  # (..., seq_len_k, d_attn)

    # 2) Add every query to every key and apply tanh. This tensor has
    #    seq_len_q * seq_len_k * d_attn entries per batch, so it is the memory
    #    cost of additive attention.
    hidden = np.tanh(q_hidden[..., :, None, :] + k_hidden[..., None, :, :])
    # (..., seq_len_q, seq_len_k, d_attn)

    # 3) Reduce each hidden vector to a score with v_a.
    scores = hidden @ p.v_a  # (..., seq_len_q, seq_len_k)

    # 4) Mask, normalize, and mix the values as in dot-product attention.
    if mask is not None:
        scores = apply_mask(scores, mask)
    weights = softmax_inplace(scores, axis=-1)
    output = weights @ v  # (..., seq_len_q, d_v)
    return output, weights


def _check_inputs(query, key, value, params):
    if not isinstance(params, AdditiveParams):
        raise TypeError(
            f"params must be an AdditiveParams(w_q, w_k, v_a); "
            f"got {type(params).__name__}"
        )
    q = as_float_array(query, "query")
    k = as_float_array(key, "key")
    v = as_float_array(value, "value")
    check_min_ndim(q, "query", 2, "(..., seq_len_q, d_q)")
    check_min_ndim(k, "key", 2, "(..., seq_len_k, d_k)")
    check_min_ndim(v, "value", 2, "(..., seq_len_k, d_v)")

    p = AdditiveParams(
        *(
            as_float_array(w, name)
            for w, name in zip(params, AdditiveParams._fields, strict=True)
        )
    )
    if p.w_q.ndim != 2 or p.w_k.ndim != 2 or p.v_a.ndim != 1:
        raise ValueError(
            f"params must have w_q (d_q, d_attn), w_k (d_k, d_attn) and "
            f"v_a (d_attn,); got shapes {p.w_q.shape}, {p.w_k.shape}, {p.v_a.shape}"
        )
    d_attn = p.v_a.shape[0]
    if p.w_q.shape[1] != d_attn or p.w_k.shape[1] != d_attn:
        raise ValueError(
            f"w_q and w_k must have d_attn={d_attn} columns like v_a; "
            f"got {p.w_q.shape} and {p.w_k.shape}"
        )

    if q.shape[-1] != p.w_q.shape[0]:
        raise ValueError(
            f"query must have last dimension d_q={p.w_q.shape[0]} (rows of w_q); "
            f"got shape {q.shape}"
        )
    if k.shape[-1] != p.w_k.shape[0]:
        raise ValueError(
            f"key must have last dimension d_k={p.w_k.shape[0]} (rows of w_k); "
            f"got shape {k.shape}"
        )
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"key and value must have the same seq_len_k (axis -2); "
            f"got key {k.shape} and value {v.shape}"
        )
    check_int(d_attn, "d_attn", minimum=1)
    return q, k, v, p
