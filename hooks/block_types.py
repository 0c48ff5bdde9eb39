"""The attention blocks an author can write, each with its options and renderer.

Every block type has a name (the word after the opening fence), an option
spec, and a ``render`` function that takes validated options and a
``BlockContext`` and returns HTML.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import yaml
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

import attention_core as ac
from hooks.errors import BlockError
from hooks.options import Option, parse_options

__all__ = ["BLOCK_TYPES", "BlockContext", "BlockType"]

# A weight table prints every cell, so it stays readable only up to this many
# tokens; larger matrices belong in a heatmap figure.
MAX_TABLE_TOKENS = 32


@dataclass(frozen=True)
class BlockContext:
    """Rendering context of a block: the page language and the path to the site root."""

    lang: str
    # Relative URL from the page to the root of the whole site (the English
    # root, which also serves the shared runtime files), ending in "/".
    site_root: str
    wheel_path: str
    pyodide_index: str


@dataclass(frozen=True)
class BlockType:
    """A block type: its fence name, reader-facing name, options and renderer."""

    name: str
    title: str
    options: tuple[Option, ...]
    render: Callable[[dict[str, Any], BlockContext], str]
    # Splits the fence body into (YAML options, extra text such as code).
    split_body: Callable[[str], tuple[str, str, int]] | None = None


def load_yaml(text: str, block: str, line_offset: int = 1):
    """Parse YAML options, turning a syntax error into a ``BlockError`` at its line."""
    try:
        return yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = line_offset + (mark.line if mark is not None else 0)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise BlockError(
            f"{block}: invalid YAML: {problem}; write options as `name: value` lines",
            line_offset=line,
        ) from err


def _tokens(value: Any) -> list[str]:
    """Accept a list of tokens or one string of whitespace-separated tokens."""
    tokens = value.split() if isinstance(value, str) else value
    if not all(isinstance(token, (str, int, float)) for token in tokens):
        raise ValueError("each token must be a string")
    tokens = [str(token) for token in tokens]
    if not tokens:
        raise ValueError("expected at least one token, got an empty list")
    if len(tokens) > MAX_TABLE_TOKENS:
        raise ValueError(
            f"a weight table shows at most {MAX_TABLE_TOKENS} tokens "
            f"(got {len(tokens)}); "
            "use a heatmap for larger matrices"
        )
    return tokens


# -- Weight table -----------------------------------------------------------

WEIGHT_TABLE_OPTIONS = (
    Option("tokens", (list, str), required=True, convert=_tokens,
           help="list the tokens, for example `tokens: <s> the cat sat`"),
    Option("scores", str, default="toy", choices=("toy",),
           help="how the scores are produced"),
    Option("seed", int, default=0, minimum=0),
    Option("d_model", int, default=16, minimum=1, maximum=4096),
    Option("d_k", int, default=16, minimum=1, maximum=4096),
    Option("mask", str, default="causal", choices=("causal", "none")),
    Option("temperature", float, default=1.0, minimum=1e-3, maximum=1e3),
    Option("decimals", int, default=2, minimum=0, maximum=6),
    Option("row_sums", bool, default=False),
    Option("caption", str, default=None),
)  # fmt: skip


def weight_table_weights(options: dict[str, Any]) -> np.ndarray:
    """Compute the weights a weight-table block shows, from its options."""
    tokens = options["tokens"]
    q, k = ac.toy_queries_keys(
        tokens, options["d_model"], options["d_k"], options["seed"]
    )
    mask = ac.causal_mask(len(tokens)) if options["mask"] == "causal" else None
    scale = 1.0 / (np.sqrt(options["d_k"]) * options["temperature"])
    _, weights = ac.scaled_dot_product_attention(q, k, k, mask=mask, scale=scale)
    return weights  # (seq_len, seq_len)


def render_weight_table(options: dict[str, Any], context: BlockContext) -> str:
    weights = weight_table_weights(options)
    causal = options["mask"] == "causal"
    table = ac.weight_table(
        weights,
        options["tokens"],
        lang=context.lang,
        caption=options["caption"],
        causal=causal,
        mask=ac.causal_mask(len(options["tokens"])) if causal else None,
        decimals=options["decimals"],
        row_sums=options["row_sums"],
    )
    return table.markup


# -- Demo -------------------------------------------------------------------

_DEMO_LABELS = {
    "en": {"run": "Run", "output": "Output", "code": "Demo code"},
    "zh": {"run": "运行", "output": "输出", "code": "演示代码"},
}

DEMO_OPTIONS = (
    Option("title", str, default=None),
)  # fmt: skip


def split_demo_body(body: str) -> tuple[str, str, int]:
    """Split a demo body into its YAML header and its code.

    The header is optional: it sits between two ``---`` lines at the top.
    Returns the header, the code, and the body line where the code starts.
    """
    lines = body.split("\n")
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 1
        raise BlockError(
            "demo: the options header opened by `---` has no closing `---` line"
        )
    return "", body, 0


def _json_for_script(value: Any) -> str:
    # "<" is escaped so that no string can close the surrounding <script>.
    return json.dumps(value, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")


def render_demo(options: dict[str, Any], context: BlockContext) -> str:
    code = options["code"]
    result = ac.run_demo(code)
    if result.failed:
        raise BlockError(
            f"demo: the code raised at build time:\n{result.error_text.rstrip()}",
            line_offset=options["code_line"] + (result.error_line or 1),
        )
    labels = _DEMO_LABELS[context.lang]
    spec = {
        "code": code,
        "lang": context.lang,
        "wheel": context.site_root + context.wheel_path,
        "pyodide": context.pyodide_index,
    }
    highlighted = highlight(code, PythonLexer(), HtmlFormatter(nowrap=True))
    spec_json = _json_for_script(spec)
    run_button = (
        f'<button type="button" class="md-button attn-demo-run">{labels["run"]}'
    )
    status = '<span class="attn-demo-status" role="status" aria-live="polite"></span>'
    return "\n".join(
        [
            '<div class="attn-demo">',
            '<script type="application/json" class="attn-demo-spec">'
            f"{spec_json}</script>",
            f'<div class="attn-demo-code highlight" aria-label="{labels["code"]}">'
            f"<pre><code>{highlighted}</code></pre></div>",
            f'<div class="attn-demo-toolbar">{run_button}</button>{status}</div>',
            f'<div class="attn-demo-output" aria-label="{labels["output"]}" '
            f'data-origin="build">{ac.render_output(result)}</div>',
            "</div>",
        ]
    )


BLOCK_TYPES = {
    block.name: block
    for block in (
        BlockType(
            "attention-table", "weight table", WEIGHT_TABLE_OPTIONS, render_weight_table
        ),
        BlockType("attention-demo", "demo", DEMO_OPTIONS, render_demo, split_demo_body),
    )
}


def read_block(block_type: BlockType, body: str) -> dict[str, Any]:
    """Parse and validate a block body into render options."""
    header, extra, extra_line = body, "", 0
    if block_type.split_body is not None:
        header, extra, extra_line = block_type.split_body(body)
    raw = load_yaml(
        header, block_type.title, line_offset=2 if block_type.split_body else 1
    )
    options = parse_options(raw, block_type.options, block_type.title)
    if block_type.split_body is not None:
        if not extra.strip():
            raise BlockError(
                f"{block_type.title}: the block has no code; "
                "write Python below the options"
            )
        options["code"] = extra
        options["code_line"] = extra_line
    return options
