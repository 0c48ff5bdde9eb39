"""Attention masks as boolean arrays: True where a query may attend to a key.

Row ``i`` of a mask belongs to query position ``i`` and column ``j`` to key
position ``j``. Every function returns a new array of dtype bool that
``scaled_dot_product_attention`` accepts as ``mask``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validate import check_bool_mask, check_int

__all__ = [
    "causal_mask",
    "padding_mask",
    "sliding_window_mask",
    "dilated_mask",
    "global_mask",
    "block_sparse_layout",
    "block_sparse_mask",
    "combine_masks",
    "mask_to_bias",
]


def causal_mask(seq_len: int) -> np.ndarray:
    """Build the causal mask: query ``i`` may attend to keys ``0..i``.

    Parameters
    ----------
    seq_len : int
        Number of positions, at least 1.

    Returns
    -------
    numpy.ndarray of bool, shape (seq_len, seq_len)
        True on and below the diagonal.

    Examples
    --------
    >>> causal_mask(3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    return np.tril(np.ones((seq_len, seq_len), dtype=bool))


def padding_mask(lengths, seq_len: int | None = None, *, mask_queries: bool = False):
    """Build the mask of a padded batch from the true length of each sequence.

    Parameters
    ----------
    lengths : array_like of int, shape (batch,)
        Number of real tokens at the start of each sequence, from 0 to
        ``seq_len``.
    seq_len : int, optional
        Padded length; defaults to ``max(lengths)``.
    mask_queries : bool
        If True, padding queries are masked too, so their rows are all False
        (and attention returns zeros there). By default only padding keys are
        masked, which is what an encoder needs.

    Returns
    -------
    numpy.ndarray of bool, shape (batch, seq_len, seq_len)
        Add a head axis with ``mask[:, None]`` for inputs shaped
        (batch, n_heads, seq_len, d_k).

    Examples
    --------
    >>> padding_mask([2, 3]).astype(int).tolist()[0]
    [[1, 1, 0], [1, 1, 0], [1, 1, 0]]
    """
    lengths = _check_lengths(lengths)
    if seq_len is None:
        seq_len = int(lengths.max()) if lengths.size else 0
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    if lengths.size and lengths.max() > seq_len:
        raise ValueError(
            f"every length must be at most seq_len={seq_len}; "
            f"got lengths {lengths.tolist()}"
        )
    positions = np.arange(seq_len)
    is_token = positions[None, :] < lengths[:, None]  # (batch, seq_len)
    mask = np.broadcast_to(is_token[:, None, :], (lengths.size, seq_len, seq_len))
    if mask_queries:
        mask = mask & is_token[:, :, None]  # (batch, seq_len, seq_len)
    return mask.copy()


def _check_lengths(lengths) -> np.ndarray:
    array = np.asarray(lengths)
    if array.dtype == bool or array.dtype.kind not in "iu":
        raise TypeError(f"lengths must be an array of ints; got dtype {array.dtype}")
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"lengths must have shape (batch,) with batch >= 1; got shape {array.shape}"
        )
    if array.min() < 0:
        raise ValueError(f"lengths must be >= 0; got {array.tolist()}")
    return array.astype(np.int64)


def _offsets(seq_len: int) -> np.ndarray:
    """Return ``i - j`` for query ``i`` and key ``j``, shape (seq_len, seq_len)."""
    positions = np.arange(seq_len)
    return positions[:, None] - positions[None, :]  # (seq_len, seq_len)


def sliding_window_mask(seq_len: int, window: int, *, causal: bool = True):
    """Build a sliding-window (local) mask of width ``window``.

    Causal: query ``i`` attends to the ``window`` most recent keys, itself
    included, that is keys ``i - window + 1 .. i`` (the convention of
    Mistral's rolling KV cache, which holds exactly ``window`` keys). Two-sided:
    query ``i`` attends to keys within ``window // 2`` positions on either
    side (Longformer, Beltagy et al. 2020).

    Parameters
    ----------
    seq_len : int
        Number of positions, at least 1.
    window : int
        Width of the window, at least 1.
    causal : bool
        Look only backwards (True) or to both sides (False).

    Returns
    -------
    numpy.ndarray of bool, shape (seq_len, seq_len)

    Examples
    --------
    >>> sliding_window_mask(4, 2).astype(int).tolist()
    [[1, 0, 0, 0], [1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]]
    >>> sliding_window_mask(4, 2, causal=False).astype(int).tolist()[1]
    [1, 1, 1, 0]
    """
    return dilated_mask(seq_len, window, dilation=1, causal=causal)


