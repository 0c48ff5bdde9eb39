"""Every input check: the exception type and a message naming the problem."""

from __future__ import annotations

import numpy as np
import pytest

import attention_core as ac

X = np.ones((3, 4))
P = ac.init_projections(8, 4)
X8 = np.ones((3, 8))
ADDITIVE = ac.init_additive_params(4, 4, 5)


def bad_projection(**replace):
    return P._replace(**replace)


CASES = [
    # softmax and the shared array checks
    ("softmax NaN", lambda: ac.softmax([1.0, np.nan]), ValueError,
     r"x must contain only finite values or -inf; got nan at index \(1,\)"),
    ("softmax +inf", lambda: ac.softmax([np.inf]), ValueError, "finite values or -inf"),
    ("softmax scalar", lambda: ac.softmax(1.0), ValueError, "at least 1 dimension"),
    ("softmax axis range", lambda: ac.softmax(X, axis=2), ValueError,
     "axis=2 is out of range for an array with 2 dimensions"),
    ("softmax axis type", lambda: ac.softmax(X, axis=1.0), TypeError,
     "axis must be an int; got float"),
    ("softmax strings", lambda: ac.softmax(["a"]), TypeError,
     "x must be an array of real numbers"),
    ("softmax complex", lambda: ac.softmax([1j]), TypeError, "got dtype complex128"),
    ("softmax ragged", lambda: ac.softmax([[1.0], [1.0, 2.0]]), TypeError,
     "x must be an array of numbers"),
    # scaled dot-product attention
    ("sdpa d_k", lambda: ac.scaled_dot_product_attention(X, np.ones((3, 5)), X),
     ValueError, r"same last dimension d_k; got query \(3, 4\) and key \(3, 5\)"),
    ("sdpa seq_len_k", lambda: ac.scaled_dot_product_attention(X, X, np.ones((2, 4))),
     ValueError, "same seq_len_k"),
    ("sdpa 1-D", lambda: ac.scaled_dot_product_attention(np.ones(4), X, X),
     ValueError, r"query must have shape \(\.\.\., seq_len_q, d_k\); got shape \(4,\)"),
    ("sdpa batch", lambda: ac.scaled_dot_product_attention(
        np.ones((2, 3, 4)), np.ones((3, 3, 4)), np.ones((3, 3, 4))),
     ValueError, "do not broadcast"),
    ("sdpa NaN", lambda: ac.scaled_dot_product_attention(X * np.nan, X, X),
     ValueError, "query must contain only finite values"),
    ("sdpa -inf key", lambda: ac.scaled_dot_product_attention(X, X * -np.inf, X),
     ValueError, "key must contain only finite values"),
    ("sdpa mask shape", lambda: ac.scaled_dot_product_attention(
        X, X, X, mask=np.ones((2, 2), bool)),
     ValueError, r"mask of shape \(2, 2\) does not broadcast to the scores"),
    ("sdpa mask grows", lambda: ac.scaled_dot_product_attention(
        X, X, X, mask=np.ones((5, 3, 3), bool)), ValueError, "does not broadcast"),
    ("sdpa mask int", lambda: ac.scaled_dot_product_attention(
        X, X, X, mask=np.ones((3, 3), int)), TypeError, "got dtype int64"),
    ("sdpa mask NaN", lambda: ac.scaled_dot_product_attention(
        X, X, X, mask=np.full((3, 3), np.nan)), ValueError, "mask must contain only"),
    ("sdpa scale inf", lambda: ac.scaled_dot_product_attention(X, X, X, scale=np.inf),
     ValueError, "scale must be finite; got inf"),
    ("sdpa scale str", lambda: ac.scaled_dot_product_attention(X, X, X, scale="1"),
     TypeError, "scale must be a real number; got str"),
    # masks
    ("causal zero", lambda: ac.causal_mask(0), ValueError,
     "seq_len must be at least 1; got 0"),
    ("causal float", lambda: ac.causal_mask(3.0), TypeError,
     "seq_len must be an int; got float"),
    ("causal bool", lambda: ac.causal_mask(True), TypeError, "got bool"),
    ("window zero", lambda: ac.sliding_window_mask(4, 0), ValueError,
     "window must be at least 1; got 0"),
    ("dilation zero", lambda: ac.dilated_mask(4, 2, 0), ValueError,
     "dilation must be at least 1; got 0"),
    ("lengths float", lambda: ac.padding_mask([1.5]), TypeError,
     "lengths must be an array of ints; got dtype float64"),
    ("lengths 2-D", lambda: ac.padding_mask([[1]]), ValueError,
     r"lengths must have shape \(batch,\)"),
    ("lengths negative", lambda: ac.padding_mask([-1, 2]), ValueError,
     r"lengths must be >= 0; got \[-1, 2\]"),
    ("lengths too long", lambda: ac.padding_mask([5], seq_len=3), ValueError,
     r"every length must be at most seq_len=3; got lengths \[5\]"),
    ("global range", lambda: ac.global_mask(3, [3]), ValueError,
     r"global_tokens must lie in -3 \.\. 2; got \[3\]"),
    ("global float", lambda: ac.global_mask(3, [0.5]), TypeError,
     "global_tokens must be a 1-D sequence of ints"),
    ("window blocks even", lambda: ac.block_sparse_layout(4, n_window_blocks=2),
     ValueError, "n_window_blocks must be odd"),
    ("random blocks negative", lambda: ac.block_sparse_layout(4, n_random_blocks=-1),
     ValueError, "n_random_blocks must be at least 0"),
    ("seed negative", lambda: ac.block_sparse_mask(8, 2, seed=-1), ValueError,
     "seed must be at least 0"),
    ("block size zero", lambda: ac.block_sparse_mask(8, 0), ValueError,
     "block_size must be at least 1"),
    ("combine op", lambda: ac.combine_masks(ac.causal_mask(2), op="xor"), ValueError,
     "op must be \"and\" or \"or\"; got 'xor'"),
    ("combine none", lambda: ac.combine_masks(), ValueError, "at least one mask"),
    ("combine shapes", lambda: ac.combine_masks(ac.causal_mask(2), ac.causal_mask(3)),
     ValueError, r"mask shapes \[\(2, 2\), \(3, 3\)\] do not broadcast"),
    ("combine float", lambda: ac.combine_masks(np.ones((2, 2))), TypeError,
     "masks\\[0\\] must be a bool array; got dtype float64"),
    ("bias dtype", lambda: ac.mask_to_bias(ac.causal_mask(2), dtype=np.int32),
     TypeError, "dtype must be float32 or float64; got int32"),
    # multi-head and grouped-query attention
    ("heads divide d_model", lambda: ac.init_projections(100, 12), ValueError,
     "n_heads=12 does not divide d_model=100"),
    ("kv heads divide", lambda: ac.init_projections(12, 4, 3), ValueError,
     "n_kv_heads=3 does not divide n_heads=4"),
    ("init dtype", lambda: ac.init_projections(8, 2, dtype=np.int64), TypeError,
     "dtype must be float32 or float64"),
    ("projections type", lambda: ac.multi_head_attention(X8, X8, X8, (1, 2, 3, 4), 4),
     TypeError, "projections must be a Projections"),
    ("projection 1-D", lambda: ac.multi_head_attention(
        X8, X8, X8, bad_projection(w_q=np.ones(8)), 4),
     ValueError, r"w_q must be a 2-D matrix; got shape \(8,\)"),
    ("query d_model", lambda: ac.multi_head_attention(X, X8, X8, P, 4), ValueError,
     r"query must have last dimension d_model=8 \(rows of w_q\); got shape \(3, 4\)"),
    ("key value seq", lambda: ac.multi_head_attention(X8, X8, np.ones((2, 8)), P, 4),
     ValueError, "key and value must have the same seq_len_k"),
    ("w_k rows", lambda: ac.multi_head_attention(
        X8, X8, X8, bad_projection(w_k=np.ones((4, 8))), 4),
     ValueError, "w_k must have d_model=8 rows like w_q"),
    ("w_o columns", lambda: ac.multi_head_attention(
        X8, X8, X8, bad_projection(w_o=np.ones((8, 4))), 4),
     ValueError, "w_o must have d_model=8 columns"),
    ("heads divide w_q", lambda: ac.multi_head_attention(X8, X8, X8, P, 3),
     ValueError, r"n_heads=3 does not divide the width of w_q \(n_heads \* d_k\), 8"),
    ("w_k columns", lambda: ac.grouped_query_attention(X8, X8, X8, P, 4, 2),
     ValueError, r"w_k must have n_kv_heads \* d_k = 2 \* 2 columns"),
    ("w_v width", lambda: ac.multi_head_attention(
        X8, X8, X8, bad_projection(w_v=np.ones((8, 6))), 4),
     ValueError, "n_kv_heads=4 does not divide the width of w_v"),
    ("w_o rows", lambda: ac.multi_head_attention(
        X8, X8, X8, bad_projection(w_o=np.ones((4, 8))), 4),
     ValueError, r"w_o must have n_heads \* d_v = 4 \* 2 rows"),
    ("gqa kv divide", lambda: ac.grouped_query_attention(X8, X8, X8, P, 4, 3),
     ValueError, "n_kv_heads=3 does not divide n_heads=4"),
    ("split width", lambda: ac.split_heads(np.ones((2, 5)), 2), ValueError,
     "n_heads=2 does not divide the last axis 5"),
    ("merge ndim", lambda: ac.merge_heads(np.ones((2, 5))), ValueError,
     r"x must have shape \(\.\.\., n_heads, seq_len, d\)"),
    ("gqa value heads", lambda: ac.grouped_dot_product_attention(
        np.ones((4, 2, 3)), np.ones((2, 2, 3)), np.ones((1, 2, 3))),
     ValueError, "key and value must have the same n_kv_heads"),
    ("gqa heads divide", lambda: ac.grouped_dot_product_attention(
        np.ones((4, 2, 3)), np.ones((3, 2, 3)), np.ones((3, 2, 3))),
     ValueError, "n_kv_heads=3 does not divide n_heads=4"),
    ("gqa mask heads", lambda: ac.grouped_dot_product_attention(
        np.ones((4, 2, 3)), np.ones((2, 2, 3)), np.ones((2, 2, 3)),
        mask=np.ones((3, 2, 2), bool)),
     ValueError, r"mask axis -3 must be 1 or n_heads=4; got shape \(3, 2, 2\)"),
    ("gqa 2-D", lambda: ac.grouped_dot_product_attention(X, X, X), ValueError,
     r"query must have shape \(\.\.\., n_heads, seq_len_q, d_k\)"),
    ("repeat_kv n_rep", lambda: ac.repeat_kv(np.ones((2, 2, 2)), 0), ValueError,
     "n_rep must be at least 1"),
    ("pool type", lambda: ac.pool_kv_heads(None, 4, 2), TypeError,
     "projections must be a Projections"),
    ("pool divide", lambda: ac.pool_kv_heads(P, 4, 3), ValueError,
     "n_kv_heads=3 does not divide n_heads=4"),
    # KV caches and decoding
    ("cache empty", lambda: ac.KVCache().keys, ValueError, "the cache is empty"),
    ("rolling empty", lambda: ac.RollingKVCache(2).values, ValueError,
     "the cache is empty"),
    ("rolling window", lambda: ac.RollingKVCache(0), ValueError,
     "window must be at least 1; got 0"),
    ("cache key value", lambda: ac.KVCache().append(np.ones((2, 3)), np.ones((1, 3))),
     ValueError, "key and value must agree in all but the last axis"),
    ("decode two positions", lambda: ac.decode_step(X, X, X, ac.KVCache()),
     ValueError, r"decode_step takes one position, query shape \(\.\.\., 1, d_k\)"),
    ("decode cache type", lambda: ac.decode_step(X[:1], X[:1], X[:1], {}),
     TypeError, "cache must be a KVCache or RollingKVCache; got dict"),
    ("decode seq mismatch", lambda: ac.decode_sequence(X, X[:2], X[:2]), ValueError,
     "query and key must have the same seq_len"),
    ("decode empty", lambda: ac.decode_sequence(X[:0], X[:0], X[:0]), ValueError,
     "decode_sequence needs seq_len >= 1"),
    # tiled attention
    ("tiled causal type", lambda: ac.tiled_attention(X, X, X, causal="yes"),
     TypeError, "causal must be a bool; got str"),
    ("tiled window", lambda: ac.tiled_attention(X, X, X, window=0), ValueError,
     "window must be at least 1; got 0"),
    ("tiled block", lambda: ac.tiled_attention(X, X, X, block_size_k=0), ValueError,
     "block_size_k must be at least 1; got 0"),
    ("tiled workers", lambda: ac.tiled_attention(X, X, X, n_workers=0), ValueError,
     "n_workers must be at least 1; got 0"),
    ("tiled shapes", lambda: ac.tiled_attention(X, np.ones((3, 2)), X), ValueError,
     "same last dimension d_k"),
    ("tile layout", lambda: ac.tile_layout(0, 4), ValueError,
     "seq_len_q must be at least 1"),
    # additive attention
    ("additive params type", lambda: ac.additive_attention(X, X, X, params=P),
     TypeError, "params must be an AdditiveParams"),
    ("additive query", lambda: ac.additive_attention(X8, X, X, params=ADDITIVE),
     ValueError, r"query must have last dimension d_q=4 \(rows of w_q\)"),
    ("additive key", lambda: ac.additive_attention(X, X8, X8, params=ADDITIVE),
     ValueError, r"key must have last dimension d_k=4 \(rows of w_k\)"),
    ("additive seq", lambda: ac.additive_attention(X, X, X[:2], params=ADDITIVE),
     ValueError, "key and value must have the same seq_len_k"),
    ("additive d_attn", lambda: ac.additive_attention(
        X, X, X, params=ADDITIVE._replace(v_a=np.ones(3))),
     ValueError, "w_q and w_k must have d_attn=3 columns like v_a"),
    ("additive v_a 2-D", lambda: ac.additive_attention(
        X, X, X, params=ADDITIVE._replace(v_a=np.ones((5, 1)))),
     ValueError, r"v_a \(d_attn,\)"),
    ("additive init", lambda: ac.init_additive_params(0, 2, 2), ValueError,
     "d_q must be at least 1"),
    # cost model and published configurations
    ("dtype unknown", lambda: ac.dtype_bits("fp12"), ValueError,
     "unknown dtype 'fp12'; expected one of fp64, fp32"),
    ("dtype type", lambda: ac.dtype_bits(16), TypeError,
     "dtype must be a name such as 'fp16'; got 16"),
    ("kv bytes layers", lambda: ac.kv_cache_bytes_per_token(0, 8, 128), ValueError,
     "n_layers must be at least 1; got 0"),
    ("kv bytes window", lambda: ac.kv_cache_bytes(32, 8, 128, 100, window=0),
     ValueError, "window must be at least 1; got 0"),
    ("flops seq_len", lambda: ac.attention_flops(0, 8, 64), ValueError,
     "seq_len must be at least 1; got 0"),
    ("projection divide", lambda: ac.projection_flops(1, 64, 8, 8, 3), ValueError,
     "n_kv_heads=3 does not divide n_heads=8"),
    ("bytes divide", lambda: ac.attention_bytes(8, 8, 8, n_kv_heads=3), ValueError,
     "n_kv_heads=3 does not divide n_heads=8"),
    ("span window", lambda: ac.sliding_window_span(0, 32), ValueError,
     "window must be at least 1"),
    ("layer type", lambda: ac.layer_flops("lstm", 10, 10), ValueError,
     "unknown layer_type 'lstm'; expected one of self_attention"),
    ("kernel missing", lambda: ac.layer_flops("convolutional", 10, 10), ValueError,
     "kernel_size is required for layer_type='convolutional'"),
    ("neighborhood missing", lambda: ac.max_path_length(
        "restricted_self_attention", 10), ValueError,
     "neighborhood is required for layer_type='restricted_self_attention'"),
    ("dilated kernel one", lambda: ac.max_path_length(
        "convolutional", 10, kernel_size=1), ValueError,
     "kernel_size must be at least 2 for dilated convolutions"),
    ("sequential type", lambda: ac.sequential_operations("rnn", 4), ValueError,
     "unknown layer_type 'rnn'"),
    ("model unknown", lambda: ac.get_model("gpt-5"), ValueError,
     "unknown model 'gpt-5'; expected one of transformer-base"),
    ("model config", lambda: ac.ModelConfig("x", 1, 8, 4, 3, 2, None, None, "s"),
     ValueError, "n_kv_heads=3 does not divide n_heads=4"),
]  # fmt: skip


@pytest.mark.parametrize(
    "call, error, message",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_invalid_input_raises(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_cache_rejects_changed_shape():
    cache = ac.KVCache()
    cache.append(np.ones((2, 1, 4)), np.ones((2, 1, 3)))
    with pytest.raises(
        ValueError, match=r"must have shapes \(2, 1, 4\) and \(2, 1, 3\)"
    ):
        cache.append(np.ones((2, 1, 5)), np.ones((2, 1, 3)))
