"""Tiled attention with an online softmax, the idea of FlashAttention.

Dao et al. (2022) never materialize the (seq_len_q, seq_len_k) score matrix.
They split queries and keys into blocks, visit every (query block, key block)
tile once, and keep, per query, a running maximum ``m``, a running sum ``l``
of exponentials and an unnormalized output ``acc``. When a new key block
raises the maximum, the old sum and output are rescaled by
``exp(m_old - m_new)``. After the last block, ``acc / l`` equals
``softmax(scores) @ value``.

With a causal or sliding-window mask, a block in which every query-key pair
is masked contributes nothing, so it is skipped without computing it. A block
that is partly masked is first shrunk to the rows and columns that hold an
allowed pair. For example, a causal tile of 256 queries x 512 keys that
starts on the diagonal drops the 256 key columns after its last query.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from ._validate import check_int, check_scale
from .attention import check_qkv

__all__ = ["TileCounts", "tile_layout", "tiled_attention"]

# Default tile: 256 queries x 512 keys, 512 KiB of float32 scores per head.
# On the 2-core machine of BENCHMARKS.md (AMD EPYC with AVX-512, OpenBLAS
# 0.3.31), 512 x 512 tiles were about as fast and 128 x 256 tiles slower.
# Other machines may prefer other sizes.
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


def _trim(q_start, q_stop, k_start, k_stop, low, high) -> tuple[int, int, int, int]:
    """Shrink a tile to the rows and columns that hold at least one allowed pair.

    Row ``i`` has an allowed key in ``[k_start, k_stop)`` when
    ``k_start + low <= i <= k_stop - 1 + high``; column ``j`` has an allowed
    query in ``[q_start, q_stop)`` when ``q_start - high <= j <= q_stop - 1 - low``.
    The rows are trimmed first, so that every kept row keeps an allowed key.
    """
    if low > -np.inf:
        q_start = max(q_start, k_start + int(low))
    if high < np.inf:
        q_stop = min(q_stop, k_stop + int(high))
        k_start = max(k_start, q_start - int(high))
    if low > -np.inf:
        k_stop = min(k_stop, q_stop - int(low))
    return q_start, q_stop, k_start, k_stop


def _build_mask(
    offset: int, n_q: int, n_k: int, low: float, high: float, dtype: np.dtype
) -> tuple[np.ndarray, np.ndarray]:
    """Return the additive mask (0 or -inf) and the boolean mask of a tile.

    ``offset`` is the first query index minus the first key index. The arrays
    are read-only, because tiles at the same offset share them.
    """
    offsets = offset + np.arange(n_q)[:, None] - np.arange(n_k)  # (n_q, n_k)
    masked = (offsets < low) | (offsets > high)
    bias = np.where(masked, -np.inf, 0).astype(dtype)
    masked.flags.writeable = False
    bias.flags.writeable = False
    return bias, masked


class _MaskCache:
    """Tile masks kept between calls, within a budget of bytes.

    At n = 256 a call is one partial tile, and building its mask took about
    an eighth of the call, so masks are kept for the next call. Only masks of
    at most a quarter of the budget are kept, and the least recently used go
    first, so the cache never keeps more than ``max_bytes``.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[np.ndarray, np.ndarray]:
        """Return the masks of ``key`` = (offset, n_q, n_k, low, high, dtype)."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        masks = _build_mask(*key)
        size = masks[0].nbytes + masks[1].nbytes
        if size <= self.max_bytes // 4:
            with self._lock:
                if key not in self._entries:
                    self._entries[key] = masks
                    self._bytes += size
                while self._bytes > self.max_bytes:
                    _, (bias, masked) = self._entries.popitem(last=False)
                    self._bytes -= bias.nbytes + masked.nbytes
        return masks


# 8 MiB: the masks of a dozen default float32 tiles (256 x 512).
_MASKS = _MaskCache(8 * 2**20)


# Worker threads kept between calls. Starting threads, and giving each new
# thread its own fresh work buffers, cost more than a whole call at n = 256.
# A pool that is too small is replaced, not shut down, because another thread
# may be submitting to it. The old pool ends when the last reference goes.
_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()


def _worker_pool(n_threads: int) -> ThreadPoolExecutor:
    """Return a thread pool of at least ``n_threads`` threads, kept for reuse."""
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < n_threads:
            _pool = ThreadPoolExecutor(
                max_workers=n_threads, thread_name_prefix="tiled_attention"
            )
            _pool_size = n_threads
        return _pool


def _forget_pool() -> None:
    """Drop the pool in a forked child, whose copy has no running threads.

    Without this, a child that forked after a call with ``n_workers > 1``
    would submit to threads that exist only in the parent, and wait forever.
    """
    global _pool, _pool_size, _pool_lock
    _pool, _pool_size, _pool_lock = None, 0, threading.Lock()


if hasattr(os, "register_at_fork"):  # absent where the platform cannot fork
    os.register_at_fork(after_in_child=_forget_pool)


def _check_workers(n_workers) -> int:
    n_workers = check_int(n_workers, "n_workers", minimum=1)
    if n_workers > 1 and sys.platform == "emscripten":
        raise ValueError(
            f"n_workers must be 1 under Pyodide, which has no threads; got {n_workers}"
        )
    return n_workers


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
    n_workers: int = 1,
):
    """Compute attention block by block with an online softmax.

    Gives the output of :func:`scaled_dot_product_attention` (within rounding:
    1e-12 in float64) while allocating at most one
    (..., block_size_q, block_size_k) score tile at a time instead of the
    (..., seq_len_q, seq_len_k) matrix. The weights are not returned, because
    they are never stored. Masked grids also build one
    (block_size_q, block_size_k) mask per diagonal offset of their partial
    tiles, and keep up to 8 MiB of such masks for later calls.

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
    n_workers : int
        Threads that share the batch (and head) axes. numpy releases the GIL
        in its loops, so 2 workers use 2 cores for the element-wise work.
        Each worker's matmuls still use every BLAS thread, so limit the BLAS
        to 1 thread (``OPENBLAS_NUM_THREADS=1`` or threadpoolctl) when using
        more than 1 worker, or the threads oversubscribe the cores. Pyodide
        has no threads, so it accepts only 1.

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
    n_workers = _check_workers(n_workers)

    # Bring query, key and value to one batch shape and flatten the batch
    # axes, so that every tile is one stacked matmul over all heads.
    batch_shape = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    seq_len_q, d_k = q.shape[-2:]
    seq_len_k, d_v = v.shape[-2:]
    q = np.broadcast_to(q, batch_shape + q.shape[-2:]).reshape(-1, seq_len_q, d_k)
    # (batch, seq_len_q, d_k)
    k = np.broadcast_to(k, batch_shape + k.shape[-2:]).reshape(-1, seq_len_k, d_k)
    # (batch, seq_len_k, d_k)
    v = np.broadcast_to(v, batch_shape + v.shape[-2:]).reshape(-1, seq_len_k, d_v)
    # (batch, seq_len_k, d_v)

    # Each worker takes a contiguous share of the flattened batch axis.
    allowed = _allowed_offsets(causal, window)
    # No more workers than batch entries, and 1 for an empty batch.
    n_workers = max(1, min(n_workers, q.shape[0]))
    if n_workers == 1:
        output, counts = _online_softmax_attention(
            q, k, v, scale, allowed, block_size_q, block_size_k
        )
    else:
        bounds = np.linspace(0, q.shape[0], n_workers + 1).astype(int)
        shares = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        # The calling thread computes the last share while the pool computes
        # the others.
        pool = _worker_pool(n_workers - 1)
        futures = [
            pool.submit(
                _online_softmax_attention,
                *(a[share] for a in (q, k, v)),
                scale,
                allowed,
                block_size_q,
                block_size_k,
            )
            for share in shares[:-1]
        ]
        last = _online_softmax_attention(
            *(a[shares[-1]] for a in (q, k, v)),
            scale,
            allowed,
            block_size_q,
            block_size_k,
        )
        results = [future.result() for future in futures] + [last]
        output = np.concatenate([result[0] for result in results])
        counts = results[0][1]
    output = output.reshape(batch_shape + (seq_len_q, d_v))
    # (..., seq_len_q, d_v)
    return output, counts


