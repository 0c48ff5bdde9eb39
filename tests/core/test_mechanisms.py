"""Softmax, multi-head, grouped-query, KV caches, tiled and additive attention."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from attention_core import (
    KVCache,
    Projections,
    RollingKVCache,
    additive_attention,
    causal_mask,
    decode_step,
    grouped_dot_product_attention,
    grouped_query_attention,
    init_additive_params,
    init_projections,
    merge_heads,
    multi_head_attention,
    pool_kv_heads,
    repeat_kv,
    scaled_dot_product_attention,
    softmax,
    split_heads,
    tile_layout,
    tiled_attention,
)


def test_softmax_extreme_scores_stay_finite():
    weights = softmax([[1e308, 0.0], [-1e308, -1e308], [-np.inf, 5.0]])
    assert weights.tolist() == [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]


def test_softmax_fully_masked_row_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weights = softmax(np.full((2, 3), -np.inf))
    assert np.all(weights == 0.0)


def test_softmax_keeps_float32_and_axis():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    weights = softmax(x, axis=0)
    assert weights.dtype == np.float32
    np.testing.assert_allclose(weights.sum(axis=0), 1.0, rtol=1e-6)


def test_sdpa_fully_masked_row_gives_zero_output():
    x = np.ones((3, 2))
    mask = np.array([[True, False, False], [False] * 3, [True] * 3])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        output, weights = scaled_dot_product_attention(x, x, x, mask=mask)
    assert np.all(output[1] == 0.0)
    assert np.all(weights[1] == 0.0)


def test_sdpa_scale_is_temperature():
    q = np.array([[1.0, 0.0]])
    k = np.eye(2)
    _, cold = scaled_dot_product_attention(q, k, k, scale=100.0)
    _, flat = scaled_dot_product_attention(q, k, k, scale=0.0)
    assert cold[0, 0] > 0.999
    assert flat.tolist() == [[0.5, 0.5]]


def test_sdpa_broadcasts_batch_dimensions():
    rng = np.random.default_rng(0)
    q = rng.standard_normal((2, 3, 4, 5))
    k = rng.standard_normal((1, 3, 6, 5))
    v = rng.standard_normal((6, 2))
    output, weights = scaled_dot_product_attention(q, k, v)
    assert output.shape == (2, 3, 4, 2)
    assert weights.shape == (2, 3, 4, 6)


def test_split_merge_heads_roundtrip():
    x = np.arange(2 * 5 * 12.0).reshape(2, 5, 12)
    heads = split_heads(x, 3)
    assert heads.shape == (2, 3, 5, 4)
    assert np.array_equal(heads[:, 1], x[..., 4:8])
    assert np.array_equal(merge_heads(heads), x)


def test_mha_head_loop_reference():
    # Attend head by head with explicit column slices, as Vaswani et al. (2017)
    # define it: Concat(head_1, ..., head_h) W_o with head_i = Attention(X W_q_i, ...).
    rng = np.random.default_rng(1)
    d_model, n_heads = 12, 3
    p = init_projections(d_model, n_heads, seed=2)
    x = rng.standard_normal((4, d_model))
    output, weights = multi_head_attention(x, x, x, p, n_heads)
    d_k = d_model // n_heads
    heads = []
    for h in range(n_heads):
        cols = slice(h * d_k, (h + 1) * d_k)
        q, k, v = x @ p.w_q[:, cols], x @ p.w_k[:, cols], x @ p.w_v[:, cols]
        head, head_weights = scaled_dot_product_attention(q, k, v)
        np.testing.assert_allclose(weights[h], head_weights, rtol=0, atol=1e-14)
        heads.append(head)
    np.testing.assert_allclose(
        output, np.concatenate(heads, axis=-1) @ p.w_o, rtol=0, atol=1e-13
    )


def test_gqa_equals_mha_with_repeated_kv():
    rng = np.random.default_rng(3)
    q = rng.standard_normal((2, 6, 5, 4))
    k = rng.standard_normal((2, 3, 5, 4))
    v = rng.standard_normal((2, 3, 5, 4))
    output, weights = grouped_dot_product_attention(q, k, v, mask=causal_mask(5))
    expected, expected_weights = scaled_dot_product_attention(
        q, repeat_kv(k, 2), repeat_kv(v, 2), mask=causal_mask(5)
    )
    np.testing.assert_allclose(output, expected, rtol=0, atol=1e-14)
    np.testing.assert_allclose(weights, expected_weights, rtol=0, atol=1e-14)


def test_mqa_heads_share_one_key():
    p = init_projections(8, 4, n_kv_heads=1, seed=4)
    assert p.w_k.shape == (8, 2)
    x = np.random.default_rng(5).standard_normal((3, 8))
    output, weights = grouped_query_attention(x, x, x, p, 4, 1)
    assert output.shape == (3, 8)
    assert weights.shape == (4, 3, 3)


def test_pool_kv_heads_means_each_group():
    p = init_projections(8, 4, seed=6)
    pooled = pool_kv_heads(p, 4, 2)
    d_k = 2
    first_group = (p.w_k[:, 0:d_k] + p.w_k[:, d_k : 2 * d_k]) / 2
    np.testing.assert_allclose(pooled.w_k[:, :d_k], first_group, rtol=0, atol=1e-15)
    assert pooled.w_v.shape == (8, 4)
    assert pooled.w_q is not None and np.array_equal(pooled.w_q, p.w_q)


def test_pool_kv_heads_identical_heads_changes_nothing():
    # When the heads of each group are equal, pooling loses nothing, so the
    # grouped layer equals the multi-head one.
    p = init_projections(8, 4, seed=7)
    w_k = np.repeat(p.w_k[:, :4].reshape(8, 2, 2), 2, axis=1).reshape(8, 8)
    w_v = np.repeat(p.w_v[:, :4].reshape(8, 2, 2), 2, axis=1).reshape(8, 8)
    mha = Projections(p.w_q, w_k, w_v, p.w_o)
    gqa = pool_kv_heads(mha, 4, 2)
    x = np.random.default_rng(8).standard_normal((5, 8))
    expected, _ = multi_head_attention(x, x, x, mha, 4)
    output, _ = grouped_query_attention(x, x, x, gqa, 4, 2)
    np.testing.assert_allclose(output, expected, rtol=0, atol=1e-14)


def test_kv_cache_grows_past_initial_capacity():
    cache = KVCache()
    rng = np.random.default_rng(9)
    keys = rng.standard_normal((2, 40, 3))
    values = rng.standard_normal((2, 40, 5))
    for t in range(40):
        cache.append(keys[:, t : t + 1], values[:, t : t + 1])
    assert len(cache) == 40
    assert np.array_equal(cache.keys, keys)
    assert np.array_equal(cache.values, values)
    assert cache.nbytes == keys.nbytes + values.nbytes


def test_kv_cache_appends_several_steps():
    cache = KVCache()
    cache.append(np.zeros((3, 2)), np.zeros((3, 2)))
    keys, _ = cache.append(np.ones((2, 2)), np.ones((2, 2)))
    assert keys[:, 0].tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert cache.positions.tolist() == [0, 1, 2, 3, 4]


def test_rolling_cache_memory_stays_at_window():
    cache = RollingKVCache(window=4)
    sizes = []
    for t in range(10):
        cache.append(np.full((1, 3), float(t)), np.full((1, 2), float(t)))
        sizes.append(cache.nbytes)
    assert len(set(sizes)) == 1
    assert sizes[0] == 4 * 3 * 8 + 4 * 2 * 8
    assert len(cache) == 4
    assert cache.n_seen == 10
    assert cache.positions.tolist() == [6, 7, 8, 9]
    assert cache.keys[:, 0].tolist() == [6.0, 7.0, 8.0, 9.0]


def test_rolling_cache_bulk_append_equals_steps():
    data = np.arange(14.0).reshape(7, 2)
    one_by_one, bulk = RollingKVCache(3), RollingKVCache(3)
    for t in range(7):
        one_by_one.append(data[t : t + 1], data[t : t + 1])
    bulk.append(data[:2], data[:2])
    bulk.append(data[2:], data[2:])
    assert np.array_equal(bulk.keys, one_by_one.keys)
    assert bulk.positions.tolist() == one_by_one.positions.tolist()


def test_decode_step_gqa_shapes():
    # Grouped decoding: query (n_kv_heads, group, 1, d), cache (n_kv_heads, 1, t, d).
    cache = KVCache()
    rng = np.random.default_rng(10)
    for _ in range(3):
        q = rng.standard_normal((2, 3, 1, 4))
        k = rng.standard_normal((2, 1, 1, 4))
        output, weights = decode_step(q, k, k, cache)
    assert output.shape == (2, 3, 1, 4)
    assert weights.shape == (2, 3, 1, 3)


def test_tile_layout_causal_counts():
    layout = tile_layout(8, 8, 2, 2, causal=True)
    assert (layout == 0).sum() == 6
    assert (layout == 1).sum() == 4
    assert (layout == 2).sum() == 6


def test_tiled_counts_match_layout():
    x = np.random.default_rng(11).standard_normal((2, 50, 4))
    _, counts = tiled_attention(x, x, x, causal=True, block_size_q=8, block_size_k=16)
    layout = tile_layout(50, 50, 8, 16, causal=True)
    assert counts.computed == int((layout > 0).sum())
    assert counts.skipped == int((layout == 0).sum())
    assert counts.skipped > 0


def test_tiled_skips_blocks_outside_window():
    x = np.random.default_rng(12).standard_normal((64, 4))
    _, causal = tiled_attention(
        x, x, x, causal=True, window=4, block_size_q=8, block_size_k=8
    )
    _, two_sided = tiled_attention(x, x, x, window=4, block_size_q=8, block_size_k=8)
    # A causal window of 4 touches the diagonal tile and the one before it.
    # A two-sided window (2 on each side) also touches the one after it.
    assert causal.computed == 8 + 7
    assert two_sided.computed == 8 + 7 + 7
    assert causal.total == two_sided.total == 64


def test_tiled_never_allocates_score_matrix():
    import tracemalloc

    n = 1024
    x = np.random.default_rng(13).standard_normal((n, 8))
    tracemalloc.start()
    tracemalloc.reset_peak()
    tiled_attention(x, x, x, block_size_q=64, block_size_k=64)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < n * n * 8 / 16


def test_tiled_n_workers_same_result():
    x = np.random.default_rng(14).standard_normal((4, 3, 30, 5))
    serial, counts = tiled_attention(x, x, x, causal=True, block_size_q=7)
    threaded, counts_threaded = tiled_attention(
        x, x, x, causal=True, block_size_q=7, n_workers=2
    )
    np.testing.assert_array_equal(serial, threaded)
    assert counts == counts_threaded


def test_tiled_float32_stays_float32():
    x = np.random.default_rng(15).standard_normal((2, 20, 8)).astype(np.float32)
    output, _ = tiled_attention(x, x, x, block_size_q=8, block_size_k=8)
    expected, _ = scaled_dot_product_attention(x, x, x)
    assert output.dtype == np.float32
    np.testing.assert_allclose(output, expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize("magnitude", [50.0, 300.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tiled_large_scores_no_overflow(magnitude, dtype):
    # Scores of 1e4 and more overflow exp(score - c) for a provisional shift,
    # which the tiled loop must repair without a warning.
    x = np.random.default_rng(16).standard_normal((40, 4)) * magnitude
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        output, _ = tiled_attention(
            x.astype(dtype), x.astype(dtype), x.astype(dtype), block_size_k=7
        )
    expected, _ = scaled_dot_product_attention(x, x, x)
    assert np.isfinite(output).all()
    np.testing.assert_allclose(output, expected, rtol=1e-4, atol=1e-3)


def test_additive_attention_reference():
    rng = np.random.default_rng(17)
    q, k, v = (rng.standard_normal((3, d)) for d in (2, 4, 5))
    params = init_additive_params(2, 4, 6, seed=1)
    output, weights = additive_attention(q, k, v, params=params)
    scores = np.array(
        [
            [
                params.v_a @ np.tanh(q[i] @ params.w_q + k[j] @ params.w_k)
                for j in range(3)
            ]
            for i in range(3)
        ]
    )
    expected = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(weights, expected, rtol=0, atol=1e-14)
    np.testing.assert_allclose(output, expected @ v, rtol=0, atol=1e-14)


def test_additive_attention_mask():
    x = np.random.default_rng(18).standard_normal((2, 4, 3))
    params = init_additive_params(3, 3, 4)
    output, weights = additive_attention(x, x, x, mask=causal_mask(4), params=params)
    assert np.all(weights[:, 0, 1:] == 0.0)
    np.testing.assert_allclose(output[:, 0], x[:, 0], rtol=0, atol=1e-15)


@pytest.mark.parametrize("causal", [True, False])
@pytest.mark.parametrize("window", [None, 1, 3, 6])
def test_tile_trim_bounding_box(causal, window):
    from attention_core.tiled import _allowed_offsets, _classify, _trim

    low, high = _allowed_offsets(causal, window)
    for q_start in range(0, 12, 3):
        for k_start in range(0, 12, 4):
            q_stop, k_stop = q_start + 5, k_start + 6
            if _classify(q_start, q_stop, k_start, k_stop, low, high) == 0:
                continue
            offsets = np.arange(q_start, q_stop)[:, None] - np.arange(k_start, k_stop)
            allowed = (offsets >= low) & (offsets <= high)
            rows = np.flatnonzero(allowed.any(axis=1)) + q_start
            cols = np.flatnonzero(allowed.any(axis=0)) + k_start
            expected = (rows[0], rows[-1] + 1, cols[0], cols[-1] + 1)
            assert _trim(q_start, q_stop, k_start, k_stop, low, high) == expected


@pytest.mark.parametrize("seq_lens", [(5, 13), (13, 5), (16, 16)])
def test_tiled_causal_with_unequal_lengths(seq_lens):
    # Top-left aligned: query i attends to keys 0..i, as with torch's is_causal.
    seq_len_q, seq_len_k = seq_lens
    rng = np.random.default_rng(15)
    q = rng.standard_normal((2, seq_len_q, 4))
    k = rng.standard_normal((2, seq_len_k, 4))
    v = rng.standard_normal((2, seq_len_k, 3))
    mask = np.tril(np.ones((seq_len_q, seq_len_k), dtype=bool))
    expected, _ = scaled_dot_product_attention(q, k, v, mask=mask)
    for block_size_q, block_size_k in [(1, 1), (2, 3), (4, 8), (64, 64)]:
        output, _ = tiled_attention(
            q, k, v, causal=True, block_size_q=block_size_q, block_size_k=block_size_k
        )
        np.testing.assert_allclose(output, expected, rtol=0, atol=1e-12)


def test_tiled_workers_reuse_threads():
    import threading

    x = np.random.default_rng(16).standard_normal((4, 30, 5))
    tiled_attention(x, x, x, n_workers=2)
    threads = threading.active_count()
    for _ in range(3):
        tiled_attention(x, x, x, n_workers=2)
    assert threading.active_count() == threads


def test_tiled_keeps_little_memory_after_call():
    import tracemalloc

    x = np.random.default_rng(17).standard_normal((1, 4096, 4))
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    # Windowed 1024 x 1024 float64 tiles: partial tiles at several diagonal
    # offsets, each with a 9 MiB pair of masks.
    tiled_attention(x, x, x, window=1000, block_size_q=1024, block_size_k=1024)
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # The work buffers stay for the next call (8 MiB for this tile size).
    # Masks this large are not kept, so nothing else may stay.
    assert after - before <= 12 * 2**20, after - before


def test_tiled_workers_run_in_forked_child():
    import multiprocessing

    x = np.random.default_rng(18).standard_normal((4, 30, 5))
    expected, _ = tiled_attention(x, x, x, n_workers=2)
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        result = pool.apply_async(_tiled_two_workers, (x,))
        output = result.get(timeout=60)
    np.testing.assert_array_equal(output, expected)


def _tiled_two_workers(x):
    return tiled_attention(x, x, x, n_workers=2)[0]


@pytest.mark.parametrize("n_workers", [1, 2])
def test_tiled_empty_batch_gives_empty_output(n_workers):
    x = np.zeros((0, 5, 4))
    output, _ = tiled_attention(x, x, x, causal=True, n_workers=n_workers)
    assert output.shape == (0, 5, 4)
