"""Mask builders: each pattern checked against its definition, cell by cell."""

from __future__ import annotations

import numpy as np
import pytest

from attention_core import (
    block_sparse_layout,
    block_sparse_mask,
    causal_mask,
    combine_masks,
    dilated_mask,
    global_mask,
    mask_to_bias,
    padding_mask,
    scaled_dot_product_attention,
    sliding_window_mask,
)


def brute_force(seq_len, allowed):
    return np.array(
        [[allowed(i, j) for j in range(seq_len)] for i in range(seq_len)], dtype=bool
    )


def test_causal_mask_definition():
    assert np.array_equal(causal_mask(6), brute_force(6, lambda i, j: j <= i))
    assert causal_mask(1).tolist() == [[True]]


def test_padding_mask_masks_keys_only():
    mask = padding_mask([3, 1, 0], seq_len=4)
    assert mask.shape == (3, 4, 4)
    assert mask[0].tolist() == [[True, True, True, False]] * 4
    assert mask[1].tolist() == [[True, False, False, False]] * 4
    assert not mask[2].any()


def test_padding_mask_with_queries():
    mask = padding_mask([2, 3], mask_queries=True)
    assert mask.shape == (2, 3, 3)
    assert mask[0].astype(int).tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    assert mask[1].all()


def test_padding_rows_attend_nothing():
    x = np.random.default_rng(0).standard_normal((2, 4, 3))
    mask = padding_mask([2, 4], mask_queries=True)
    output, weights = scaled_dot_product_attention(x, x, x, mask=mask)
    assert np.all(output[0, 2:] == 0.0)
    assert np.all(weights[0, :, 2:] == 0.0)


@pytest.mark.parametrize("window", [1, 2, 3, 7])
def test_sliding_window_causal_definition(window):
    expected = brute_force(7, lambda i, j: 0 <= i - j < window)
    assert np.array_equal(sliding_window_mask(7, window), expected)
    assert sliding_window_mask(7, window).sum(axis=1).max() == min(window, 7)


@pytest.mark.parametrize("window", [1, 2, 3, 4, 5])
def test_sliding_window_two_sided_definition(window):
    expected = brute_force(7, lambda i, j: abs(i - j) <= window // 2)
    assert np.array_equal(sliding_window_mask(7, window, causal=False), expected)


@pytest.mark.parametrize("dilation", [1, 2, 3])
@pytest.mark.parametrize("causal", [True, False])
def test_dilated_definition(dilation, causal):
    window = 3
    if causal:

        def allowed(i, j):
            return (i - j) % dilation == 0 and 0 <= (i - j) // dilation < window
    else:

        def allowed(i, j):
            return (i - j) % dilation == 0 and abs(i - j) // dilation <= window // 2

    expected = brute_force(9, allowed)
    assert np.array_equal(dilated_mask(9, window, dilation, causal=causal), expected)


def test_dilated_with_dilation_one_is_sliding_window():
    assert np.array_equal(dilated_mask(8, 3, 1), sliding_window_mask(8, 3))


def test_global_mask_rows_and_columns():
    mask = global_mask(5, [1, -1])
    expected = brute_force(5, lambda i, j: i in (1, 4) or j in (1, 4))
    assert np.array_equal(mask, expected)
    assert not global_mask(3, []).any()


def test_longformer_combination():
    mask = combine_masks(
        sliding_window_mask(6, 3, causal=False), global_mask(6, [0]), op="or"
    )
    expected = brute_force(6, lambda i, j: abs(i - j) <= 1 or i == 0 or j == 0)
    assert np.array_equal(mask, expected)


def test_combine_and_broadcasts():
    padding = padding_mask([2, 3])  # (2, 3, 3)
    combined = combine_masks(causal_mask(3), padding, op="and")
    assert combined.shape == (2, 3, 3)
    assert combined[0].astype(int).tolist() == [[1, 0, 0], [1, 1, 0], [1, 1, 0]]


def test_block_sparse_layout_parts():
    layout = block_sparse_layout(
        8, n_window_blocks=3, global_blocks=(0, 7), n_random_blocks=2, seed=5
    )
    window = sliding_window_mask(8, 3, causal=False)
    assert np.all(layout[window])
    assert layout[[0, 7]].all()
    assert layout[:, [0, 7]].all()
    # Each non-global row gets exactly 2 blocks beyond window and global ones.
    extra = layout & ~window
    extra[:, [0, 7]] = False
    assert extra[1:7].sum(axis=1).tolist() == [2] * 6


def test_block_sparse_layout_is_seeded():
    first = block_sparse_layout(10, n_random_blocks=2, seed=3)
    assert np.array_equal(first, block_sparse_layout(10, n_random_blocks=2, seed=3))
    others = [block_sparse_layout(10, n_random_blocks=2, seed=s) for s in range(4, 9)]
    assert any(not np.array_equal(first, other) for other in others)


def test_block_sparse_random_blocks_run_out():
    layout = block_sparse_layout(3, n_random_blocks=5, seed=0)
    assert layout.all()


def test_block_sparse_mask_expands_layout():
    layout = block_sparse_layout(4, n_random_blocks=1, seed=2)
    mask = block_sparse_mask(10, 3, n_random_blocks=1, seed=2)
    blocks = np.arange(10) // 3
    assert mask.shape == (10, 10)
    assert np.array_equal(mask, layout[blocks[:, None], blocks[None, :]])


def test_mask_to_bias_values():
    bias = mask_to_bias(causal_mask(2), dtype=np.float32)
    assert bias.dtype == np.float32
    assert bias.tolist() == [[0.0, -np.inf], [0.0, 0.0]]


def test_bias_and_boolean_mask_agree():
    x = np.random.default_rng(1).standard_normal((5, 4))
    mask = sliding_window_mask(5, 2)
    from_bool = scaled_dot_product_attention(x, x, x, mask=mask)
    from_bias = scaled_dot_product_attention(x, x, x, mask=mask_to_bias(mask))
    np.testing.assert_array_equal(from_bool[1], from_bias[1])
    np.testing.assert_array_equal(from_bool[0], from_bias[0])