# A row keeps its shift c while the sum of exp(score - c) over a tile stays at
# most n_k * e^8, so every term is at most n_k * e^8 (about 1.5e6 for 512
# keys): far from overflow even in float32. The final division by l cancels
# the choice of c.
MAX_SHIFT_GAP = 8.0


def _online_softmax_attention(q, k, v, scale, allowed, block_size_q, block_size_k):
    """Run the tiled loop on (batch, seq_len, d) arrays of one float dtype.

    The loop differs from the textbook online softmax in ways that leave one
    pass (the exponential) of the four over each score tile:

    - The shift ``c`` is subtracted inside the first matmul: the query tile
      gets an extra column ``-c`` and the key tile a column of ones, so the
      product is ``q k^T * scale - c`` directly.
    - The row sums ``l`` come out of the second matmul: the value tile gets a
      column of ones, so the last column of ``p @ [v, 1]`` is ``sum(p)``.
    - No row maximum is taken up front. A row's tile sum shows whether its
      scores left the safe range around ``c``: above ``n_k * e^gap`` (or
      inf or NaN after an overflow), or below ``e^-gap`` in the row's first
      tile, where ``c`` is a provisional 0. Only such rows are recomputed,
      with their exact maximum as the new shift.

    The loop runs over key blocks outside and query blocks inside, so each
    augmented key and value tile is built once, and the output array itself
    accumulates the unnormalized sums. The additive masks of partial tiles
    come from a small cache, because the tiles along one diagonal share one.
    """
    batch, seq_len_q, d_k = q.shape
    seq_len_k, d_v = v.shape[-2:]
    dtype = q.dtype
    low, high = allowed
    scale = dtype.type(scale)
    upper = dtype.type(np.exp(MAX_SHIFT_GAP))
    lower = dtype.type(np.exp(-MAX_SHIFT_GAP))

    # 1) Running statistics per query: the shift c (-inf until the row has
    #    seen an allowed key), the sum l, and the unnormalized output.
    shift = np.full((batch, seq_len_q, 1), -np.inf, dtype=dtype)
    l_sum = np.zeros((batch, seq_len_q, 1), dtype=dtype)
    output = np.zeros((batch, seq_len_q, d_v), dtype=dtype)

    # Work buffers, reused by every tile and no larger than the inputs.
    rows_max = min(block_size_q, seq_len_q)
    cols_max = min(block_size_k, seq_len_k)
    score_buffer = _work_buffer("scores", (batch, rows_max, cols_max), dtype)
    q_aug = _work_buffer("q_aug", (batch, rows_max, d_k + 1), dtype)
    k_aug = _work_buffer("k_aug", (batch, cols_max, d_k + 1), dtype)
    v_aug = _work_buffer("v_aug", (batch, cols_max, d_v + 1), dtype)
    pv_buffer = _work_buffer("pv", (batch, rows_max, d_v + 1), dtype)

    # Masks of the partial tiles of this call, by diagonal offset and size:
    # a few tiles' worth, since the partial tiles lie along one or two
    # diagonals of the grid.
    call_masks: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    computed = skipped = 0
    for k_block_start in range(0, seq_len_k, block_size_k):
        k_block_stop = min(k_block_start + block_size_k, seq_len_k)
        n_k_block = k_block_stop - k_block_start

        # 2) Append a column of ones to the key and value tiles.
        k_aug[:, :n_k_block, :d_k] = k[:, k_block_start:k_block_stop]
        k_aug[:, :n_k_block, d_k] = 1
        v_aug[:, :n_k_block, :d_v] = v[:, k_block_start:k_block_stop]
        v_aug[:, :n_k_block, d_v] = 1
        k_aug_t = np.swapaxes(k_aug, -1, -2)  # (batch, d_k + 1, cols_max)

        for q_block_start in range(0, seq_len_q, block_size_q):
            q_block_stop = min(q_block_start + block_size_q, seq_len_q)
            q_start, q_stop = q_block_start, q_block_stop
            k_start, k_stop = k_block_start, k_block_stop
            kind = _classify(q_start, q_stop, k_start, k_stop, low, high)
            if kind == SKIPPED:
                skipped += 1
                continue
            computed += 1
            if kind == PARTIAL:
                # Drop the rows and columns in which every pair is masked, such
                # as the keys after the last query of a causal diagonal tile.
                q_start, q_stop, k_start, k_stop = _trim(
                    q_start, q_stop, k_start, k_stop, low, high
                )
                kind = _classify(q_start, q_stop, k_start, k_stop, low, high)
            n_q, n_k = q_stop - q_start, k_stop - k_start
            rows = slice(q_start, q_stop)
            cols = slice(k_start - k_block_start, k_stop - k_block_start)

            # 3) Rows that have seen no allowed key yet use shift 0 for now.
            old_shift = shift[:, rows]  # (batch, n_q, 1)
            fresh = np.isneginf(old_shift)
            all_fresh = fresh.all()
            tile_shift = np.where(fresh, dtype.type(0), old_shift)

            # 4) Shifted scores from one matmul: [q * scale, -c] @ [k, 1]^T.
            np.multiply(q[:, rows], scale, out=q_aug[:, :n_q, :d_k])
            np.negative(tile_shift[..., 0], out=q_aug[:, :n_q, d_k])
            scores = score_buffer[:, :n_q, :n_k]
            np.matmul(q_aug[:, :n_q], k_aug_t[..., cols], out=scores)
            # scores: (batch, n_q, n_k)
            masked = None
            if kind == PARTIAL:
                key = (q_start - k_start, n_q, n_k, low, high, dtype)
                if key not in call_masks:
                    call_masks[key] = _MASKS.get(key)
                bias, masked = call_masks[key]
                scores += bias

            # 5) p = exp(scores - c), and p @ [v, 1] gives the output and sum.
            #    An overflow here (inf, or NaN from inf * 0) is repaired in step 6.
            with np.errstate(over="ignore", invalid="ignore"):
                np.exp(scores, out=scores)
                pv = np.matmul(scores, v_aug[:, cols], out=pv_buffer[:, :n_q])
                # pv: (batch, n_q, d_v + 1)

            # 6) Recompute the rows whose sum left the safe range.
            row_sum = pv[..., d_v]  # (batch, n_q)
            redo = ~(row_sum <= n_k * upper) | (fresh[..., 0] & (row_sum < lower))
            if redo.any():
                moved = _recompute_rows(
                    redo, q_aug, k_aug_t[..., cols], v_aug[:, cols], masked, pv
                )
                tile_shift[..., 0] += moved

            # 7) Rescale the old output and sum to the new shift, then add the
            #    tile. Fresh rows have zero output and sum, so alpha = 0 there.
            #    After trimming, every row of the tile has an allowed key.
            out_rows = output[:, rows]
            l_rows = l_sum[:, rows]
            if all_fresh:
                out_rows[...] = pv[..., :d_v]
                l_rows[...] = pv[..., d_v:]
            else:
                safe_old = np.where(fresh, tile_shift, old_shift)
                alpha = np.where(fresh, dtype.type(0), np.exp(safe_old - tile_shift))
                out_rows *= alpha
                out_rows += pv[..., :d_v]
                l_rows *= alpha
                l_rows += pv[..., d_v:]
            shift[:, rows] = tile_shift

    # 8) Normalize. A row with no allowed key has l = 0 and an output of 0.
    l_sum[l_sum == 0] = 1
    output /= l_sum
    return output, TileCounts(computed, skipped)


