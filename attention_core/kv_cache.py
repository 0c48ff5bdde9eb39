"""Key/value caches for autoregressive decoding.

A decoder produces one token at a time. Its keys and values for earlier
positions do not change, so it stores them and computes only the new
position's query, key and value at each step. ``KVCache`` keeps every
position; ``RollingKVCache`` keeps the last ``window`` positions in a ring
buffer, as Mistral 7B does for sliding-window attention (Jiang et al. 2023).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_int, check_min_ndim
from .attention import scaled_dot_product_attention

__all__ = ["KVCache", "RollingKVCache", "decode_step", "decode_sequence"]


class KVCache:
    """Append-only cache of keys and values, growing without bound.

    The leading shape, ``d_k``, ``d_v`` and dtype are fixed by the first
    append. Storage grows by doubling, so ``n`` single-step appends copy
    O(n) elements in total.

    Examples
    --------
    >>> cache = KVCache()
    >>> keys, values = cache.append(np.ones((1, 4)), np.zeros((1, 2)))
    >>> keys, values = cache.append(np.ones((1, 4)), np.zeros((1, 2)))
    >>> len(cache), cache.keys.shape, cache.positions.tolist()
    (2, (2, 4), [0, 1])
    """

    def __init__(self) -> None:
        self._keys: np.ndarray | None = None
        self._values: np.ndarray | None = None
        self._length = 0

    def __len__(self) -> int:
        return self._length

    @property
    def keys(self) -> np.ndarray:
        """Cached keys in position order, shape (..., len(self), d_k)."""
        self._check_not_empty()
        return self._keys[..., : self._length, :]

    @property
    def values(self) -> np.ndarray:
        """Cached values in position order, shape (..., len(self), d_v)."""
        self._check_not_empty()
        return self._values[..., : self._length, :]

    @property
    def positions(self) -> np.ndarray:
        """Absolute position of each cached entry, shape (len(self),)."""
        return np.arange(self._length)

    @property
    def nbytes(self) -> int:
        """Bytes of the cached keys and values, excluding spare capacity."""
        if self._keys is None:
            return 0
        return self.keys.nbytes + self.values.nbytes

    def append(self, key, value) -> tuple[np.ndarray, np.ndarray]:
        """Append new positions and return all cached keys and values.

        Parameters
        ----------
        key : array_like, shape (..., n_new, d_k)
        value : array_like, shape (..., n_new, d_v)

        Returns
        -------
        keys : numpy.ndarray, shape (..., len(self), d_k)
        values : numpy.ndarray, shape (..., len(self), d_v)
            Views into the cache, valid until the next append.
        """
        k, v = _check_step(key, value, self._keys, self._values)
        n_new = k.shape[-2]

        # 1) On the first append, allocate storage for the shapes given.
        if self._keys is None:
            self._keys = _allocate(k, max(n_new, 16))
            self._values = _allocate(v, max(n_new, 16))

        # 2) Double the storage when the new positions do not fit.
        capacity = self._keys.shape[-2]
        if self._length + n_new > capacity:
            capacity = max(2 * capacity, self._length + n_new)
            self._keys = _grow(self._keys, self._length, capacity)
            self._values = _grow(self._values, self._length, capacity)

        # 3) Write the new positions after the cached ones.
        end = self._length + n_new
        self._keys[..., self._length : end, :] = k
        self._values[..., self._length : end, :] = v
        self._length = end
        return self.keys, self.values

    def _check_not_empty(self) -> None:
        if self._keys is None:
            raise ValueError("the cache is empty; append a key and value first")


class RollingKVCache:
    """Ring buffer that keeps the keys and values of the last ``window`` positions.

    Position ``p`` is stored in slot ``p % window`` and overwrites position
    ``p - window``, so memory stays at ``window`` entries however long the
    sequence grows. Attending to the whole buffer at each step equals causal
    sliding-window attention of width ``window``.

    Parameters
    ----------
    window : int
        Number of positions kept, at least 1.

    Examples
    --------
    >>> cache = RollingKVCache(window=2)
    >>> for t in range(3):
    ...     _ = cache.append(np.full((1, 1), float(t)), np.zeros((1, 1)))
    >>> cache.keys.ravel().tolist(), cache.positions.tolist()
    ([1.0, 2.0], [1, 2])
    """

    def __init__(self, window: int) -> None:
        self.window = check_int(window, "window", minimum=1)
        self._keys: np.ndarray | None = None
        self._values: np.ndarray | None = None
        self._n_seen = 0

    def __len__(self) -> int:
        """Number of positions in the buffer, at most ``window``."""
        return min(self._n_seen, self.window)

    @property
    def n_seen(self) -> int:
        """Number of positions appended since the cache was created."""
        return self._n_seen

    @property
    def positions(self) -> np.ndarray:
        """Absolute positions in the buffer, oldest first, shape (len(self),)."""
        return np.arange(self._n_seen - len(self), self._n_seen)

    @property
    def keys(self) -> np.ndarray:
        """Keys of the buffered positions, oldest first, shape (..., len, d_k)."""
        if self._keys is None:
            raise ValueError("the cache is empty; append a key and value first")
        return self._keys[..., self.positions % self.window, :]

    @property
    def values(self) -> np.ndarray:
        """Values of the buffered positions, oldest first, shape (..., len, d_v)."""
        if self._values is None:
            raise ValueError("the cache is empty; append a key and value first")
        return self._values[..., self.positions % self.window, :]

    @property
    def nbytes(self) -> int:
        """Bytes of the ring buffer, at most ``window`` keys and values."""
        if self._keys is None:
            return 0
        return self._keys.nbytes + self._values.nbytes

    def append(self, key, value) -> tuple[np.ndarray, np.ndarray]:
        """Append new positions, dropping the oldest beyond ``window``.

        Parameters
        ----------
        key : array_like, shape (..., n_new, d_k)
        value : array_like, shape (..., n_new, d_v)

        Returns
        -------
        keys : numpy.ndarray, shape (..., len(self), d_k)
        values : numpy.ndarray, shape (..., len(self), d_v)
            Copies in position order, oldest first.
        """
        k, v = _check_step(key, value, self._keys, self._values)
        if self._keys is None:
            self._keys = _allocate(k, self.window)
            self._values = _allocate(v, self.window)

        # Write each new position into its slot; when n_new > window only the
        # last window positions survive, exactly as with one-by-one appends.
        n_new = k.shape[-2]
        first_kept = max(0, n_new - self.window)
        positions = self._n_seen + np.arange(first_kept, n_new)
        self._keys[..., positions % self.window, :] = k[..., first_kept:, :]
        self._values[..., positions % self.window, :] = v[..., first_kept:, :]
        self._n_seen += n_new
        return self.keys, self.values


def _check_step(key, value, cached_keys, cached_values):
    """Validate one append against the shapes already in the cache."""
    k = as_float_array(key, "key")
    v = as_float_array(value, "value")
    check_min_ndim(k, "key", 2, "(..., n_new, d_k)")
    check_min_ndim(v, "value", 2, "(..., n_new, d_v)")
    if k.shape[:-1] != v.shape[:-1]:
        raise ValueError(
            f"key and value must agree in all but the last axis; "
            f"got key {k.shape} and value {v.shape}"
        )
    if cached_keys is not None:
        expected_k = cached_keys.shape[:-2] + (k.shape[-2],) + cached_keys.shape[-1:]
        expected_v = (
            cached_values.shape[:-2] + (v.shape[-2],) + cached_values.shape[-1:]
        )
        if k.shape != expected_k or v.shape != expected_v:
            raise ValueError(
                f"key and value must have shapes {expected_k} and {expected_v} "
                f"like the cached ones; got {k.shape} and {v.shape}"
            )
        k = k.astype(cached_keys.dtype, copy=False)
        v = v.astype(cached_values.dtype, copy=False)
    return k, v


def _allocate(like: np.ndarray, capacity: int) -> np.ndarray:
    shape = like.shape[:-2] + (capacity,) + like.shape[-1:]
    return np.zeros(shape, dtype=like.dtype)


def _grow(buffer: np.ndarray, length: int, capacity: int) -> np.ndarray:
    grown = _allocate(buffer, capacity)
    grown[..., :length, :] = buffer[..., :length, :]
    return grown


def decode_step(query, key, value, cache: KVCache | RollingKVCache, scale=None):
    """Decode one position: cache its key and value, then attend to the cache.

    Parameters
    ----------
    query : array_like, shape (..., 1, d_k)
    key : array_like, shape (..., 1, d_k)
    value : array_like, shape (..., 1, d_v)
        Query, key and value of the new position. For grouped-query decoding,
        shape the query (..., n_kv_heads, group, 1, d_k) and the key and value
        (..., n_kv_heads, 1, 1, d) so that they broadcast.
    cache : KVCache or RollingKVCache
        Updated in place.
    scale : float, optional
        Multiplier of the scores; defaults to ``1 / sqrt(d_k)``.

    Returns
    -------
    output : numpy.ndarray, shape (..., 1, d_v)
    weights : numpy.ndarray, shape (..., 1, len(cache))
        Weights over ``cache.positions``.

    Examples
    --------
    >>> cache = KVCache()
    >>> out, w = decode_step(np.ones((1, 2)), np.ones((1, 2)), np.ones((1, 2)), cache)
    >>> w.tolist()
    [[1.0]]
    """
    if not isinstance(cache, (KVCache, RollingKVCache)):
        raise TypeError(
            f"cache must be a KVCache or RollingKVCache; got {type(cache).__name__}"
        )
    q = as_float_array(query, "query")
    check_min_ndim(q, "query", 2, "(..., 1, d_k)")
    if q.shape[-2] != 1:
        raise ValueError(
            f"decode_step takes one position, query shape (..., 1, d_k); got {q.shape}"
        )

    # 1) Store the new key and value; the cache now ends at this position.
    keys, values = cache.append(key, value)

    # 2) Attend to every cached position. No mask is needed, because the cache
    #    contains only this position and earlier ones (within the window).
    return scaled_dot_product_attention(q, keys, values, scale=scale)


def decode_sequence(query, key, value, *, window: int | None = None, scale=None):
    """Decode a whole sequence token by token through a KV cache.

    The result equals full causal attention (``window=None``) or causal
    sliding-window attention of width ``window``, computed one position at a
    time as a decoder does.

    Parameters
    ----------
    query : array_like, shape (..., seq_len, d_k)
    key : array_like, shape (..., seq_len, d_k)
    value : array_like, shape (..., seq_len, d_v)
    window : int, optional
        Use a ``RollingKVCache`` of this width instead of a ``KVCache``.
    scale : float, optional
        Multiplier of the scores; defaults to ``1 / sqrt(d_k)``.

    Returns
    -------
    output : numpy.ndarray, shape (..., seq_len, d_v)
    weights : numpy.ndarray, shape (..., seq_len, seq_len)
        Step ``t``'s weights placed at the positions it attended to, zeros
        elsewhere, for comparison with the full weight matrix.

    Examples
    --------
    >>> x = np.eye(3)
    >>> out, w = decode_sequence(x, x, x, scale=0.0)
    >>> w.round(2).tolist()[2]
    [0.33, 0.33, 0.33]
    """
    q = as_float_array(query, "query")
    k = as_float_array(key, "key")
    check_min_ndim(q, "query", 2, "(..., seq_len, d_k)")
    check_min_ndim(k, "key", 2, "(..., seq_len, d_k)")
    if q.shape[-2] != k.shape[-2]:
        raise ValueError(
            f"query and key must have the same seq_len (axis -2); "
            f"got query {q.shape} and key {k.shape}"
        )
    v = as_float_array(value, "value")
    cache = KVCache() if window is None else RollingKVCache(window)
    seq_len = q.shape[-2]
    if seq_len == 0:
        raise ValueError(f"decode_sequence needs seq_len >= 1; got query {q.shape}")

    outputs, weights = [], None
    for t in range(seq_len):
        # 1) Feed position t alone, as a decoder would.
        step = slice(t, t + 1)
        out_t, weights_t = decode_step(
            q[..., step, :], k[..., step, :], v[..., step, :], cache, scale=scale
        )
        outputs.append(out_t)  # (..., 1, d_v)

        # 2) Record the step's weights at the absolute positions it used.
        if weights is None:
            weights = np.zeros(
                weights_t.shape[:-2] + (seq_len, seq_len), weights_t.dtype
            )
        weights[..., t, cache.positions] = weights_t[..., 0, :]
    output = np.concatenate(outputs, axis=-2)  # (..., seq_len, d_v)
    return output, weights
