"""Attention configurations of published models, with their sources.

Each entry gives the numbers that the cost model needs. ``context_len`` is
the training context length that the source states; ``window`` is set only
for models that use sliding-window attention in every layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._validate import check_int
from .cost import kv_cache_bytes, kv_cache_bytes_per_token

__all__ = ["ModelConfig", "MODELS", "get_model"]


@dataclass(frozen=True)
class ModelConfig:
    """Attention shape of one published model.

    Examples
    --------
    >>> config = MODELS["llama-3-8b"]
    >>> config.attention_type, config.kv_cache_bytes_per_token("bf16") // 1024
    ('GQA', 128)
    """

    name: str
    n_layers: int
    d_model: int
    n_heads: int
    n_kv_heads: int
    d_head: int
    context_len: int | None
    window: int | None
    source: str

    def __post_init__(self) -> None:
        for field in ("n_layers", "d_model", "n_heads", "n_kv_heads", "d_head"):
            check_int(getattr(self, field), field, minimum=1)
        if self.n_heads % self.n_kv_heads:
            raise ValueError(
                f"n_kv_heads={self.n_kv_heads} does not divide n_heads={self.n_heads}"
            )

    @property
    def attention_type(self) -> str:
        """ "MHA", "GQA" or "MQA", from the number of key/value heads."""
        if self.n_kv_heads == self.n_heads:
            return "MHA"
        if self.n_kv_heads == 1:
            return "MQA"
        return "GQA"

    def kv_cache_bytes_per_token(self, dtype: str = "fp16") -> int:
        """Return the KV-cache bytes one token adds across all layers."""
        return kv_cache_bytes_per_token(
            self.n_layers, self.n_kv_heads, self.d_head, dtype
        )

    def kv_cache_bytes(self, seq_len: int, dtype: str = "fp16", batch: int = 1) -> int:
        """Return the KV-cache bytes of a batch, capped at the window if any."""
        return kv_cache_bytes(
            self.n_layers,
            self.n_kv_heads,
            self.d_head,
            seq_len,
            dtype=dtype,
            batch=batch,
            window=self.window,
        )


_CONFIGS = (
    ModelConfig(
        name="transformer-base",
        n_layers=6,
        d_model=512,
        n_heads=8,
        n_kv_heads=8,
        d_head=64,
        context_len=None,
        window=None,
        source="Vaswani et al. 2017, Attention Is All You Need, Table 3 (base)",
    ),
    ModelConfig(
        name="gpt-3-175b",
        n_layers=96,
        d_model=12288,
        n_heads=96,
        n_kv_heads=96,
        d_head=128,
        context_len=2048,
        window=None,
        source="Brown et al. 2020, Language Models are Few-Shot Learners, Table 2.1",
    ),
    ModelConfig(
        name="opt-13b",
        n_layers=40,
        d_model=5120,
        n_heads=40,
        n_kv_heads=40,
        d_head=128,
        context_len=2048,
        window=None,
        source="Zhang et al. 2022, OPT: Open Pre-trained Transformer Language "
        "Models, Table 1",
    ),
    ModelConfig(
        name="llama-2-7b",
        n_layers=32,
        d_model=4096,
        n_heads=32,
        n_kv_heads=32,
        d_head=128,
        context_len=4096,
        window=None,
        source="Touvron et al. 2023, Llama 2, Table 1; config.json of "
        "meta-llama/Llama-2-7b-hf",
    ),
    ModelConfig(
        name="llama-2-70b",
        n_layers=80,
        d_model=8192,
        n_heads=64,
        n_kv_heads=8,
        d_head=128,
        context_len=4096,
        window=None,
        source="Touvron et al. 2023, Llama 2, Table 1; config.json of "
        "meta-llama/Llama-2-70b-hf",
    ),
    ModelConfig(
        name="llama-3-8b",
        n_layers=32,
        d_model=4096,
        n_heads=32,
        n_kv_heads=8,
        d_head=128,
        context_len=8192,
        window=None,
        source="config.json of meta-llama/Meta-Llama-3-8B",
    ),
    ModelConfig(
        name="llama-3-70b",
        n_layers=80,
        d_model=8192,
        n_heads=64,
        n_kv_heads=8,
        d_head=128,
        context_len=8192,
        window=None,
        source="config.json of meta-llama/Meta-Llama-3-70B",
    ),
    ModelConfig(
        name="mistral-7b",
        n_layers=32,
        d_model=4096,
        n_heads=32,
        n_kv_heads=8,
        d_head=128,
        context_len=8192,
        window=4096,
        source="Jiang et al. 2023, Mistral 7B, Table 1",
    ),
    ModelConfig(
        name="falcon-7b",
        n_layers=32,
        d_model=4544,
        n_heads=71,
        n_kv_heads=1,
        d_head=64,
        context_len=2048,
        window=None,
        source="config.json of tiiuae/falcon-7b (multi_query: true); "
        "Almazrouei et al. 2023, The Falcon Series of Open Language Models",
    ),
)

# Published configurations by name, in the order above.
MODELS: dict[str, ModelConfig] = {config.name: config for config in _CONFIGS}


def get_model(name: str) -> ModelConfig:
    """Look up a published configuration by name.

    Parameters
    ----------
    name : str
        A key of ``MODELS``, for example "mistral-7b".

    Returns
    -------
    ModelConfig

    Examples
    --------
    >>> get_model("falcon-7b").attention_type
    'MQA'
    """
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; expected one of {', '.join(MODELS)}")
    return MODELS[name]