# Work buffers of the calling thread, kept between calls. Fresh buffers of a
# few MiB cost page faults on every call, which at n = 256 took longer than
# the arithmetic. Each thread keeps at most one buffer per name and dtype, as
# large as the largest tile it has used.
_thread_buffers = threading.local()


def _work_buffer(name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Return an uninitialized array of ``shape``, reused across calls."""
    cache = getattr(_thread_buffers, "arrays", None)
    if cache is None:
        cache = _thread_buffers.arrays = {}
    size = math.prod(shape)
    key = (name, dtype.str)
    flat = cache.get(key)
    if flat is None or flat.size < size:
        flat = cache[key] = np.empty(size, dtype=dtype)
    return flat[:size].reshape(shape)


def _recompute_rows(redo, q_aug, k_aug_t, v_aug, masked, pv) -> np.ndarray:
    """Recompute the flagged rows of a tile, shifted by their exact maximum.

    Overwrites those rows of ``pv`` (batch, n_q, d_v + 1) and returns the
    maximum subtracted from each row, 0 for the rows left alone, shape
    (batch, n_q). A row whose keys are all masked gets 0 and p = 0.
    """
    moved = np.zeros(redo.shape, dtype=pv.dtype)
    for b in np.flatnonzero(redo.any(axis=1)):
        rows = np.flatnonzero(redo[b])
        scores = q_aug[b, rows] @ k_aug_t[b]  # (n_rows, n_k)
        if masked is not None:
            np.copyto(scores, -np.inf, where=masked[rows])
        row_max = scores.max(axis=1, keepdims=True)  # (n_rows, 1)
        row_max[np.isneginf(row_max)] = 0
        scores -= row_max
        np.exp(scores, out=scores)
        pv[b, rows] = scores @ v_aug[b]  # (n_rows, d_v + 1)
        moved[b, rows] = row_max[:, 0]
    return moved
