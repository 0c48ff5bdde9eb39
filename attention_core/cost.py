"""Cost model of attention: FLOPs, memory traffic and KV-cache size.

Conventions: a multiply-add counts as 2 FLOPs, so a matrix product of
(m, k) by (k, n) costs ``2 * m * k * n``. Byte counts use the storage width
of the dtype, and sub-byte dtypes (int4, fp4) count half a byte per value,
as packed storage uses.
"""

from __future__ import annotations

import math

from ._validate import check_int

__all__ = [
    "DTYPE_BITS",
    "LAYER_TYPES",
    "COMPLEXITY_TABLE",
    "dtype_bits",
    "attention_flops",
    "projection_flops",
    "attention_bytes",
    "kv_cache_bytes_per_token",
    "kv_cache_bytes",
    "sliding_window_span",
    "layer_flops",
    "sequential_operations",
    "max_path_length",
]

# Storage width in bits of each dtype name.
DTYPE_BITS = {
    "fp64": 64,
    "fp32": 32,
    "fp16": 16,
    "bf16": 16,
    "fp8": 8,
    "fp8_e4m3": 8,
    "fp8_e5m2": 8,
    "int8": 8,
    "fp4": 4,
    "int4": 4,
}

# Layer types of Vaswani et al. (2017), Table 1.
LAYER_TYPES = (
    "self_attention",
    "recurrent",
    "convolutional",
    "restricted_self_attention",
)

# Table 1 of Vaswani et al. (2017): complexity per layer, sequential
# operations and maximum path length, for sequence length n, representation
# dimension d, kernel size k and neighborhood size r.
COMPLEXITY_TABLE = {
    "self_attention": ("O(n^2 · d)", "O(1)", "O(1)"),
    "recurrent": ("O(n · d^2)", "O(n)", "O(n)"),
    "convolutional": ("O(k · n · d^2)", "O(1)", "O(log_k(n))"),
    "restricted_self_attention": ("O(r · n · d)", "O(1)", "O(n/r)"),
}


def dtype_bits(dtype: str) -> int:
    """Return the storage width in bits of a dtype name from ``DTYPE_BITS``.

    Parameters
    ----------
    dtype : str
        A key of ``DTYPE_BITS`` or a numpy-style alias ("float16", "bfloat16",
        "float32", "float64"), in any case.

    Returns
    -------
    int

    Examples
    --------
    >>> dtype_bits("bf16"), dtype_bits("int4")
    (16, 4)
    """
    if not isinstance(dtype, str):
        raise TypeError(f"dtype must be a name such as 'fp16'; got {dtype!r}")
    name = dtype.lower()
    aliases = {
        "float64": "fp64",
        "float32": "fp32",
        "float16": "fp16",
        "bfloat16": "bf16",
    }
    name = aliases.get(name, name)
    if name not in DTYPE_BITS:
        raise ValueError(
            f"unknown dtype {dtype!r}; expected one of {', '.join(DTYPE_BITS)}"
        )
    return DTYPE_BITS[name]


def _bits_to_bytes(bits: int) -> int:
    # Every count here is a multiple of 2 * n_values * bits with bits >= 4,
    # so it is a whole number of bytes.
    assert bits % 8 == 0, bits
    return bits // 8


def _visible_pairs(seq_len_q: int, seq_len_k: int, causal: bool) -> int:
    """Count the (query, key) pairs that are not masked."""
    if not causal:
        return seq_len_q * seq_len_k
    # Query i attends to keys 0..i (top-left aligned), at most seq_len_k of them.
    full_rows = max(0, seq_len_q - seq_len_k)
    partial = min(seq_len_q, seq_len_k)
    return partial * (partial + 1) // 2 + full_rows * seq_len_k


