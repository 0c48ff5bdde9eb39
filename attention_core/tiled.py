"""Tiled attention with an online softmax, the idea of FlashAttention.

Dao et al. (2022) never materialize the (seq_len_q, seq_len_k) score matrix.
They walk over blocks of keys for each block of queries and keep, per query,
a running maximum ``m``, a running sum ``l`` of exponentials and an
unnormalized output ``acc``. When a new key block raises the maximum, the
old sum and output are rescaled by ``exp(m_old - m_new)``. After the last
block, ``acc / l`` equals ``softmax(scores) @ value``.

With a causal or sliding-window mask, a block in which every query-key pair
is masked contributes nothing, so it is skipped without computing it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import check_int, check_scale
from .attention import check_qkv

__all__ = ["TileCounts", "tile_layout", "tiled_attention"]

# Block sizes chosen on a 2-core AMD EPYC (Zen 3) with OpenBLAS 0.3.31 by
# benchmarks/core_bench.py: a (block_size_q, block_size_k) float32 score block
# of 8 heads then takes 4 MiB, and larger blocks were not faster.
DEFAULT_BLOCK_SIZE_Q = 256
DEFAULT_BLOCK_SIZE_K = 512

# Codes of tile_layout.
SKIPPED, PARTIAL, FULL = 0, 1, 2


class TileCounts(NamedTuple):
    """Number of (query block, key block) tiles computed and skipped."""

    computed: int
    skipped: int

    @property
    def total(self) -> int:
        """Number of tiles in the grid, computed or skipped."""
        return self.computed + self.skipped


def _allowed_offsets(causal: bool, window: int | None) -> tuple[float, float]:
    """Return the range [low, high] of ``i - j`` that a query may attend to."""
    if window is None:
        return (0.0, np.inf) if causal else (-np.inf, np.inf)
    if causal:
        return 0.0, float(window - 1)
    return -float(window // 2), float(window // 2)


def _classify(q_start, q_stop, k_start, k_stop, low, high) -> int:
    """Return SKIPPED, PARTIAL or FULL for the tile of the given index ranges."""
    offset_min = q_start - (k_stop - 1)
    offset_max = (q_stop - 1) - k_start
    if offset_max < low or offset_min > high:
        return SKIPPED
    if offset_min >= low and offset_max <= high:
        return FULL
    return PARTIAL


def _check_options(causal, window, block_size_q, block_size_k):
    if not isinstance(causal, (bool, np.bool_)):
        raise TypeError(f"causal must be a bool; got {type(causal).__name__}")
    if window is not None:
        window = check_int(window, "window", minimum=1)
    block_size_q = check_int(block_size_q, "block_size_q", minimum=1)
    block_size_k = check_int(block_size_k, "block_size_k", minimum=1)
    return bool(causal), window, block_size_q, block_size_k


def tile_layout(
    seq_len_q: int,
    seq_len_k: int,
    block_size_q: int = DEFAULT_BLOCK_SIZE_Q,
    block_size_k: int = DEFAULT_BLOCK_SIZE_K,
    *,
    causal: bool = False,
    window: int | None = None,
) -> np.ndarray:
    """Classify every tile of the score matrix as skipped, partial or full.

    Parameters
    ----------
    seq_len_q, seq_len_k : int
        Numbers of queries and keys.
    block_size_q, block_size_k : int
        Rows and columns of a tile; the last tile of a row or column may be
        smaller.
    causal : bool
        Query ``i`` may attend to keys ``j <= i`` (top-left aligned, like
        ``torch``'s ``is_causal``).
    window : int, optional
        Sliding window, as in :func:`attention_core.masks.sliding_window_mask`.

    Returns
    -------
    numpy.ndarray of int8, shape (n_blocks_q, n_blocks_k)
        0 where every pair is masked (the tile is skipped), 1 where some pairs
        are masked, 2 where none are.

    Examples
    --------
    >>> tile_layout(4, 4, 2, 2, causal=True).tolist()
    [[1, 0], [2, 1]]
    """
    seq_len_q = check_int(seq_len_q, "seq_len_q", minimum=1)
    seq_len_k = check_int(seq_len_k, "seq_len_k", minimum=1)
    causal, window, block_size_q, block_size_k = _check_options(
        causal, window, block_size_q, block_size_k
    )
    low, high = _allowed_offsets(causal, window)
    q_starts = range(0, seq_len_q, block_size_q)
    k_starts = range(0, seq_len_k, block_size_k)
    layout = np.empty((len(q_starts), len(k_starts)), dtype=np.int8)
    for row, q_start in enumerate(q_starts):
        q_stop = min(q_start + block_size_q, seq_len_q)
        for col, k_start in enumerate(k_starts):
            k_stop = min(k_start + block_size_k, seq_len_k)
            layout[row, col] = _classify(q_start, q_stop, k_start, k_stop, low, high)
    return layout


def tiled_attention(
    query,
    key,
    value,
    *,
    causal: bool = False,
    window: int | None = None,
    scale=None,
    block_size_q: int = DEFAULT_BLOCK_SIZE_Q,
    block_size_k: int = DEFAULT_BLOCK_SIZE_K,
):
    """Compute attention block by block with an online softmax.

    Gives the output of :func:`scaled_dot_product_attention` (within rounding:
    1e-12 in float64) while allocating at most one
    (..., block_size_q, block_size_k) score tile at a time instead of the
    (..., seq_len_q, seq_len_k) matrix. The weights are not returned, because
    they are never stored.

    Parameters
    ----------
    query : array_like, shape (..., seq_len_q, d_k)
    key : array_like, shape (..., seq_len_k, d_k)
    value : array_like, shape (..., seq_len_k, d_v)
    causal : bool
        Query ``i`` may attend to keys ``j <= i`` (top-left aligned, like
        ``torch``'s ``is_causal``). Tiles above the diagonal are skipped.
    window : int, optional
        Sliding window of this width, causal or two-sided as in
        :func:`attention_core.masks.sliding_window_mask`; tiles outside it are
        skipped.
    scale : float, optional
        Multiplier of the scores; defaults to ``1 / sqrt(d_k)``.
    block_size_q, block_size_k : int
        Queries and keys per tile.

    Returns
    -------
    output : numpy.ndarray, shape (..., seq_len_q, d_v)
        Zero for a query that may attend to no key.
    counts : TileCounts
        Tiles computed and skipped (per batch, all heads at once).

    Examples
    --------
    >>> x = np.arange(8.0).reshape(4, 2) / 8
    >>> output, counts = tiled_attention(x, x, x, causal=True, block_size_q=2,
    ...                                  block_size_k=2)
    >>> counts
    TileCounts(computed=3, skipped=1)
    >>> from attention_core.attention import scaled_dot_product_attention
    >>> from attention_core.masks import causal_mask
    >>> naive, _ = scaled_dot_product_attention(x, x, x, mask=causal_mask(4))
    >>> bool(np.allclose(output, naive, rtol=0, atol=1e-12))
    True
    """
    q, k, v = check_qkv(query, key, value)
    causal, window, block_size_q, block_size_k = _check_options(
        causal, window, block_size_q, block_size_k
    )
    scale = check_scale(scale, q.shape[-1])

    # 1) Bring query, key and value to one batch shape and flatten the batch
    #    axes, so that every tile is a single stacked matmul over all heads.
    batch_shape = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    seq_len_q, d_k = q.shape[-2:]
    seq_len_k, d_v = v.shape[-2:]
    dtype = q.dtype
    q = np.broadcast_to(q, batch_shape + q.shape[-2:]).reshape(-1, seq_len_q, d_k)
    # (batch, seq_len_q, d_k)
    k = np.broadcast_to(k, batch_shape + k.shape[-2:]).reshape(-1, seq_len_k, d_k)
    # (batch, seq_len_k, d_k)
    v = np.broadcast_to(v, batch_shape + v.shape[-2:]).reshape(-1, seq_len_k, d_v)
    # (batch, seq_len_k, d_v)
    k_t = np.ascontiguousarray(np.swapaxes(k, -1, -2))  # (batch, d_k, seq_len_k)
    v = np.ascontiguousarray(v)
    batch = q.shape[0]

    low, high = _allowed_offsets(causal, window)
    output = np.empty((batch, seq_len_q, d_v), dtype=dtype)
    computed = skipped = 0
    score_buffer = np.empty((batch, block_size_q, block_size_k), dtype=dtype)
    for q_start in range(0, seq_len_q, block_size_q):
        q_stop = min(q_start + block_size_q, seq_len_q)
        n_q = q_stop - q_start

        # 2) Scale the query tile once, then start the running statistics:
        #    maximum m = -inf, sum l = 0 and unnormalized output acc = 0.
        q_tile = q[:, q_start:q_stop, :] * dtype.type(scale)  # (batch, n_q, d_k)
        m = np.full((batch, n_q, 1), -np.inf, dtype=dtype)
        l_sum = np.zeros((batch, n_q, 1), dtype=dtype)
        acc = np.zeros((batch, n_q, d_v), dtype=dtype)

        for k_start in range(0, seq_len_k, block_size_k):
            k_stop = min(k_start + block_size_k, seq_len_k)
            kind = _classify(q_start, q_stop, k_start, k_stop, low, high)
            if kind == SKIPPED:
                skipped += 1
                continue
            computed += 1
            n_k = k_stop - k_start

            # 3) Scores of the tile, written into a reused buffer.
            scores = score_buffer[:, :n_q, :n_k]
            np.matmul(q_tile, k_t[:, :, k_start:k_stop], out=scores)
            # (batch, n_q, n_k)
            if kind == PARTIAL:
                offsets = np.arange(q_start, q_stop)[:, None] - np.arange(
                    k_start, k_stop
                )  # (n_q, n_k)
                masked = (offsets < low) | (offsets > high)
                np.copyto(scores, -np.inf, where=masked)

            # 4) New running maximum. Rows with no allowed key so far keep
            #    -inf, and are shifted by 0 instead, which avoids -inf - -inf.
            m_new = np.maximum(m, scores.max(axis=-1, keepdims=True))
            shift = np.where(np.isneginf(m_new), dtype.type(0), m_new)

            # 5) Exponentiate in place: p = exp(scores - shift).
            np.subtract(scores, shift, out=scores)
            np.exp(scores, out=scores)

            # 6) Rescale the old sum and output by exp(m_old - m_new), then add
            #    the tile's contribution.
            alpha = np.exp(m - shift)  # (batch, n_q, 1)
            l_sum *= alpha
            l_sum += scores.sum(axis=-1, keepdims=True)
            acc *= alpha
            acc += scores @ v[:, k_start:k_stop, :]  # (batch, n_q, d_v)
            m = m_new

        # 7) Normalize; a row with no allowed key has l = 0 and stays 0.
        l_sum[l_sum == 0] = 1
        np.divide(acc, l_sum, out=output[:, q_start:q_stop, :])

    output = output.reshape(batch_shape + (seq_len_q, d_v))
    # (..., seq_len_q, d_v)
    return output, TileCounts(computed, skipped)
