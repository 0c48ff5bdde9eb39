"""SVG figures and the KV-cache table: escaping, language, bytes, accessibility."""

from __future__ import annotations

import re

import numpy as np
import pytest

import attention_core as ac

HOSTILE = ["<script>alert(1)</script>", "a&b", '"q"', "'s'", "x>y"]
ESCAPED = [
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "a&amp;b",
    "&quot;q&quot;",
    "&#x27;s&#x27;",
    "x&gt;y",
]


def _figures(tokens, caption=None, lang="en"):
    """Render one of each figure with ``tokens`` as labels."""
    n = len(tokens)
    weights = ac.softmax(np.zeros((n, n)))
    lens = [256, 1024]
    line = ac.cost_series("flops", lens, n_heads=8, d_k=64)
    return {
        "heatmap": ac.heatmap(weights, tokens, lang=lang, caption=caption),
        "heads": ac.heatmap(np.stack([weights, weights]), tokens, lang=lang,
                            head_labels=tokens[:2], caption=caption),
        "mask": ac.mask_figure(ac.causal_mask(n), tokens, name=tokens[0],
                               lang=lang, caption=caption),
        "cost": ac.cost_chart("flops", lens, [(t, line) for t in tokens[:5]],
                              lang=lang, caption=caption),
    }  # fmt: skip


@pytest.mark.parametrize("kind", ["heatmap", "heads", "mask", "cost"])
def test_figure_escapes_hostile_labels(kind):
    markup = _figures(HOSTILE, caption=HOSTILE[0])[kind].markup
    assert "<script>" not in markup
    for text in ESCAPED:
        assert text in markup


@pytest.mark.parametrize("kind", ["heatmap", "heads", "mask", "cost"])
def test_figure_escapes_title_and_desc(kind):
    markup = _figures(HOSTILE)[kind].markup
    title = re.search(r"<title [^>]*>(.*?)</title>", markup).group(1)
    desc = re.search(r"<desc [^>]*>(.*?)</desc>", markup).group(1)
    text = title + desc
    assert "<" not in text
    # Each figure names some of the tokens in its title or description.
    assert any(escaped in text for escaped in ESCAPED)


def test_kv_table_escapes_model_name():
    model = ac.ModelConfig("<b>&x</b>", 2, 16, 2, 2, 8, None, None, "test")
    markup = ac.kv_cache_table([model], caption='"<cap>"').markup
    assert "<b>" not in markup
    assert "&lt;b&gt;&amp;x&lt;/b&gt;" in markup
    assert "&quot;&lt;cap&gt;&quot;" in markup


@pytest.mark.parametrize("kind", ["heatmap", "heads", "mask", "cost"])
def test_figure_is_accessible_svg(kind):
    markup = _figures(["<s>", "a", "b"])[kind].markup
    svg = re.search(r"<svg [^>]*>", markup).group(0)
    element_id = re.search(r'id="([^"]+)"', svg).group(1)
    assert 'role="img"' in svg
    assert f'aria-labelledby="{element_id}-title {element_id}-desc"' in svg
    assert f'<title id="{element_id}-title">' in markup
    assert f'<desc id="{element_id}-desc">' in markup
    assert "Noto Sans CJK SC" in svg
    region = re.search(r'<div class="attn-scroll"[^>]*>', markup).group(0)
    assert 'tabindex="0"' in region
    assert 'role="region"' in region
    assert 'aria-label="' in region


@pytest.mark.parametrize("kind", ["heatmap", "heads", "mask", "cost"])
def test_figure_colours_come_from_css(kind):
    markup = _figures(["a", "b", "c"])[kind].markup
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", markup)
    assert 'fill="rgb' not in markup
    assert "<script" not in markup


@pytest.mark.parametrize("kind", ["heatmap", "heads", "mask", "cost"])
def test_figure_bytes_are_deterministic(kind):
    first = _figures(["a", "b", "c"])[kind].markup
    second = _figures(["a", "b", "c"])[kind].markup
    other = _figures(["a", "b", "d"])[kind].markup
    assert first == second
    first_id = re.search(r'<svg [^>]*id="([^"]+)"', first).group(1)
    other_id = re.search(r'<svg [^>]*id="([^"]+)"', other).group(1)
    assert first_id != other_id