def attention_flops(
    seq_len: int,
    n_heads: int,
    d_k: int,
    *,
    d_v: int | None = None,
    seq_len_k: int | None = None,
    causal: bool = False,
) -> int:
    """Count the FLOPs of the two matrix products of attention.

    ``Q K^T`` costs ``2 * d_k`` per (query, key) pair and head, and
    ``weights @ V`` costs ``2 * d_v``. The softmax (a few operations per
    score) and the projections (:func:`projection_flops`) are not included.

    Parameters
    ----------
    seq_len : int
        Number of queries.
    n_heads : int
        Number of query heads.
    d_k : int
        Width of a query/key head.
    d_v : int, optional
        Width of a value head; defaults to ``d_k``.
    seq_len_k : int, optional
        Number of keys; defaults to ``seq_len``.
    causal : bool
        Count only the pairs a causal mask keeps, as a kernel that skips
        masked work does.

    Returns
    -------
    int

    Examples
    --------
    >>> attention_flops(1024, 8, 64)  # 4 * n^2 * d_k * n_heads
    2147483648
    """
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    n_heads = check_int(n_heads, "n_heads", minimum=1)
    d_k = check_int(d_k, "d_k", minimum=1)
    d_v = d_k if d_v is None else check_int(d_v, "d_v", minimum=1)
    seq_len_k = (
        seq_len if seq_len_k is None else check_int(seq_len_k, "seq_len_k", minimum=1)
    )
    pairs = _visible_pairs(seq_len, seq_len_k, bool(causal))
    return 2 * pairs * n_heads * (d_k + d_v)


def projection_flops(
    seq_len: int, d_model: int, n_heads: int, d_head: int, n_kv_heads: int | None = None
) -> int:
    """Count the FLOPs of the Q, K, V and output projections of one layer.

    Parameters
    ----------
    seq_len : int
        Number of tokens projected.
    d_model : int
        Width of the model.
    n_heads : int
        Number of query heads.
    d_head : int
        Width of one head (``d_k = d_v``).
    n_kv_heads : int, optional
        Number of key/value heads; defaults to ``n_heads``.

    Returns
    -------
    int
        ``2 * seq_len * d_model * (2 * n_heads + 2 * n_kv_heads) * d_head``.

    Examples
    --------
    >>> projection_flops(1, 512, 8, 64)  # 4 matrices of 512 x 512
    2097152
    """
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    d_model = check_int(d_model, "d_model", minimum=1)
    n_heads = check_int(n_heads, "n_heads", minimum=1)
    d_head = check_int(d_head, "d_head", minimum=1)
    n_kv_heads = n_heads if n_kv_heads is None else n_kv_heads
    n_kv_heads = check_int(n_kv_heads, "n_kv_heads", minimum=1)
    _check_divides(n_heads, n_kv_heads)
    widths = (2 * n_heads + 2 * n_kv_heads) * d_head  # W_q, W_o and W_k, W_v
    return 2 * seq_len * d_model * widths


def _check_divides(n_heads: int, n_kv_heads: int) -> None:
    if n_heads % n_kv_heads:
        raise ValueError(f"n_kv_heads={n_kv_heads} does not divide n_heads={n_heads}")


def attention_bytes(
    seq_len: int,
    n_heads: int,
    d_k: int,
    *,
    dtype: str = "fp32",
    n_kv_heads: int | None = None,
    tiled: bool = False,
    block_size_q: int = 128,
) -> int:
    """Estimate the bytes attention moves between main memory and the core.

    An estimate that ignores caches, in the model of Dao et al. (2022),
    section 3.2. Both ways read Q, K, V once each and write the output once.
    The naive way also writes the (n, n) scores, reads them for the softmax,
    writes the weights and reads them for ``weights @ V``: 4 n^2 values per
    head. The tiled way never stores scores, but reads K and V once per query
    block: ``ceil(n / block_size_q)`` times.

    Parameters
    ----------
    seq_len : int
        Sequence length n (queries = keys).
    n_heads : int
        Number of query heads.
    d_k : int
        Width of a head (``d_v = d_k``).
    dtype : str
        A name from ``DTYPE_BITS``.
    n_kv_heads : int, optional
        Number of key/value heads; defaults to ``n_heads``.
    tiled : bool
        Count the tiled (FlashAttention) traffic instead of the naive one.
    block_size_q : int
        Queries per block of the tiled way.

    Returns
    -------
    int

    Examples
    --------
    >>> attention_bytes(1024, 1, 64, dtype="fp16")  # 4 n d + 4 n^2 values
    8912896
    """
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    n_heads = check_int(n_heads, "n_heads", minimum=1)
    d_k = check_int(d_k, "d_k", minimum=1)
    n_kv_heads = n_heads if n_kv_heads is None else n_kv_heads
    n_kv_heads = check_int(n_kv_heads, "n_kv_heads", minimum=1)
    _check_divides(n_heads, n_kv_heads)
    block_size_q = check_int(block_size_q, "block_size_q", minimum=1)
    bits = dtype_bits(dtype)

    # 1) Q read and output written, per query head; K and V per key/value head.
    q_and_output = 2 * seq_len * d_k * n_heads
    k_and_v = 2 * seq_len * d_k * n_kv_heads

    # 2) The naive way stores the scores; the tiled way rereads K and V.
    if tiled:
        values = q_and_output + k_and_v * math.ceil(seq_len / block_size_q)
    else:
        values = q_and_output + k_and_v + 4 * seq_len * seq_len * n_heads
    return _bits_to_bytes(values * bits)


