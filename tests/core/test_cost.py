"""Cost model: published KV-cache figures and the rows of Vaswani et al. Table 1."""

from __future__ import annotations

import pytest

from attention_core import (
    COMPLEXITY_TABLE,
    LAYER_TYPES,
    MODELS,
    attention_bytes,
    attention_flops,
    dtype_bits,
    get_model,
    kv_cache_bytes,
    kv_cache_bytes_per_token,
    layer_flops,
    max_path_length,
    projection_flops,
    sequential_operations,
    sliding_window_span,
)

KIB = 1024


def test_opt_13b_kv_cache_per_token():
    # 2 (key and value) * 40 layers * 5120 hidden * 2 bytes (fp16).
    assert kv_cache_bytes_per_token(40, 40, 128, "fp16") == 819_200
    assert get_model("opt-13b").kv_cache_bytes_per_token("fp16") == 819_200


def test_llama_3_8b_kv_cache_per_token():
    assert kv_cache_bytes_per_token(32, 8, 128, "bf16") == 128 * KIB
    assert get_model("llama-3-8b").kv_cache_bytes_per_token("bf16") == 128 * KIB
    # The same model with full multi-head attention (32 KV heads): 4x more.
    assert kv_cache_bytes_per_token(32, 32, 128, "bf16") == 512 * KIB


def test_mistral_7b_stacked_window_span():
    mistral = get_model("mistral-7b")
    assert sliding_window_span(mistral.window, mistral.n_layers) == 131_072


def test_mistral_cache_capped_at_window():
    mistral = get_model("mistral-7b")
    per_token = mistral.kv_cache_bytes_per_token("fp16")
    assert mistral.kv_cache_bytes(16_384) == 4096 * per_token
    assert mistral.kv_cache_bytes(1000) == 1000 * per_token


def test_falcon_7b_is_multi_query():
    falcon = get_model("falcon-7b")
    assert falcon.attention_type == "MQA"
    assert falcon.kv_cache_bytes_per_token("fp16") == 2 * 32 * 64 * 2


@pytest.mark.parametrize(
    "dtype, bits",
    [("fp32", 32), ("fp16", 16), ("bf16", 16), ("fp8", 8), ("int8", 8), ("int4", 4)],
)
def test_kv_cache_scales_with_dtype(dtype, bits):
    assert dtype_bits(dtype) == bits
    assert kv_cache_bytes_per_token(32, 8, 128, dtype) == 32 * 8 * 128 * 2 * bits // 8


def test_kv_cache_batch_and_sequence():
    per_token = kv_cache_bytes_per_token(80, 8, 128, "fp16")
    assert (
        kv_cache_bytes(80, 8, 128, 4096, dtype="fp16", batch=3) == 3 * 4096 * per_token
    )


def test_mha_gqa_mqa_ratio():
    mha = kv_cache_bytes_per_token(32, 32, 128)
    gqa = kv_cache_bytes_per_token(32, 8, 128)
    mqa = kv_cache_bytes_per_token(32, 1, 128)
    assert mha == 4 * gqa == 32 * mqa


def test_models_table_consistent():
    for name, config in MODELS.items():
        assert config.name == name
        assert config.source
        assert config.n_heads % config.n_kv_heads == 0
        if name not in ("falcon-7b",):
            assert config.n_heads * config.d_head == config.d_model
    assert get_model("falcon-7b").n_heads * get_model("falcon-7b").d_head == 4544
    assert get_model("llama-2-7b").attention_type == "MHA"
    assert get_model("llama-3-70b").attention_type == "GQA"


def test_attention_flops_formula():
    assert attention_flops(1024, 8, 64) == 4 * 1024**2 * 64 * 8
    causal = attention_flops(1024, 8, 64, causal=True)
    assert causal == 4 * (1024 * 1025 // 2) * 64 * 8
    assert attention_flops(10, 1, 4, seq_len_k=20, d_v=2) == 2 * 10 * 20 * (4 + 2)


def test_projection_flops_gqa_saves_kv():
    mha = projection_flops(1, 4096, 32, 128)
    gqa = projection_flops(1, 4096, 32, 128, n_kv_heads=8)
    assert mha == 2 * 4096 * 4 * 4096
    assert gqa == 2 * 4096 * (2 * 4096 + 2 * 1024)


def test_attention_bytes_tiled_much_smaller():
    naive = attention_bytes(8192, 8, 64)
    tiled = attention_bytes(8192, 8, 64, tiled=True, block_size_q=128)
    assert naive == 4 * (4 * 8192 * 64 * 8 + 4 * 8192**2 * 8)
    assert tiled == 4 * (2 * 8192 * 64 * 8 + 2 * 8192 * 64 * 8 * 64)
    # The ratio is 2 * block_size_q / d_k = 4 for the n^2 terms.
    assert 3.9 < naive / tiled < 4


# Table 1 of Vaswani et al. (2017), checked through the FLOP formulas: the
# growth in n and in d of each row, and the crossover n = d between
# self-attention and recurrence that section 4 of the paper points out.
def growth(layer_type, factor_n, factor_d, **options):
    base = layer_flops(layer_type, 64, 32, **options)
    return layer_flops(layer_type, 64 * factor_n, 32 * factor_d, **options) / base


def test_table_1_self_attention_is_n2_d():
    assert growth("self_attention", 2, 1) == 4
    assert growth("self_attention", 1, 2) == 2
    assert COMPLEXITY_TABLE["self_attention"][0] == "O(n^2 · d)"


def test_table_1_recurrent_is_n_d2():
    assert growth("recurrent", 2, 1) == 2
    assert growth("recurrent", 1, 2) == 4


def test_table_1_convolutional_is_k_n_d2():
    assert growth("convolutional", 2, 1, kernel_size=3) == 2
    assert growth("convolutional", 1, 2, kernel_size=3) == 4
    assert layer_flops("convolutional", 64, 32, kernel_size=6) == 2 * layer_flops(
        "convolutional", 64, 32, kernel_size=3
    )


def test_table_1_restricted_is_r_n_d():
    assert growth("restricted_self_attention", 2, 1, neighborhood=8) == 2
    assert growth("restricted_self_attention", 1, 2, neighborhood=8) == 2
    assert layer_flops("restricted_self_attention", 64, 32, neighborhood=16) == 2 * (
        layer_flops("restricted_self_attention", 64, 32, neighborhood=8)
    )


def test_table_1_crossover_at_n_equals_d():
    d = 512
    for n, attention_cheaper in ((256, True), (512, False), (1024, False)):
        cheaper = layer_flops("self_attention", n, d) < layer_flops("recurrent", n, d)
        assert cheaper is attention_cheaper
    assert layer_flops("self_attention", d, d) == layer_flops("recurrent", d, d)


def test_table_1_sequential_and_path_length():
    n = 1000
    assert [sequential_operations(t, n) for t in LAYER_TYPES] == [1, n, 1, 1]
    assert max_path_length("self_attention", n) == 1
    assert max_path_length("recurrent", n) == n
    assert max_path_length("convolutional", n, kernel_size=10) == 3
    assert max_path_length("convolutional", 243, kernel_size=3) == 5
    assert max_path_length("convolutional", n, kernel_size=10, dilated=False) == 100
    assert max_path_length("restricted_self_attention", n, neighborhood=64) == 16
