"""Property tests: invariants of attention that hold for every input."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from attention_core import (
    causal_mask,
    decode_sequence,
    grouped_query_attention,
    init_projections,
    multi_head_attention,
    scaled_dot_product_attention,
    sliding_window_mask,
    softmax,
    tiled_attention,
)

# 100 examples per property keep this file under about 10 seconds.
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None)

finite = st.floats(-20, 20, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def qkv(draw, max_seq_len=12):
    """Draw query, key, value of shape (batch, seq_len, d) with seq_len_q = _k."""
    batch = draw(st.integers(1, 3))
    seq_len = draw(st.integers(1, max_seq_len))
    d_k = draw(st.integers(1, 6))
    d_v = draw(st.integers(1, 6))
    q = draw(arrays(np.float64, (batch, seq_len, d_k), elements=finite))
    k = draw(arrays(np.float64, (batch, seq_len, d_k), elements=finite))
    v = draw(arrays(np.float64, (batch, seq_len, d_v), elements=finite))
    return q, k, v


@st.composite
def masks(draw, seq_len):
    return draw(arrays(np.bool_, (seq_len, seq_len)))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_weights_rows_sum_to_one(data):
    q, k, v = data.draw(qkv())
    mask = data.draw(masks(q.shape[1]))
    _, weights = scaled_dot_product_attention(q, k, v, mask=mask)
    sums = weights.sum(axis=-1)
    has_key = mask.any(axis=-1)  # (seq_len,)
    np.testing.assert_allclose(sums[:, has_key], 1.0, rtol=0, atol=1e-12)
    assert np.all(sums[:, ~has_key] == 0.0)


@PROPERTY_SETTINGS
@given(
    scores=arrays(
        np.float64, st.tuples(st.integers(1, 5), st.integers(1, 9)), elements=finite
    ),
    shift=st.floats(-1e3, 1e3, allow_nan=False),
)
def test_softmax_ignores_row_constant(scores, shift):
    np.testing.assert_allclose(
        softmax(scores + shift), softmax(scores), rtol=0, atol=1e-12
    )


@PROPERTY_SETTINGS
@given(data=st.data())
def test_additive_row_constant_changes_nothing(data):
    q, k, v = data.draw(qkv())
    seq_len = q.shape[1]
    constants = data.draw(arrays(np.float64, (seq_len, 1), elements=finite))
    output, weights = scaled_dot_product_attention(q, k, v)
    shifted, shifted_weights = scaled_dot_product_attention(
        q, k, v, mask=np.broadcast_to(constants, (seq_len, seq_len))
    )
    np.testing.assert_allclose(shifted_weights, weights, rtol=0, atol=1e-12)
    np.testing.assert_allclose(shifted, output, rtol=0, atol=1e-10)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_masked_weights_exactly_zero(data):
    q, k, v = data.draw(qkv())
    mask = data.draw(masks(q.shape[1]))
    _, weights = scaled_dot_product_attention(q, k, v, mask=mask)
    assert np.all(weights[:, ~mask] == 0.0)
    assert not np.isnan(weights).any()


@PROPERTY_SETTINGS
@given(data=st.data())
def test_permuting_keys_and_values_keeps_output(data):
    q, k, v = data.draw(qkv())
    seq_len = q.shape[1]
    order = np.array(data.draw(st.permutations(range(seq_len))))
    output, weights = scaled_dot_product_attention(q, k, v)
    permuted, permuted_weights = scaled_dot_product_attention(
        q, k[:, order], v[:, order]
    )
    np.testing.assert_allclose(permuted, output, rtol=0, atol=1e-10)
    np.testing.assert_allclose(
        permuted_weights, weights[..., order], rtol=0, atol=1e-12
    )


@PROPERTY_SETTINGS
@given(
    data=st.data(),
    block_size_q=st.integers(1, 16),
    block_size_k=st.integers(1, 16),
    causal=st.booleans(),
    window=st.none() | st.integers(1, 8),
)
def test_tiled_equals_naive(data, block_size_q, block_size_k, causal, window):
    q, k, v = data.draw(qkv(max_seq_len=20))
    seq_len = q.shape[1]
    if window is not None:
        mask = sliding_window_mask(seq_len, window, causal=causal)
    elif causal:
        mask = causal_mask(seq_len)
    else:
        mask = None
    expected, _ = scaled_dot_product_attention(q, k, v, mask=mask)
    output, counts = tiled_attention(
        q,
        k,
        v,
        causal=causal,
        window=window,
        block_size_q=block_size_q,
        block_size_k=block_size_k,
    )
    np.testing.assert_allclose(output, expected, rtol=0, atol=1e-12)
    n_tiles = -(-seq_len // block_size_q) * -(-seq_len // block_size_k)
    assert counts.total == n_tiles


@PROPERTY_SETTINGS
@given(data=st.data(), window=st.none() | st.integers(1, 6))
def test_decoding_equals_full_causal(data, window):
    q, k, v = data.draw(qkv())
    seq_len = q.shape[1]
    if window is None:
        mask = causal_mask(seq_len)
    else:
        mask = sliding_window_mask(seq_len, window)
    expected, expected_weights = scaled_dot_product_attention(q, k, v, mask=mask)
    output, weights = decode_sequence(q, k, v, window=window)
    np.testing.assert_allclose(output, expected, rtol=0, atol=1e-10)
    np.testing.assert_allclose(weights, expected_weights, rtol=0, atol=1e-12)


@PROPERTY_SETTINGS
@given(
    n_heads=st.sampled_from([1, 2, 4]),
    d_k=st.integers(1, 4),
    seq_len=st.integers(1, 8),
    seed=st.integers(0, 2**16),
    causal=st.booleans(),
)
def test_gqa_with_all_kv_heads_equals_mha(n_heads, d_k, seq_len, seed, causal):
    d_model = n_heads * d_k
    p = init_projections(d_model, n_heads, seed=seed)
    x = np.random.default_rng(seed).standard_normal((2, seq_len, d_model))
    mask = causal_mask(seq_len) if causal else None
    mha, mha_weights = multi_head_attention(x, x, x, p, n_heads, mask=mask)
    gqa, gqa_weights = grouped_query_attention(x, x, x, p, n_heads, n_heads, mask=mask)
    np.testing.assert_array_equal(gqa, mha)
    np.testing.assert_array_equal(gqa_weights, mha_weights)
