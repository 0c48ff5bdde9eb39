"""Grouped-query attention (Ainslie et al. 2023, "GQA").

``n_heads`` query heads share ``n_kv_heads`` key/value heads: query head ``h``
reads key/value head ``h // (n_heads // n_kv_heads)``, the order of
``torch.repeat_interleave`` and of Llama's ``repeat_kv``. ``n_kv_heads=1`` is
multi-query attention (Shazeer 2019) and ``n_kv_heads=n_heads`` is multi-head
attention.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_int, check_min_ndim
from .attention import check_qkv, scaled_dot_product_attention
from .multihead import (
    Projections,
    as_projections,
    check_heads_divide,
    check_layer_inputs,
    check_projection_heads,
    merge_heads,
    split_heads,
)

__all__ = [
    "repeat_kv",
    "grouped_dot_product_attention",
    "grouped_query_attention",
    "pool_kv_heads",
]


def repeat_kv(x, n_rep: int) -> np.ndarray:
    """Repeat each key/value head ``n_rep`` times next to itself.

    Parameters
    ----------
    x : array_like, shape (..., n_kv_heads, seq_len, d)
    n_rep : int
        Query heads per key/value head, ``n_heads // n_kv_heads``.

    Returns
    -------
    numpy.ndarray, shape (..., n_kv_heads * n_rep, seq_len, d)

    Examples
    --------
    >>> repeat_kv(np.array([[[1.0]], [[2.0]]]), 2).ravel().tolist()
    [1.0, 1.0, 2.0, 2.0]
    """
    x = np.asarray(x)
    n_rep = check_int(n_rep, "n_rep", minimum=1)
    check_min_ndim(x, "x", 3, "(..., n_kv_heads, seq_len, d)")
    return np.repeat(x, n_rep, axis=-3)  # (..., n_kv_heads * n_rep, seq_len, d)


def grouped_dot_product_attention(query, key, value, mask=None, scale=None):
    """Attend with more query heads than key/value heads, without copying K, V.

    The core of grouped-query attention after the projections, equal to
    ``torch.nn.functional.scaled_dot_product_attention(..., enable_gqa=True)``.

    Parameters
    ----------
    query : array_like, shape (..., n_heads, seq_len_q, d_k)
    key : array_like, shape (..., n_kv_heads, seq_len_k, d_k)
    value : array_like, shape (..., n_kv_heads, seq_len_k, d_v)
        ``n_kv_heads`` must divide ``n_heads``.
    mask : array_like of bool or float, optional
        Broadcastable to (..., n_heads, seq_len_q, seq_len_k).
    scale : float, optional
        Multiplier of the scores; defaults to ``1 / sqrt(d_k)``.

    Returns
    -------
    output : numpy.ndarray, shape (..., n_heads, seq_len_q, d_v)
    weights : numpy.ndarray, shape (..., n_heads, seq_len_q, seq_len_k)

    Examples
    --------
    >>> q = np.ones((4, 2, 3))
    >>> k = v = np.ones((2, 5, 3))
    >>> [a.shape for a in grouped_dot_product_attention(q, k, v)]
    [(4, 2, 3), (4, 2, 5)]
    """
    q = as_float_array(query, "query")
    k = as_float_array(key, "key")
    v = as_float_array(value, "value")
    check_min_ndim(q, "query", 3, "(..., n_heads, seq_len_q, d_k)")
    check_min_ndim(k, "key", 3, "(..., n_kv_heads, seq_len_k, d_k)")
    check_min_ndim(v, "value", 3, "(..., n_kv_heads, seq_len_k, d_v)")
    q, k, v = check_qkv(q, k, v, core_ndim=3)
    n_heads, n_kv_heads = q.shape[-3], k.shape[-3]
    if v.shape[-3] != n_kv_heads:
        raise ValueError(
            f"key and value must have the same n_kv_heads (axis -3); "
            f"got key {k.shape} and value {v.shape}"
        )
    check_heads_divide(n_heads, n_kv_heads)
    group = n_heads // n_kv_heads
    *lead, _, seq_len_q, d_k = q.shape
    seq_len_k = k.shape[-2]

    # 1) Group the query heads: those sharing a key/value head become one axis.
    q = q.reshape(*lead, n_kv_heads, group, seq_len_q, d_k)
    # (..., n_kv_heads, group, seq_len_q, d_k)

    # 2) Give K and V a group axis of length 1, so they broadcast over it.
    k = k[..., :, None, :, :]  # (..., n_kv_heads, 1, seq_len_k, d_k)
    v = v[..., :, None, :, :]  # (..., n_kv_heads, 1, seq_len_k, d_v)

    # 3) Reshape the mask's head axis in the same way.
    if mask is not None:
        mask = _group_mask(np.asarray(mask), n_heads, n_kv_heads)

    # 4) Attend, then merge the group axis back into the head axis.
    output, weights = scaled_dot_product_attention(q, k, v, mask=mask, scale=scale)
    output = output.reshape(*output.shape[:-4], n_heads, seq_len_q, v.shape[-1])
    # (..., n_heads, seq_len_q, d_v)
    weights = weights.reshape(*weights.shape[:-4], n_heads, seq_len_q, seq_len_k)
    # (..., n_heads, seq_len_q, seq_len_k)
    return output, weights


def _group_mask(mask: np.ndarray, n_heads: int, n_kv_heads: int) -> np.ndarray:
    """Reshape a mask of shape (..., n_heads or 1, q, k) to grouped heads."""
    if mask.ndim < 3:
        return mask  # (seq_len_q, seq_len_k) broadcasts over every head.
    heads = mask.shape[-3]
    if heads == 1:
        return mask[..., None, :, :]  # (..., 1, 1, seq_len_q, seq_len_k)
    if heads != n_heads:
        raise ValueError(
            f"mask axis -3 must be 1 or n_heads={n_heads}; got shape {mask.shape}"
        )
    group = n_heads // n_kv_heads
    return mask.reshape(*mask.shape[:-3], n_kv_heads, group, *mask.shape[-2:])
    # (..., n_kv_heads, group, seq_len_q, seq_len_k)


def grouped_query_attention(
    query,
    key,
    value,
    projections: Projections,
    n_heads: int,
    n_kv_heads: int,
    mask=None,
    scale=None,
):
    """Run grouped-query attention with projection matrices.

    Parameters
    ----------
    query : array_like, shape (..., seq_len_q, d_model)
    key : array_like, shape (..., seq_len_k, d_model)
    value : array_like, shape (..., seq_len_k, d_model)
    projections : Projections
        ``w_q`` (d_model, n_heads * d_k), ``w_k`` (d_model, n_kv_heads * d_k),
        ``w_v`` (d_model, n_kv_heads * d_v), ``w_o`` (n_heads * d_v, d_model).
    n_heads : int
        Number of query heads.
    n_kv_heads : int
        Number of key/value heads, a divisor of ``n_heads``. 1 gives
        multi-query attention and ``n_heads`` gives multi-head attention.
    mask : array_like of bool or float, optional
        Broadcastable to (..., n_heads, seq_len_q, seq_len_k).
    scale : float, optional
        Multiplier of the scores; defaults to ``1 / sqrt(d_k)``.

    Returns
    -------
    output : numpy.ndarray, shape (..., seq_len_q, d_model)
    weights : numpy.ndarray, shape (..., n_heads, seq_len_q, seq_len_k)

    Examples
    --------
    >>> from attention_core.multihead import init_projections
    >>> p = init_projections(8, n_heads=4, n_kv_heads=2)
    >>> x = np.ones((3, 8))
    >>> output, weights = grouped_query_attention(x, x, x, p, 4, 2)
    >>> output.shape, weights.shape
    ((3, 8), (4, 3, 3))
    """
    n_heads = check_int(n_heads, "n_heads", minimum=1)
    n_kv_heads = check_int(n_kv_heads, "n_kv_heads", minimum=1)
    x_q, x_k, x_v, p = check_layer_inputs(query, key, value, projections)
    check_projection_heads(p, n_heads, n_kv_heads)

    # 1) Project: n_heads query heads but only n_kv_heads key/value heads.
    q = x_q @ p.w_q  # (..., seq_len_q, n_heads * d_k)
    k = x_k @ p.w_k  # (..., seq_len_k, n_kv_heads * d_k)
    v = x_v @ p.w_v  # (..., seq_len_k, n_kv_heads * d_v)

    # 2) Split the last axis into heads.
    q = split_heads(q, n_heads)  # (..., n_heads, seq_len_q, d_k)
    k = split_heads(k, n_kv_heads)  # (..., n_kv_heads, seq_len_k, d_k)
    v = split_heads(v, n_kv_heads)  # (..., n_kv_heads, seq_len_k, d_v)

    # 3) Each group of query heads attends to its shared key/value head.
    heads, weights = grouped_dot_product_attention(q, k, v, mask=mask, scale=scale)

    # 4) Concatenate the heads and project back to d_model.
    concat = merge_heads(heads)  # (..., seq_len_q, n_heads * d_v)
    output = concat @ p.w_o  # (..., seq_len_q, d_model)
    return output, weights


def pool_kv_heads(projections: Projections, n_heads: int, n_kv_heads: int):
    """Convert multi-head projections to grouped-query ones by mean-pooling.

    Ainslie et al. (2023) build the key and value head of each group as the
    mean of the original heads in that group, then uptrain briefly. This
    function does the conversion step: ``w_q`` and ``w_o`` are unchanged.

    Parameters
    ----------
    projections : Projections
        Multi-head projections, ``w_k`` and ``w_v`` of shape
        (d_model, n_heads * d).
    n_heads : int
        Number of heads of the multi-head layer.
    n_kv_heads : int
        Number of groups, a divisor of ``n_heads``.

    Returns
    -------
    Projections
        ``w_k`` and ``w_v`` of shape (d_model, n_kv_heads * d).

    Examples
    --------
    >>> from attention_core.multihead import init_projections
    >>> p = pool_kv_heads(init_projections(8, 4), n_heads=4, n_kv_heads=1)
    >>> p.w_k.shape
    (8, 2)
    """
    n_heads = check_int(n_heads, "n_heads", minimum=1)
    n_kv_heads = check_int(n_kv_heads, "n_kv_heads", minimum=1)
    p = as_projections(projections)
    check_projection_heads(p, n_heads, n_kv_heads=n_heads)
    check_heads_divide(n_heads, n_kv_heads)
    group = n_heads // n_kv_heads

    def pool(w: np.ndarray) -> np.ndarray:
        d_model, width = w.shape
        d = width // n_heads
        heads = w.reshape(
            d_model, n_kv_heads, group, d
        )  # (d_model, n_kv_heads, group, d)
        return heads.mean(axis=2).reshape(d_model, n_kv_heads * d)
        # (d_model, n_kv_heads * d)

    return Projections(p.w_q, pool(p.w_k), pool(p.w_v), p.w_o)