def kv_cache_bytes_per_token(
    n_layers: int, n_kv_heads: int, d_head: int, dtype: str = "fp16"
) -> int:
    """Compute the KV-cache bytes one token adds: a key and a value per layer.

    ``2 * n_layers * n_kv_heads * d_head * bytes_per_value``. Multi-head
    attention has ``n_kv_heads = n_heads``, multi-query attention 1.

    Parameters
    ----------
    n_layers : int
    n_kv_heads : int
    d_head : int
    dtype : str
        A name from ``DTYPE_BITS``, for example "fp16", "bf16", "int8", "int4".

    Returns
    -------
    int

    Examples
    --------
    >>> kv_cache_bytes_per_token(32, 8, 128, "bf16")  # Llama 3 8B: 128 KiB
    131072
    """
    n_layers = check_int(n_layers, "n_layers", minimum=1)
    n_kv_heads = check_int(n_kv_heads, "n_kv_heads", minimum=1)
    d_head = check_int(d_head, "d_head", minimum=1)
    return _bits_to_bytes(2 * n_layers * n_kv_heads * d_head * dtype_bits(dtype))


def kv_cache_bytes(
    n_layers: int,
    n_kv_heads: int,
    d_head: int,
    seq_len: int,
    *,
    dtype: str = "fp16",
    batch: int = 1,
    window: int | None = None,
) -> int:
    """Compute the KV-cache bytes of ``batch`` sequences of ``seq_len`` tokens.

    With a sliding window the cache is a rolling buffer that contains at most
    ``window`` tokens per sequence, however long the sequence.

    Parameters
    ----------
    n_layers, n_kv_heads, d_head : int
        As in :func:`kv_cache_bytes_per_token`.
    seq_len : int
        Tokens per sequence.
    dtype : str
        A name from ``DTYPE_BITS``.
    batch : int
        Number of sequences.
    window : int, optional
        Sliding-window width; caps the cached tokens.

    Returns
    -------
    int

    Examples
    --------
    >>> kv_cache_bytes(32, 8, 128, 16384, window=4096) // 2**20  # MiB
    512
    """
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    batch = check_int(batch, "batch", minimum=1)
    cached = seq_len
    if window is not None:
        cached = min(seq_len, check_int(window, "window", minimum=1))
    per_token = kv_cache_bytes_per_token(n_layers, n_kv_heads, d_head, dtype)
    return batch * cached * per_token


def sliding_window_span(window: int, n_layers: int) -> int:
    """Compute how far back information reaches through stacked windows.

    Each layer lets a position read ``window`` positions back, so after
    ``n_layers`` layers information can come from ``window * n_layers``
    positions back (Jiang et al. 2023, section 2).

    Parameters
    ----------
    window : int
        Sliding-window width of every layer.
    n_layers : int
        Number of stacked layers.

    Returns
    -------
    int
        Number of positions back that the last layer can draw on.

    Examples
    --------
    >>> sliding_window_span(4096, 32)  # Mistral 7B
    131072
    """
    window = check_int(window, "window", minimum=1)
    n_layers = check_int(n_layers, "n_layers", minimum=1)
    return window * n_layers


def _check_layer_type(layer_type: str) -> str:
    if layer_type not in LAYER_TYPES:
        raise ValueError(
            f"unknown layer_type {layer_type!r}; "
            f"expected one of {', '.join(LAYER_TYPES)}"
        )
    return layer_type


