"""The demo block: Python code run at build time and again in the browser."""

from __future__ import annotations

import json
from typing import Any

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

import attention_core as ac
from hooks.block_base import BlockContext, BlockType
from hooks.errors import BlockError
from hooks.options import Option

__all__ = ["DEMO_BLOCK"]


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


DEMO_BLOCK = BlockType(
    "attention-demo", "demo", DEMO_OPTIONS, render_demo, split_demo_body
)
