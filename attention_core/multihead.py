"""Multi-head attention with projection matrices (Vaswani et al. 2017, 3.2.2).

The projections use the row-vector convention of the paper, ``Q = X W_q``:

- ``w_q``: (d_model, n_heads * d_k)
- ``w_k``: (d_model, n_kv_heads * d_k)
- ``w_v``: (d_model, n_kv_heads * d_v)
- ``w_o``: (n_heads * d_v, d_model)

Multi-head attention has ``n_kv_heads == n_heads``; grouped-query attention
(``grouped_query.py``) uses fewer key and value heads with the same layout.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import as_float_array, check_int, check_min_ndim
from .attention import scaled_dot_product_attention

__all__ = [
    "Projections",
    "init_projections",
    "split_heads",
    "merge_heads",
    "multi_head_attention",
]


class Projections(NamedTuple):
    """Projection matrices of one attention layer, without biases."""

    w_q: np.ndarray
    w_k: np.ndarray
    w_v: np.ndarray
    w_o: np.ndarray


def init_projections(
    d_model: int,
    n_heads: int,
    n_kv_heads: int | None = None,
    *,
    seed: int = 0,
    dtype=np.float64,
) -> Projections:
    """Draw random projection matrices with ``d_k = d_v = d_model / n_heads``.

    Entries are normal with standard deviation ``1 / sqrt(d_model)``, so the
    projected vectors keep roughly the scale of the input.

    Parameters
    ----------
    d_model : int
        Width of the model, a multiple of ``n_heads``.
    n_heads : int
        Number of query heads.
    n_kv_heads : int, optional
        Number of key and value heads, a divisor of ``n_heads``; defaults to
        ``n_heads`` (multi-head attention).
    seed : int
        Seed of ``numpy.random.default_rng``.
    dtype : float dtype
        float32 or float64.

    Returns
    -------
    Projections
        ``w_q`` (d_model, n_heads * d_k), ``w_k`` and ``w_v``
        (d_model, n_kv_heads * d_k), ``w_o`` (n_heads * d_k, d_model).

    Examples
    --------
    >>> p = init_projections(8, 2, 1)
    >>> [w.shape for w in p]
    [(8, 8), (8, 4), (8, 4), (8, 8)]
    """
    d_model = check_int(d_model, "d_model", minimum=1)
    n_heads = check_int(n_heads, "n_heads", minimum=1)
    n_kv_heads = n_heads if n_kv_heads is None else n_kv_heads
    n_kv_heads = check_int(n_kv_heads, "n_kv_heads", minimum=1)
    if d_model % n_heads:
        raise ValueError(f"n_heads={n_heads} does not divide d_model={d_model}")
    check_heads_divide(n_heads, n_kv_heads)
    seed = check_int(seed, "seed", minimum=0)
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"dtype must be float32 or float64; got {dtype}")
    d_k = d_model // n_heads
    rng = np.random.default_rng(seed)
    std = 1.0 / np.sqrt(d_model)
    shapes = [
        (d_model, n_heads * d_k),
        (d_model, n_kv_heads * d_k),
        (d_model, n_kv_heads * d_k),
        (n_heads * d_k, d_model),
    ]
    return Projections(*((rng.standard_normal(s) * std).astype(dtype) for s in shapes))


def check_heads_divide(n_heads: int, n_kv_heads: int) -> None:
    """Raise ValueError unless ``n_kv_heads`` divides ``n_heads``."""
    if n_heads % n_kv_heads:
        raise ValueError(
            f"n_kv_heads={n_kv_heads} does not divide n_heads={n_heads}; each "
            f"key/value head must serve the same number of query heads"
        )


def split_heads(x, n_heads: int) -> np.ndarray:
    """Split the last axis into heads and move the head axis before seq_len.

    Parameters
    ----------
    x : array_like, shape (..., seq_len, n_heads * d)
    n_heads : int

    Returns
    -------
    numpy.ndarray, shape (..., n_heads, seq_len, d)

    Examples
    --------
    >>> split_heads(np.zeros((5, 6)), 3).shape
    (3, 5, 2)
    """
    x = np.asarray(x)
    n_heads = check_int(n_heads, "n_heads", minimum=1)
    check_min_ndim(x, "x", 2, "(..., seq_len, n_heads * d)")
    *lead, seq_len, width = x.shape
    if width % n_heads:
        raise ValueError(f"n_heads={n_heads} does not divide the last axis {width}")
    x = x.reshape(
        *lead, seq_len, n_heads, width // n_heads
    )  # (..., seq_len, n_heads, d)
    return np.swapaxes(x, -2, -3)  # (..., n_heads, seq_len, d)


def merge_heads(x) -> np.ndarray:
    """Concatenate the heads along the last axis; the inverse of split_heads.

    Parameters
    ----------
    x : array_like, shape (..., n_heads, seq_len, d)

    Returns
    -------
    numpy.ndarray, shape (..., seq_len, n_heads * d)

    Examples
    --------
    >>> x = np.arange(12.0).reshape(2, 6)
    >>> np.array_equal(merge_heads(split_heads(x, 3)), x)
    True
    """
    x = np.asarray(x)
    check_min_ndim(x, "x", 3, "(..., n_heads, seq_len, d)")
    *lead, n_heads, seq_len, d = x.shape
    x = np.swapaxes(x, -2, -3)  # (..., seq_len, n_heads, d)
    return x.reshape(*lead, seq_len, n_heads * d)  # (..., seq_len, n_heads * d)


def multi_head_attention(
    query, key, value, projections: Projections, n_heads: int, mask=None, scale=None
):
    """Run multi-head attention: project, split into heads, attend, merge.

    Parameters
    ----------
    query : array_like, shape (..., seq_len_q, d_model)
    key : array_like, shape (..., seq_len_k, d_model)
    value : array_like, shape (..., seq_len_k, d_model)
        Pass the same array three times for self-attention.
    projections : Projections
        ``w_q``, ``w_k``, ``w_v`` each (d_model, n_heads * d_k) and ``w_o``
        (n_heads * d_v, d_model); see :func:`init_projections`.
    n_heads : int
        Number of heads; it must divide the width of ``w_q``.
    mask : array_like of bool or float, optional
        Broadcastable to (..., n_heads, seq_len_q, seq_len_k); a per-batch
        mask of shape (batch, seq_len_q, seq_len_k) needs ``mask[:, None]``.
    scale : float, optional
        Multiplier of the scores; defaults to ``1 / sqrt(d_k)``.

    Returns
    -------
    output : numpy.ndarray, shape (..., seq_len_q, d_model)
    weights : numpy.ndarray, shape (..., n_heads, seq_len_q, seq_len_k)
        Attention weights of each head, for display.

    Examples
    --------
    >>> p = init_projections(8, 2)
    >>> x = np.ones((3, 8))
    >>> output, weights = multi_head_attention(x, x, x, p, n_heads=2)
    >>> output.shape, weights.shape
    ((3, 8), (2, 3, 3))
    """
    n_heads = check_int(n_heads, "n_heads", minimum=1)
    x_q, x_k, x_v, p = check_layer_inputs(query, key, value, projections)
    check_projection_heads(p, n_heads, n_kv_heads=n_heads)

    # 1) Project the inputs to queries, keys and values of all heads at once.
    q = x_q @ p.w_q  # (..., seq_len_q, n_heads * d_k)
    k = x_k @ p.w_k  # (..., seq_len_k, n_heads * d_k)
    v = x_v @ p.w_v  # (..., seq_len_k, n_heads * d_v)

    # 2) Split the last axis into heads.
    q = split_heads(q, n_heads)  # (..., n_heads, seq_len_q, d_k)
    k = split_heads(k, n_heads)  # (..., n_heads, seq_len_k, d_k)
    v = split_heads(v, n_heads)  # (..., n_heads, seq_len_k, d_v)

    # 3) Attend in every head independently.
    heads, weights = scaled_dot_product_attention(q, k, v, mask=mask, scale=scale)

    # 4) Concatenate the heads and project back to d_model.
    concat = merge_heads(heads)  # (..., seq_len_q, n_heads * d_v)
    output = concat @ p.w_o  # (..., seq_len_q, d_model)
    return output, weights


def as_projections(projections) -> Projections:
    """Validate the type of ``projections`` and convert each matrix to float."""
    if not isinstance(projections, Projections):
        raise TypeError(
            f"projections must be a Projections(w_q, w_k, w_v, w_o); "
            f"got {type(projections).__name__}"
        )
    fields = zip(projections, Projections._fields, strict=True)
    return Projections(*(as_float_array(w, name) for w, name in fields))


def check_layer_inputs(query, key, value, projections):
    """Validate the inputs of an attention layer and return float arrays."""
    x_q = as_float_array(query, "query")
    x_k = as_float_array(key, "key")
    x_v = as_float_array(value, "value")

    p = as_projections(projections)
    for w, name in zip(p, Projections._fields, strict=True):
        if w.ndim != 2:
            raise ValueError(f"{name} must be a 2-D matrix; got shape {w.shape}")

    d_model = p.w_q.shape[0]
    for x, name, seq in (
        (x_q, "query", "seq_len_q"),
        (x_k, "key", "seq_len_k"),
        (x_v, "value", "seq_len_k"),
    ):
        check_min_ndim(x, name, 2, f"(..., {seq}, d_model)")
        if x.shape[-1] != d_model:
            raise ValueError(
                f"{name} must have last dimension d_model={d_model} "
                f"(rows of w_q); got shape {x.shape}"
            )

    if x_k.shape[-2] != x_v.shape[-2]:
        raise ValueError(
            f"key and value must have the same seq_len_k; "
            f"got key {x_k.shape} and value {x_v.shape}"
        )
    for name in ("w_k", "w_v"):
        if getattr(p, name).shape[0] != d_model:
            raise ValueError(
                f"{name} must have d_model={d_model} rows like w_q; "
                f"got shape {getattr(p, name).shape}"
            )
    if p.w_o.shape[1] != d_model:
        raise ValueError(
            f"w_o must have d_model={d_model} columns; got shape {p.w_o.shape}"
        )
    return x_q, x_k, x_v, p


def check_projection_heads(p: Projections, n_heads: int, n_kv_heads: int) -> None:
    """Check that the projection widths split into the given numbers of heads."""
    check_heads_divide(n_heads, n_kv_heads)
    width_q = p.w_q.shape[1]
    if width_q % n_heads:
        raise ValueError(
            f"n_heads={n_heads} does not divide the width of w_q "
            f"(n_heads * d_k), {width_q}"
        )
    d_k = width_q // n_heads
    if p.w_k.shape[1] != n_kv_heads * d_k:
        raise ValueError(
            f"w_k must have n_kv_heads * d_k = {n_kv_heads} * {d_k} columns; "
            f"got shape {p.w_k.shape}"
        )
    width_v = p.w_v.shape[1]
    if width_v % n_kv_heads:
        raise ValueError(
            f"n_kv_heads={n_kv_heads} does not divide the width of w_v "
            f"(n_kv_heads * d_v), {width_v}"
        )
    d_v = width_v // n_kv_heads
    if p.w_o.shape[0] != n_heads * d_v:
        raise ValueError(
            f"w_o must have n_heads * d_v = {n_heads} * {d_v} rows; "
            f"got shape {p.w_o.shape}"
        )
