"""Compare attention_core with torch.nn.functional.scaled_dot_product_attention.

torch's CPU kernels are an independent implementation of the same formula.
Masks keep the diagonal, because torch returns NaN for a fully masked row
where attention_core returns zeros.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from attention_core import (
    causal_mask,
    grouped_dot_product_attention,
    grouped_query_attention,
    init_projections,
    multi_head_attention,
    scaled_dot_product_attention,
    sliding_window_mask,
    tiled_attention,
)

TOLERANCE = {np.float32: 1e-5, np.float64: 1e-10}
SHAPES = [
    # (batch shape, seq_len_q, seq_len_k, d_k, d_v)
    ((), 1, 1, 1, 1),
    ((3,), 7, 7, 4, 4),
    ((2, 4), 16, 16, 8, 8),
    ((2, 3), 5, 11, 16, 6),
    ((1, 2), 64, 64, 32, 32),
]
DTYPES = [np.float32, np.float64]


def random_qkv(shape, dtype, seed=0):
    batch, seq_len_q, seq_len_k, d_k, d_v = shape
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((*batch, seq_len_q, d_k)).astype(dtype)
    k = rng.standard_normal((*batch, seq_len_k, d_k)).astype(dtype)
    v = rng.standard_normal((*batch, seq_len_k, d_v)).astype(dtype)
    return q, k, v


def torch_sdpa(q, k, v, **kwargs) -> np.ndarray:
    tensors = [torch.from_numpy(np.ascontiguousarray(a)) for a in (q, k, v)]
    if isinstance(kwargs.get("attn_mask"), np.ndarray):
        kwargs["attn_mask"] = torch.from_numpy(kwargs["attn_mask"])
    with torch.no_grad():
        return F.scaled_dot_product_attention(*tensors, **kwargs).numpy()


def assert_close(actual, expected, dtype):
    assert actual.dtype == expected.dtype
    np.testing.assert_allclose(actual, expected, rtol=0, atol=TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_sdpa_without_mask(shape, dtype):
    q, k, v = random_qkv(shape, dtype)
    output, _ = scaled_dot_product_attention(q, k, v)
    assert_close(output, torch_sdpa(q, k, v), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [s for s in SHAPES if s[1] == s[2]])
def test_sdpa_causal(shape, dtype):
    q, k, v = random_qkv(shape, dtype, seed=1)
    output, _ = scaled_dot_product_attention(q, k, v, mask=causal_mask(q.shape[-2]))
    assert_close(output, torch_sdpa(q, k, v, is_causal=True), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_sdpa_boolean_mask(shape, dtype):
    q, k, v = random_qkv(shape, dtype, seed=2)
    rng = np.random.default_rng(3)
    mask = rng.random(q.shape[:-1] + (k.shape[-2],)) < 0.6
    mask[..., 0] = True  # no fully masked row
    output, _ = scaled_dot_product_attention(q, k, v, mask=mask)
    assert_close(output, torch_sdpa(q, k, v, attn_mask=mask), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sdpa_additive_mask_and_scale(dtype):
    q, k, v = random_qkv(((2, 3), 9, 9, 8, 8), dtype, seed=4)
    bias = np.random.default_rng(5).standard_normal((9, 9)).astype(dtype)
    bias[np.triu_indices(9, 1)] = -np.inf
    output, _ = scaled_dot_product_attention(q, k, v, mask=bias, scale=0.3)
    expected = torch_sdpa(q, k, v, attn_mask=bias, scale=0.3)
    assert_close(output, expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_heads, n_kv_heads", [(4, 1), (4, 2), (6, 3), (8, 8)])
def test_gqa_matches_enable_gqa(n_heads, n_kv_heads, dtype):
    rng = np.random.default_rng(6)
    q = rng.standard_normal((2, n_heads, 10, 8)).astype(dtype)
    k = rng.standard_normal((2, n_kv_heads, 10, 8)).astype(dtype)
    v = rng.standard_normal((2, n_kv_heads, 10, 5)).astype(dtype)
    for causal in (False, True):
        mask = causal_mask(10) if causal else None
        output, weights = grouped_dot_product_attention(q, k, v, mask=mask)
        expected = torch_sdpa(q, k, v, is_causal=causal, enable_gqa=True)
        assert weights.shape == (2, n_heads, 10, 10)
        assert_close(output, expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gqa_per_head_mask_matches_torch(dtype):
    rng = np.random.default_rng(7)
    q = rng.standard_normal((1, 6, 8, 4)).astype(dtype)
    k = rng.standard_normal((1, 2, 8, 4)).astype(dtype)
    v = rng.standard_normal((1, 2, 8, 4)).astype(dtype)
    mask = rng.random((1, 6, 8, 8)) < 0.5
    mask[..., 0] = True
    output, _ = grouped_dot_product_attention(q, k, v, mask=mask)
    expected = torch_sdpa(q, k, v, attn_mask=mask, enable_gqa=True)
    assert_close(output, expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_kv_heads", [1, 2, 4])
def test_attention_layer_matches_torch_layer(n_kv_heads, dtype):
    # The same layer written with torch: projections, SDPA with enable_gqa,
    # merge, output projection.
    d_model, n_heads, seq_len = 16, 4, 7
    p = init_projections(d_model, n_heads, n_kv_heads, seed=8, dtype=dtype)
    x = np.random.default_rng(9).standard_normal((2, seq_len, d_model)).astype(dtype)
    output, _ = grouped_query_attention(
        x, x, x, p, n_heads, n_kv_heads, mask=causal_mask(seq_len)
    )
    t = {name: torch.from_numpy(w) for name, w in p._asdict().items()}
    tx = torch.from_numpy(x)
    d_k = d_model // n_heads
    q = (tx @ t["w_q"]).view(2, seq_len, n_heads, d_k).transpose(1, 2)
    k = (tx @ t["w_k"]).view(2, seq_len, n_kv_heads, d_k).transpose(1, 2)
    v = (tx @ t["w_v"]).view(2, seq_len, n_kv_heads, d_k).transpose(1, 2)
    heads = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
    expected = heads.transpose(1, 2).reshape(2, seq_len, d_model) @ t["w_o"]
    assert_close(output, expected.numpy(), dtype)
    if n_kv_heads == n_heads:
        mha, _ = multi_head_attention(x, x, x, p, n_heads, mask=causal_mask(seq_len))
        assert_close(mha, expected.numpy(), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("blocks", [(1, 1), (3, 5), (16, 16), (64, 128)])
def test_tiled_matches_torch(blocks, causal, dtype):
    q, k, v = random_qkv(((2, 2), 40, 40, 16, 16), dtype, seed=10)
    output, _ = tiled_attention(
        q, k, v, causal=causal, block_size_q=blocks[0], block_size_k=blocks[1]
    )
    assert_close(output, torch_sdpa(q, k, v, is_causal=causal), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_tiled_sliding_window_matches_torch_mask(dtype):
    q, k, v = random_qkv(((3,), 30, 30, 8, 8), dtype, seed=11)
    mask = sliding_window_mask(30, 6)
    output, _ = tiled_attention(q, k, v, window=6, causal=True, block_size_q=4)
    assert_close(output, torch_sdpa(q, k, v, attn_mask=mask), dtype)
