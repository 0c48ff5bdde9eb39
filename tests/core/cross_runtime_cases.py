"""A fixed set of attention_core calls, run in CPython and in Pyodide.

``run_cases()`` returns a JSON-ready dict with one entry per public name of
the core modules. Each entry contains text (compared exactly across runtimes)
and float64 arrays (compared within 1e-12). The file imports only numpy and
attention_core, so that it runs unchanged inside Pyodide.
"""

from __future__ import annotations

import numpy as np

import attention_core as ac

# Public names of the core modules that are types or constants, not
# functions. The calls below return or read each of them.
NOT_CALLED = {
    "Projections",
    "AdditiveParams",
    "TileCounts",
    "ModelConfig",
    "COMPLEXITY_TABLE",
    "DTYPE_BITS",
    "LAYER_TYPES",
    "MODELS",
}

LAYER_OPTIONS = {
    "self_attention": {},
    "recurrent": {},
    "convolutional": {"kernel_size": 3},
    "restricted_self_attention": {"neighborhood": 16},
}


def _array(x) -> dict:
    x = np.asarray(x, dtype=np.float64)
    return {"shape": list(x.shape), "values": x.ravel().tolist()}


def _mask_text(mask) -> str:
    rows = np.asarray(mask).reshape(-1, np.asarray(mask).shape[-1])
    return "\n".join("".join("1" if cell else "." for cell in row) for row in rows)


def _error_text(function, *args, **kwargs) -> str:
    try:
        function(*args, **kwargs)
    except (TypeError, ValueError) as err:
        return f"{type(err).__name__}: {err}"
    return "no error"