def dilated_mask(seq_len: int, window: int, dilation: int, *, causal: bool = True):
    """Build a dilated (strided) sliding-window mask.

    The window has ``window`` slots spaced ``dilation`` positions apart, so it
    covers ``(window - 1) * dilation + 1`` positions with gaps, as in
    Longformer's dilated sliding window. ``dilation=1`` is the plain sliding
    window. Causal: keys ``i - m * dilation`` for ``m = 0 .. window - 1``.
    Two-sided: keys ``i ± m * dilation`` for ``m = 0 .. window // 2``.

    Parameters
    ----------
    seq_len : int
        Number of positions, at least 1.
    window : int
        Number of slots, at least 1.
    dilation : int
        Distance between slots, at least 1.
    causal : bool
        Look only backwards (True) or to both sides (False).

    Returns
    -------
    numpy.ndarray of bool, shape (seq_len, seq_len)

    Examples
    --------
    >>> dilated_mask(5, 2, dilation=2).astype(int).tolist()[4]
    [0, 0, 1, 0, 1]
    """
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    window = check_int(window, "window", minimum=1)
    dilation = check_int(dilation, "dilation", minimum=1)
    offsets = _offsets(seq_len)
    on_stride = offsets % dilation == 0
    if causal:
        in_window = (offsets >= 0) & (offsets < window * dilation)
    else:
        in_window = np.abs(offsets) <= (window // 2) * dilation
    return on_stride & in_window


def global_mask(seq_len: int, global_tokens: Sequence[int]) -> np.ndarray:
    """Build the global-attention mask of Longformer (Beltagy et al. 2020).

    A global token attends to every position and every position attends to
    it. Combine the result with a window mask through
    ``combine_masks(window, global, op="or")``.

    Parameters
    ----------
    seq_len : int
        Number of positions, at least 1.
    global_tokens : sequence of int
        Positions of the global tokens, each in ``0 .. seq_len - 1``;
        negative positions count from the end.

    Returns
    -------
    numpy.ndarray of bool, shape (seq_len, seq_len)
        True in the rows and columns of the global tokens.

    Examples
    --------
    >>> global_mask(3, [0]).astype(int).tolist()
    [[1, 1, 1], [1, 0, 0], [1, 0, 0]]
    """
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    is_global = _positions_to_flags(global_tokens, seq_len, "global_tokens")
    return is_global[:, None] | is_global[None, :]  # (seq_len, seq_len)


def _positions_to_flags(positions, size: int, name: str) -> np.ndarray:
    """Turn a list of positions in ``range(size)`` into a bool vector."""
    array = np.asarray(positions)
    if array.size == 0:
        return np.zeros(size, dtype=bool)
    if array.dtype == bool or array.dtype.kind not in "iu" or array.ndim != 1:
        raise TypeError(
            f"{name} must be a 1-D sequence of ints; got {np.asarray(positions)!r}"
        )
    if array.min() < -size or array.max() >= size:
        raise ValueError(
            f"{name} must lie in -{size} .. {size - 1}; got {array.tolist()}"
        )
    flags = np.zeros(size, dtype=bool)
    flags[array] = True
    return flags


def block_sparse_layout(
    n_blocks: int,
    *,
    n_window_blocks: int = 3,
    global_blocks: Sequence[int] = (0,),
    n_random_blocks: int = 1,
    seed: int = 0,
) -> np.ndarray:
    """Choose which key blocks each query block attends to, as in BigBird.

    BigBird (Zaheer et al. 2020) combines three patterns over blocks of
    tokens: a sliding window of blocks, global blocks (their rows and
    columns are full) and, for every other query block, ``n_random_blocks``
    key blocks drawn at random from those not yet attended.

    Parameters
    ----------
    n_blocks : int
        Number of blocks along the sequence, at least 1.
    n_window_blocks : int
        Odd width of the block window: block ``b`` attends to blocks
        ``b - n_window_blocks // 2 .. b + n_window_blocks // 2``.
    global_blocks : sequence of int
        Indices of the global blocks.
    n_random_blocks : int
        Random key blocks per non-global query block, at least 0. A row with
        fewer free blocks gets all of them.
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same
        layout on every platform.

    Returns
    -------
    numpy.ndarray of bool, shape (n_blocks, n_blocks)
        True where a query block attends to a key block.

    Examples
    --------
    >>> layout = block_sparse_layout(4, n_random_blocks=0)
    >>> layout.astype(int).tolist()
    [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 1, 1], [1, 0, 1, 1]]
    """
    n_blocks = check_int(n_blocks, "n_blocks", minimum=1)
    n_window_blocks = check_int(n_window_blocks, "n_window_blocks", minimum=1)
    if n_window_blocks % 2 == 0:
        raise ValueError(
            f"n_window_blocks must be odd, so the window is centred; "
            f"got {n_window_blocks}"
        )
    n_random_blocks = check_int(n_random_blocks, "n_random_blocks", minimum=0)
    seed = check_int(seed, "seed", minimum=0)
    is_global = _positions_to_flags(global_blocks, n_blocks, "global_blocks")

    # 1) Sliding window over blocks and the rows and columns of global blocks.
    layout = sliding_window_mask(n_blocks, n_window_blocks, causal=False)
    layout |= is_global[:, None] | is_global[None, :]  # (n_blocks, n_blocks)

    # 2) Random blocks for each non-global row, drawn among the free blocks.
    #    Ranking uniform draws (rng.random) with a stable argsort avoids
    #    Generator.choice, so the layout depends only on the uniform stream.
    #    The cross-runtime test checks it on numpy 2.0.2 and the current numpy.
    rng = np.random.default_rng(seed)
    for row in range(n_blocks):
        if is_global[row] or n_random_blocks == 0:
            continue
        free = np.flatnonzero(~layout[row])
        draws = rng.random(free.size)
        chosen = free[np.argsort(draws, kind="stable")[:n_random_blocks]]
        layout[row, chosen] = True
    return layout


def block_sparse_mask(
    seq_len: int,
    block_size: int,
    *,
    n_window_blocks: int = 3,
    global_blocks: Sequence[int] = (0,),
    n_random_blocks: int = 1,
    seed: int = 0,
) -> np.ndarray:
    """Build a BigBird block-sparse mask at token level.

    Splits the sequence into blocks of ``block_size`` tokens (the last one may
    be shorter), chooses the blocks with :func:`block_sparse_layout` and
    expands the layout to tokens.

    Parameters
    ----------
    seq_len : int
        Number of positions, at least 1.
    block_size : int
        Tokens per block, at least 1.
    n_window_blocks, global_blocks, n_random_blocks, seed
        As in :func:`block_sparse_layout`.

    Returns
    -------
    numpy.ndarray of bool, shape (seq_len, seq_len)

    Examples
    --------
    >>> mask = block_sparse_mask(8, 2, n_random_blocks=0)
    >>> mask.astype(int).tolist()[7]
    [1, 1, 0, 0, 1, 1, 1, 1]
    """
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    block_size = check_int(block_size, "block_size", minimum=1)
    n_blocks = -(-seq_len // block_size)
    layout = block_sparse_layout(
        n_blocks,
        n_window_blocks=n_window_blocks,
        global_blocks=global_blocks,
        n_random_blocks=n_random_blocks,
        seed=seed,
    )
    block_of = np.arange(seq_len) // block_size  # (seq_len,)
    return layout[block_of[:, None], block_of[None, :]]  # (seq_len, seq_len)


def combine_masks(*masks, op: str = "and") -> np.ndarray:
    """Combine boolean masks position by position.

    ``"and"`` keeps a position only where every mask allows it (causal and
    padding); ``"or"`` allows it where any mask does (window or global).

    Parameters
    ----------
    *masks : array_like of bool
        At least one mask; the shapes broadcast against each other.
    op : {"and", "or"}

    Returns
    -------
    numpy.ndarray of bool, the broadcast shape of the masks

    Examples
    --------
    >>> window = sliding_window_mask(3, 1, causal=False)
    >>> combine_masks(window, global_mask(3, [0]), op="or").astype(int).tolist()
    [[1, 1, 1], [1, 1, 0], [1, 0, 1]]
    """
    if op not in ("and", "or"):
        raise ValueError(f'op must be "and" or "or"; got {op!r}')
    if not masks:
        raise ValueError("combine_masks needs at least one mask; got none")
    arrays = [check_bool_mask(mask, f"masks[{i}]") for i, mask in enumerate(masks)]
    try:
        shape = np.broadcast_shapes(*(array.shape for array in arrays))
    except ValueError as err:
        shapes = [array.shape for array in arrays]
        raise ValueError(f"mask shapes {shapes} do not broadcast") from err
    reduce = np.logical_and if op == "and" else np.logical_or
    combined = np.broadcast_to(arrays[0], shape).copy()
    for array in arrays[1:]:
        reduce(combined, array, out=combined)
    return combined


def mask_to_bias(mask, dtype=np.float64) -> np.ndarray:
    """Convert a boolean mask to an additive one: 0 where True, ``-inf`` else.

    Parameters
    ----------
    mask : array_like of bool, any shape
    dtype : float dtype
        float32 or float64.

    Returns
    -------
    numpy.ndarray of ``dtype``, same shape as ``mask``

    Examples
    --------
    >>> mask_to_bias([True, False]).tolist()
    [0.0, -inf]
    """
    mask = check_bool_mask(mask)
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"dtype must be float32 or float64; got {dtype}")
    bias = np.zeros(mask.shape, dtype=dtype)
    bias[~mask] = -np.inf
    return bias