@pytest.mark.parametrize("kind", ["heatmap", "heads", "mask", "cost"])
def test_figure_words_follow_language(kind):
    english = _figures(["a", "b", "c"], lang="en")[kind].markup
    chinese = _figures(["a", "b", "c"], lang="zh")[kind].markup
    caption_zh = re.search(r"<figcaption>(.*?)</figcaption>", chinese).group(1)
    title_zh = re.search(r"<title [^>]*>(.*?)</title>", chinese).group(1)
    assert re.search(r"[\u4e00-\u9fff]", caption_zh)
    assert re.search(r"[\u4e00-\u9fff]", title_zh)
    assert not re.search(r"[\u4e00-\u9fff]", english)


def test_heatmap_of_64_tokens_and_4_heads_stays_small():
    weights = ac.softmax(np.random.default_rng(0).standard_normal((4, 64, 64)))
    markup = ac.heatmap(weights, [str(i) for i in range(64)]).markup
    assert len(markup) < 200_000
    assert markup.count('class="attn-svg-head"') == 4


def test_heatmap_shares_one_colour_scale():
    low = np.full((2, 2), 0.5)
    high = np.array([[1.0, 0.0], [0.0, 1.0]])
    markup = ac.heatmap(np.stack([low, high]), ["a", "b"]).markup
    # One legend for both heads, scaled to the largest weight of either.
    assert markup.count("linearGradient id=") == 1
    assert 'fill-opacity="0.50"' in markup
    assert 'fill-opacity="1.00"' in markup


def test_heatmap_prints_values_for_small_matrices():
    weights = np.array([[1.0, 0.0], [0.25, 0.75]])
    markup = ac.heatmap(weights, ["a", "b"], mask=ac.causal_mask(2)).markup
    assert ">0.75</text>" in markup
    assert ">0.25</text>" in markup
    assert 'class="attn-heat-masked"' in markup


def test_mask_figure_counts_pairs_in_description():
    mask = ac.sliding_window_mask(8, 3)
    markup = ac.mask_figure(mask, name="window", lang="en").markup
    allowed = int(mask.sum())
    assert f"{allowed} of 64 query-key pairs may attend" in markup


def test_grid_paths_merge_runs():
    paths = ac.grid_paths(ac.causal_mask(3).tolist(), x0=0, y0=0, cell=10)
    assert paths[True] == "M0 0h10v10h-10zM0 10h20v10h-20zM0 20h30v10h-30z"
    assert paths[False] == "M10 0h20v10h-20zM20 10h10v10h-10z"


def test_cost_chart_draws_one_line_per_config():
    lens = [512, 1024, 2048]
    series = [
        ("full", ac.cost_series("flops", lens, n_heads=8, d_k=64)),
        ("causal", ac.cost_series("flops", lens, n_heads=8, d_k=64, causal=True)),
    ]
    markup = ac.cost_chart("flops", lens, series).markup
    assert markup.count("<polyline") == 2
    assert "attn-series-1" in markup and "attn-series-2" in markup
    # The description states each line's numbers, for screen readers.
    assert "full: 536.9 MFLOP at 512 tokens" in markup


def test_kv_table_matches_cost_model():
    llama = ac.MODELS["llama-3-8b"]
    mistral = ac.MODELS["mistral-7b"]
    markup = ac.kv_cache_table([llama, mistral], ["bf16"], [8192, 32768]).markup
    # 32 layers x 8 KV heads x 128 x 2 (K and V) x 2 bytes = 128 KiB a token.
    assert "<td>128.0 KiB</td><td>1.0 GiB</td><td>4.0 GiB</td>" in markup
    # Mistral caps its cache at the 4096-token window.
    assert "<td>4K</td><td>bf16</td><td>128.0 KiB</td><td>512.0 MiB</td>" in markup
    assert '<th scope="row">mistral-7b</th>' in markup


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1048575, "1.0 MiB"),
     (3 * 2**30, "3.0 GiB")],
)  # fmt: skip
def test_format_bytes(value, text):
    assert ac.format_bytes(value) == text
