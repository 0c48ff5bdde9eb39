"""Figures the pages quote from papers match attention_core and their source."""

from __future__ import annotations

import re

import pytest

import attention_core as ac
from attention_core.references import PAPERS, PUBLISHED_FIGURES
from tests.content.pages import LANGUAGES, article_html, article_text, built_page


def _near(text: str, name: str, figure: str) -> bool:
    """Whether ``figure`` is quoted within a clause of ``name``, in either order."""
    name = re.escape(name)
    return bool(
        re.search(
            rf"{name}[^;。；]{{0,60}}?{figure}|{figure}(?: faster)? on (?:the )?{name}",
            text,
        )
    )


def _text(site, source, lang) -> str:
    return article_text(built_page(site, source, lang))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mistral_span_matches_cost_model(built_site, lang):
    config = ac.get_model("mistral-7b")
    span = ac.sliding_window_span(config.window, config.n_layers)
    quoted = PUBLISHED_FIGURES["jiang2023", "theoretical attention span"]
    assert span // 1000 == quoted.value

    text = _text(built_site, "masks.md", lang)
    assert f"{quoted.value:g}K" in text
    assert re.search(r"W = 4096\b", text)
    assert "Jiang" in text
    assert f"{span:,}" in article_html(built_page(built_site, "masks.md", lang))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_opt_13b_kv_cache_matches(built_site, lang):
    per_token = ac.get_model("opt-13b").kv_cache_bytes_per_token("fp16")
    quoted = PUBLISHED_FIGURES["kwon2023", "OPT-13B KV cache per token"]
    # Kwon et al. write KB for 1024 bytes: 2 * 5120 * 40 * 2 bytes = 800 KiB.
    assert per_token == quoted.value * 1024

    text = _text(built_site, "kv-cache.md", lang)
    assert re.search(r"OPT-13B.{0,80}800 KB", text)
    assert "Kwon" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_llama_3_8b_kv_cache_matches(built_site, lang):
    per_token = ac.get_model("llama-3-8b").kv_cache_bytes_per_token("bf16")
    stated = re.search(
        r"Llama 3 8B.{0,120}?= (?:每个词元 )?(\d+) KiB",
        _text(built_site, "kv-cache.md", lang),
    )
    assert stated, "the page no longer states the Llama 3 8B size"
    assert int(stated[1]) * 1024 == per_token


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ainslie_table_quoted_exactly(built_site, lang):
    text = _text(built_site, "kv-cache.md", lang)
    assert "Ainslie" in text
    for name in ("MHA-XXL", "MQA-XXL", "GQA-8-XXL", "MHA-Large"):
        time = PUBLISHED_FIGURES["ainslie2023", f"{name} time"].value
        score = PUBLISHED_FIGURES["ainslie2023", f"{name} average"].value
        pattern = rf"{name} {time:.2f} ?(?:s|秒)[ ,，、]+(?:and )?{score:.1f}"
        assert re.search(pattern, text), f"{name}: expected {time} s and {score}"
    share = PUBLISHED_FIGURES["ainslie2023", "uptraining share"].value
    assert f"{share:g}%" in text


def test_ainslie_ratio_matches_head_counts():
    # GQA with G groups shrinks the cache by n_heads / G: Llama 2 70B keeps
    # 8 KV heads for 64 query heads.
    config = ac.get_model("llama-2-70b")
    mha = ac.kv_cache_bytes_per_token(config.n_layers, config.n_heads, config.d_head)
    assert mha // config.kv_cache_bytes_per_token() == config.n_heads // 8


@pytest.mark.parametrize("lang", LANGUAGES)
def test_flashattention_figures_quoted(built_site, lang):
    text = _text(built_site, "kernels.md", lang)
    assert "Dao" in text
    bert = PUBLISHED_FIGURES["dao2022", "BERT-large speed-up"].value
    gpt2 = PUBLISHED_FIGURES["dao2022", "GPT-2 speed-up"].value
    lra = PUBLISHED_FIGURES["dao2022", "Long Range Arena speed-up"].value
    assert _near(text, "BERT-large", rf"{bert:g}%")
    assert _near(text, "GPT-2", rf"{gpt2:g} ?(?:×|倍)")
    assert _near(text, "Long Range Arena", rf"{lra:g} ?(?:×|倍)")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_vaswani_table_1_rows_printed(built_site, lang):
    html = article_html(built_page(built_site, "cost.md", lang))
    for complexity, sequential, path in ac.COMPLEXITY_TABLE.values():
        for cell in (complexity, sequential, path):
            assert f"<td>{cell}</td>" in html, cell


def test_every_quoted_paper_is_referenced(built_site):
    for lang in LANGUAGES:
        text = _text(built_site, "references.md", lang)
        for paper in PAPERS.values():
            assert paper.arxiv in text, f"{paper.key} missing from {lang} references"
    for figure in PUBLISHED_FIGURES.values():
        assert figure.paper in PAPERS