def _inputs(seed: int, *shape: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def run_cases() -> dict[str, dict]:
    """Call every public function once or more and collect the results."""
    q = _inputs(0, 2, 6, 4)
    k = _inputs(1, 2, 6, 4)
    v = _inputs(2, 2, 6, 3)
    x = _inputs(3, 5, 8)
    p = ac.init_projections(8, 4, seed=1)
    p_gqa = ac.init_projections(8, 4, 2, seed=2)
    cases: dict[str, dict] = {}

    # softmax and scaled dot-product attention.
    cases["softmax"] = {
        "weights": _array(ac.softmax([[1.0, 2.0, -np.inf], [-np.inf] * 3])),
        "error": _error_text(ac.softmax, [np.nan]),
    }
    output, weights = ac.scaled_dot_product_attention(
        q, k, v, mask=ac.causal_mask(6), scale=0.7
    )
    cases["scaled_dot_product_attention"] = {
        "output": _array(output),
        "weights": _array(weights),
        "error": _error_text(ac.scaled_dot_product_attention, q, k[..., :3], v),
    }

    # Masks.
    cases["causal_mask"] = {"text": _mask_text(ac.causal_mask(4))}
    cases["padding_mask"] = {
        "text": _mask_text(ac.padding_mask([2, 4], mask_queries=True))
    }
    cases["sliding_window_mask"] = {
        "text": _mask_text(ac.sliding_window_mask(6, 3))
        + "\n\n"
        + _mask_text(ac.sliding_window_mask(6, 3, causal=False))
    }
    cases["dilated_mask"] = {
        "text": _mask_text(ac.dilated_mask(7, 3, dilation=2, causal=False))
    }
    cases["global_mask"] = {"text": _mask_text(ac.global_mask(5, [0, -1]))}
    cases["block_sparse_layout"] = {
        "text": _mask_text(ac.block_sparse_layout(8, n_random_blocks=2, seed=7))
    }
    cases["block_sparse_mask"] = {
        "text": _mask_text(ac.block_sparse_mask(12, 3, n_random_blocks=1, seed=3))
    }
    cases["combine_masks"] = {
        "text": _mask_text(
            ac.combine_masks(
                ac.sliding_window_mask(5, 2), ac.global_mask(5, [0]), op="or"
            )
        )
    }
    cases["mask_to_bias"] = {"bias": _array(ac.mask_to_bias(ac.causal_mask(3)))}

    # Multi-head and grouped-query attention.
    cases["init_projections"] = {"w_q": _array(p.w_q), "w_o": _array(p.w_o)}
    cases["split_heads"] = {"shape": str(ac.split_heads(x, 4).shape)}
    cases["merge_heads"] = {"x": _array(ac.merge_heads(ac.split_heads(x, 2)))}
    output, weights = ac.multi_head_attention(
        x, x, x, p, n_heads=4, mask=ac.causal_mask(5)
    )
    cases["multi_head_attention"] = {
        "output": _array(output),
        "weights": _array(weights),
    }
    cases["repeat_kv"] = {"x": _array(ac.repeat_kv(q, 2))}
    output, weights = ac.grouped_dot_product_attention(
        _inputs(4, 4, 5, 2), _inputs(5, 2, 5, 2), _inputs(6, 2, 5, 3)
    )
    cases["grouped_dot_product_attention"] = {
        "output": _array(output),
        "weights": _array(weights),
    }
    output, weights = ac.grouped_query_attention(x, x, x, p_gqa, 4, 2)
    cases["grouped_query_attention"] = {
        "output": _array(output),
        "error": _error_text(ac.grouped_query_attention, x, x, x, p_gqa, 4, 3),
    }
    cases["pool_kv_heads"] = {"w_k": _array(ac.pool_kv_heads(p, 4, 1).w_k)}

    # KV caches and decoding.
    cache = ac.KVCache()
    for t in range(3):
        cache.append(k[:, t : t + 1], v[:, t : t + 1])
    rolling = ac.RollingKVCache(window=2)
    for t in range(5):
        rolling.append(k[:, t : t + 1], v[:, t : t + 1])
    cases["KVCache"] = {
        "keys": _array(cache.keys),
        "text": f"{len(cache)} {cache.nbytes}",
    }
    cases["RollingKVCache"] = {
        "keys": _array(rolling.keys),
        "text": f"{rolling.positions.tolist()} {rolling.nbytes}",
    }
    output, weights = ac.decode_step(q[:, :1], k[:, :1], v[:, :1], ac.KVCache())
    cases["decode_step"] = {"output": _array(output), "weights": _array(weights)}
    output, weights = ac.decode_sequence(q, k, v, window=3)
    cases["decode_sequence"] = {"output": _array(output), "weights": _array(weights)}

    # Tiled attention.
    output, counts = ac.tiled_attention(
        q, k, v, causal=True, block_size_q=2, block_size_k=4
    )
    cases["tiled_attention"] = {"output": _array(output), "text": repr(counts)}
    cases["tile_layout"] = {
        "text": str(ac.tile_layout(9, 9, 2, 3, causal=True, window=4).tolist())
    }

    # Additive attention.
    params = ac.init_additive_params(4, 4, 5, seed=3)
    cases["init_additive_params"] = {"v_a": _array(params.v_a)}
    output, weights = ac.additive_attention(
        q, k, v, mask=ac.causal_mask(6), params=params
    )
    cases["additive_attention"] = {"output": _array(output), "weights": _array(weights)}

    # Cost model and published configurations.
    cases["dtype_bits"] = {"text": str([ac.dtype_bits(d) for d in ac.DTYPE_BITS])}
    cases["attention_flops"] = {
        "text": str(
            [ac.attention_flops(4096, 32, 128, causal=c) for c in (False, True)]
        )
    }
    cases["projection_flops"] = {
        "text": str(ac.projection_flops(4096, 4096, 32, 128, 8))
    }
    cases["attention_bytes"] = {
        "text": str([ac.attention_bytes(8192, 8, 64, tiled=t) for t in (False, True)])
    }
    cases["kv_cache_bytes_per_token"] = {
        "text": str(ac.kv_cache_bytes_per_token(40, 40, 128, "fp16"))
    }
    cases["kv_cache_bytes"] = {
        "text": str(ac.kv_cache_bytes(32, 8, 128, 32768, dtype="int4", window=4096))
    }
    cases["sliding_window_span"] = {"text": str(ac.sliding_window_span(4096, 32))}
    table = []
    for layer_type in ac.LAYER_TYPES:
        options = LAYER_OPTIONS[layer_type]
        table.append(
            (
                layer_type,
                ac.layer_flops(layer_type, 1000, 512, **options),
                ac.sequential_operations(layer_type, 1000),
                ac.max_path_length(layer_type, 1000, **options),
                ac.COMPLEXITY_TABLE[layer_type],
            )
        )
    text = str(table)
    cases["layer_flops"] = {"text": text}
    cases["sequential_operations"] = {"text": text}
    cases["max_path_length"] = {"text": text}
    cases["get_model"] = {
        "text": "\n".join(
            f"{c.name} {c.attention_type} {c.kv_cache_bytes_per_token('bf16')} "
            f"{c.kv_cache_bytes(100_000)} {c.source}"
            for c in map(ac.get_model, ac.MODELS)
        )
    }
    return cases