def layer_flops(
    layer_type: str,
    seq_len: int,
    d: int,
    *,
    kernel_size: int | None = None,
    neighborhood: int | None = None,
) -> int:
    """Count the FLOPs of one layer type of Vaswani et al. (2017), Table 1.

    - self_attention: ``Q K^T`` and ``weights @ V`` on d-wide vectors,
      ``4 n^2 d``, which is O(n^2 d).
    - recurrent: per step a (d, d) product with the state and one with the
      input, ``4 n d^2``, which is O(n d^2).
    - convolutional: ``kernel_size`` (d, d) products per position,
      ``2 k n d^2``, which is O(k n d^2).
    - restricted_self_attention: as self-attention, with each query reading
      only ``neighborhood`` keys, ``4 r n d``, which is O(r n d).

    Projections, which every type shares, are not counted.

    Parameters
    ----------
    layer_type : str
        One of ``LAYER_TYPES``.
    seq_len : int
        Sequence length n.
    d : int
        Representation dimension.
    kernel_size : int
        k, required for "convolutional".
    neighborhood : int
        r, required for "restricted_self_attention".

    Returns
    -------
    int

    Examples
    --------
    >>> layer_flops("self_attention", 100, 512) < layer_flops("recurrent", 100, 512)
    True
    """
    _check_layer_type(layer_type)
    n = check_int(seq_len, "seq_len", minimum=1)
    d = check_int(d, "d", minimum=1)
    if layer_type == "self_attention":
        return 4 * n * n * d
    if layer_type == "recurrent":
        return 4 * n * d * d
    if layer_type == "convolutional":
        k = _require(kernel_size, "kernel_size", layer_type)
        return 2 * k * n * d * d
    r = _require(neighborhood, "neighborhood", layer_type)
    return 4 * r * n * d


def _require(value, name: str, layer_type: str) -> int:
    if value is None:
        raise ValueError(f"{name} is required for layer_type={layer_type!r}")
    return check_int(value, name, minimum=1)


def sequential_operations(layer_type: str, seq_len: int) -> int:
    """Count the operations of one layer that must run one after another.

    A recurrent layer needs ``seq_len`` steps in order; the other types
    process all positions at once.

    Parameters
    ----------
    layer_type : str
        One of ``LAYER_TYPES``.
    seq_len : int
        Sequence length n.

    Returns
    -------
    int

    Examples
    --------
    >>> sequential_operations("recurrent", 50)
    50
    >>> sequential_operations("self_attention", 50)
    1
    """
    _check_layer_type(layer_type)
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    return seq_len if layer_type == "recurrent" else 1


def max_path_length(
    layer_type: str,
    seq_len: int,
    *,
    kernel_size: int | None = None,
    neighborhood: int | None = None,
    dilated: bool = True,
) -> int:
    """Count the layers a signal crosses between the two most distant positions.

    - self_attention: 1, every position reads every other.
    - recurrent: ``seq_len``, one step per position.
    - convolutional: ``ceil(log_k(n))`` with dilated convolutions, or
      ``ceil(n / k)`` with contiguous kernels.
    - restricted_self_attention: ``ceil(n / r)``.

    The table gives orders of growth. These are the whole-layer counts behind
    them, with no constant factors.

    Parameters
    ----------
    layer_type : str
        One of ``LAYER_TYPES``.
    seq_len : int
        Sequence length n.
    kernel_size : int
        k, required for "convolutional"; at least 2 when ``dilated``.
    neighborhood : int
        r, required for "restricted_self_attention".
    dilated : bool
        For "convolutional": dilated kernels (True) or contiguous ones.

    Returns
    -------
    int

    Examples
    --------
    >>> max_path_length("convolutional", 1024, kernel_size=2)
    10
    """
    _check_layer_type(layer_type)
    n = check_int(seq_len, "seq_len", minimum=1)
    if layer_type == "self_attention":
        return 1
    if layer_type == "recurrent":
        return n
    if layer_type == "convolutional":
        k = _require(kernel_size, "kernel_size", layer_type)
        if not dilated:
            return math.ceil(n / k)
        if k == 1:
            raise ValueError("kernel_size must be at least 2 for dilated convolutions")
        # An integer loop, because math.log(n, k) is a ratio of floats that can
        # land just below a whole number: math.log(243, 3) == 4.999999999999999.
        layers, reach = 0, 1
        while reach < n:
            reach *= k
            layers += 1
        return layers
    r = _require(neighborhood, "neighborhood", layer_type)
    return math.ceil(n / r)
