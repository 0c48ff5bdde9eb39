"""The demo block: Python code run at build time and again in the browser.

A demo may start with a YAML header between two ``---`` lines::

    ---
    controls:
      - {name: temperature, type: slider, min: 0.1, max: 5, step: 0.1,
         default: 1.0, label: Temperature}
      - {name: mask, type: select, options: [causal, none], default: causal}
      - {name: sentence, type: text, default: "the cat sat", label: Sentence}
    shared: false
    reproducible: true
    ---
    <python code that uses temperature, mask and sentence as variables>

The build runs the code with each control at its default and embeds the
output; the page also carries the code, the controls and the runtime URLs so
the browser can rerun it. Demos with ``shared: true`` run in one namespace,
in page order, at build time and in the browser. ``reproducible: false``
marks a demo whose output changes from run to run, such as a timing.
"""

from __future__ import annotations

import builtins
import html
import json
import keyword
import math
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

import attention_core as ac
from hooks.block_base import SAFE_LOADER, BlockContext, BlockType
from hooks.errors import BlockError
from hooks.options import Option

__all__ = [
    "DEMO_BLOCK",
    "DemoContext",
    "normalize_controls",
    "shared_demos",
    "split_demo_body",
]


_DEMO_LABELS = {
    "en": {
        "run": "Run",
        "stop": "Stop",
        "reset": "Reset",
        "copy": "Copy",
        "output": "Output",
        "code": "Demo code",
        "controls": "Demo controls",
        "no_stored_output": (
            "This demo prints something different on every run (it measures "
            "time), so the page stores no output for it. Press Run to see it "
            "in your browser."
        ),
    },
    "zh": {
        "run": "运行",
        "stop": "停止",
        "reset": "重置",
        "copy": "复制",
        "output": "输出",
        "code": "演示代码",
        "controls": "演示参数",
        "no_stored_output": (
            "这个演示每次运行的输出都不同（它在计时），所以页面不保存它的输出。"
            "点击“运行”，在你的浏览器里查看。"
        ),
    },
}

CONTROL_TYPES = ("slider", "select", "text")
# Keys each control type accepts; "name", "type" and "label" are common.
_CONTROL_KEYS = {
    "slider": ("min", "max", "step", "default"),
    "select": ("options", "default"),
    "text": ("default",),
}
# Names the demo namespace already defines; a control must not hide them.
_RESERVED_NAMES = ("display", "HTML")
# Maximum length of a text control's value, in characters.
MAX_TEXT_LENGTH = 200
# A slider with more positions than this is more precise than a mouse.
MAX_SLIDER_STEPS = 10_000


@dataclass(frozen=True)
class DemoContext(BlockContext):
    """A page's block context plus the page's shared demos.

    ``shared_demos`` lists the code and control defaults of every demo of the
    page that sets ``shared: true``, in page order. It is part of the context
    so that the render cache key changes when any shared demo changes.
    """

    shared_demos: tuple[tuple[str, str], ...] = ()


def split_demo_body(body: str) -> tuple[str, str, int]:
    """Split a demo body into its YAML header and its code.

    The header is optional: it sits between two ``---`` lines at the top.
    Returns the header, the code, and the body line where the code starts.
    The controls are checked here, where their lines in the header are
    known, so that an error points at the control's own line.
    """
    lines = body.split("\n")
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                header = "\n".join(lines[1:i])
                _check_control_lines(header)
                return header, "\n".join(lines[i + 1 :]), i + 1
        raise BlockError(
            "demo: the options header opened by `---` has no closing `---` line"
        )
    return "", body, 0


def _check_control_lines(header: str) -> None:
    """Validate each control of ``header`` and report errors at its line."""
    try:
        root = yaml.compose(header, Loader=SAFE_LOADER)
        raw = yaml.load(header, Loader=SAFE_LOADER)
    except yaml.YAMLError:
        # load_yaml reports the syntax error with its line afterwards.
        return
    if not isinstance(raw, dict) or not isinstance(raw.get("controls"), list):
        return
    items = next(
        (
            value.value
            for key, value in root.value
            if key.value == "controls" and isinstance(value, yaml.SequenceNode)
        ),
        [],
    )
    seen: set[str] = set()
    for index, control in enumerate(raw["controls"]):
        # The header's first line is body line 2: the fence is 0, `---` is 1.
        line = 2 + (items[index].start_mark.line if index < len(items) else 0)
        try:
            name = _normalize_control(control, index)["name"]
        except ValueError as err:
            raise BlockError(f"demo: {err}", line_offset=line) from err
        if name in seen:
            raise BlockError(
                f"demo: control {name!r}: the name is used by an earlier control; "
                "give each control its own name",
                line_offset=line,
            )
        seen.add(name)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _normalize_control(raw: Any, index: int) -> dict[str, Any]:
    """Check one control and fill in its defaults.

    Raises
    ------
    ValueError
        With ``control 'name': what is wrong; got value``.
    """
    if not isinstance(raw, dict):
        raise ValueError(
            f"control {index + 1}: expected a mapping such as "
            f"{{name: x, type: slider, min: 0, max: 1}}; got {raw!r}"
        )
    name = raw.get("name")
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(
            f"control {index + 1}: 'name' must be a Python identifier, the "
            f"variable the code reads; got {name!r}"
        )
    prefix = f"control {name!r}"
    # Python reads identifiers in NFKC form: code that writes "ℕ" reads "N".
    normal = unicodedata.normalize("NFKC", name)
    if normal != name:
        raise ValueError(
            f"{prefix}: the code would read this name as {normal!r}; "
            f"name the control {normal!r}"
        )
    if name.startswith("__") and name.endswith("__"):
        raise ValueError(
            f"{prefix}: names with double underscores on both sides belong to "
            "Python; choose another name"
        )
    if name in _RESERVED_NAMES:
        raise ValueError(
            f"{prefix}: the name hides the demo's own {name}(); choose another name"
        )
    if name in vars(builtins):
        raise ValueError(
            f"{prefix}: the name hides Python's built-in {name}, which the demo "
            "code may need; choose another name"
        )
    kind = raw.get("type")
    if kind not in CONTROL_TYPES:
        raise ValueError(
            f"{prefix}: 'type' must be one of {', '.join(CONTROL_TYPES)}; got {kind!r}"
        )
    valid = ("name", "type", "label", *_CONTROL_KEYS[kind])
    unknown = sorted(set(raw) - set(valid), key=str)
    if unknown:
        raise ValueError(
            f"{prefix}: unknown key {unknown[0]!r} for a {kind}; valid keys are "
            f"{', '.join(valid)}"
        )
    label = raw.get("label", name)
    if not isinstance(label, str) or not label.strip():
        raise ValueError(f"{prefix}: 'label' must be a non-empty string; got {label!r}")
    control = {"name": name, "type": kind, "label": label}
    if kind == "slider":
        control.update(_normalize_slider(raw, prefix))
    elif kind == "select":
        control.update(_normalize_select(raw, prefix))
    else:
        default = raw.get("default", "")
        if not isinstance(default, str):
            raise ValueError(
                f"{prefix}: 'default' must be a string (quote it); got {default!r}"
            )
        if len(default) > MAX_TEXT_LENGTH:
            raise ValueError(
                f"{prefix}: 'default' must be at most {MAX_TEXT_LENGTH} characters; "
                f"got {len(default)}"
            )
        control["default"] = default
    return control


def _normalize_slider(raw: dict, prefix: str) -> dict[str, Any]:
    for key in ("min", "max"):
        if key not in raw:
            raise ValueError(f"{prefix}: a slider needs '{key}'; add `{key}: <number>`")
    values = {key: raw.get(key, 1) for key in ("min", "max", "step")}
    values["default"] = raw.get("default", raw["min"])
    for key, value in values.items():
        if not _is_number(value) or not math.isfinite(value):
            raise ValueError(f"{prefix}: '{key}' must be a number; got {value!r}")
    low, high, step, default = (values[k] for k in ("min", "max", "step", "default"))
    if low >= high:
        raise ValueError(f"{prefix}: 'min' must be below 'max'; got {low} and {high}")
    if step <= 0:
        raise ValueError(f"{prefix}: 'step' must be positive; got {step}")
    if (high - low) / step > MAX_SLIDER_STEPS:
        raise ValueError(
            f"{prefix}: the slider has more than {MAX_SLIDER_STEPS} positions; "
            f"use a larger 'step' than {step}"
        )
    if not low <= default <= high:
        raise ValueError(
            f"{prefix}: 'default' must be between {low} and {high}; got {default}"
        )
    positions = (default - low) / step
    if abs(positions - round(positions)) > 1e-9:
        raise ValueError(
            f"{prefix}: 'default' must be on a step, min + k * step with step "
            f"{step} from {low}; got {default}"
        )
    # All integers: the code gets an int, as the author wrote.
    if all(isinstance(v, int) for v in values.values()):
        return values
    return {key: float(value) for key, value in values.items()}


def _normalize_select(raw: dict, prefix: str) -> dict[str, Any]:
    options = raw.get("options")
    if not isinstance(options, list) or not options:
        raise ValueError(
            f"{prefix}: a select needs 'options', a non-empty list such as "
            f"[causal, none]; got {options!r}"
        )
    for option in options:
        if not isinstance(option, (str, int, float, bool)):
            raise ValueError(
                f"{prefix}: each option must be a string, number or boolean; "
                f"got {option!r}"
            )
    labels = [str(option) for option in options]
    if len(set(labels)) != len(labels):
        raise ValueError(f"{prefix}: the options repeat a value; got {options!r}")
    default = raw.get("default", options[0])
    if default not in options or type(default) is not type(
        options[options.index(default)]
    ):
        raise ValueError(
            f"{prefix}: 'default' must be one of {', '.join(labels)}; got {default!r}"
        )
    return {"options": options, "default": default}


def normalize_controls(raw: Any) -> list[dict[str, Any]]:
    """Check a demo's ``controls`` list and fill in each control's defaults.

    Raises
    ------
    ValueError
        For the first invalid control.
    """
    if not isinstance(raw, list):
        raise ValueError(
            "expected a list of controls, one `- {name: ..., type: ...}` line each"
        )
    return [_normalize_control(control, index) for index, control in enumerate(raw)]


def _defaults(controls: list[dict[str, Any]]) -> dict[str, Any]:
    return {control["name"]: control["default"] for control in controls}


def shared_demos(
    markdown: str, find_fenced_blocks, fence: str = "attention-demo"
) -> tuple[tuple[str, str], ...]:
    """List the code and default values of a page's ``shared: true`` demos.

    Invalid headers are skipped here: rendering the block reports them.
    ``find_fenced_blocks`` is the page scanner, passed in to keep this module
    free of a second fence parser.
    """
    found = []
    for block in find_fenced_blocks(markdown.split("\n")):
        # Only a header that names "shared" can set it; skipping the others
        # here spares parsing and checking every demo twice per build.
        if block.kind != fence or block.end is None or "shared" not in block.body:
            continue
        # A commented-out demo is not on the page, so it shares nothing.
        if block.commented:
            continue
        try:
            header, code, _ = split_demo_body(block.body)
            raw = yaml.load(header, Loader=SAFE_LOADER) if header.strip() else {}
            if not isinstance(raw, dict) or raw.get("shared") is not True:
                continue
            values = _defaults(normalize_controls(raw.get("controls", [])))
        except (BlockError, ValueError, yaml.YAMLError):
            continue
        found.append((code, json.dumps(values, sort_keys=True)))
    return tuple(found)


def _format_value(value: Any) -> str:
    return format(value, "g") if isinstance(value, float) else str(value)


def _control_html(control: dict[str, Any]) -> str:
    """Render one control as a labelled input with its current value."""
    name = html.escape(control["name"])
    label = f'<span class="attn-demo-label">{html.escape(control["label"])}</span>'
    kind = control["type"]
    if kind == "slider":
        value = _format_value(control["default"])
        field = (
            f'<input type="range" name="{name}" min="{control["min"]}" '
            f'max="{control["max"]}" step="{control["step"]}" value="{value}">'
            f'<output class="attn-demo-value" aria-hidden="true">{value}</output>'
        )
    elif kind == "select":
        options = "".join(
            f'<option value="{index}"'
            f"{' selected' if option == control['default'] else ''}>"
            f"{html.escape(str(option))}</option>"
            for index, option in enumerate(control["options"])
        )
        field = f'<select name="{name}">{options}</select>'
    else:
        field = (
            f'<input type="text" name="{name}" maxlength="{MAX_TEXT_LENGTH}" '
            f'value="{html.escape(control["default"])}" spellcheck="false">'
        )
    return f'<label class="attn-demo-control attn-demo-{kind}">{label}{field}</label>'


def render_demo(options: dict[str, Any], context: BlockContext) -> str:
    if options["title"] is not None and not options["title"].strip():
        raise BlockError(
            "demo: option 'title' is empty; write a title or remove the option",
            option="title",
        )
    code = options["code"]
    controls = options["controls"]
    values = _defaults(controls)
    prelude: list[tuple[str, dict]] = []
    if options["shared"]:
        entries = getattr(context, "shared_demos", ())
        own = (code, json.dumps(values, sort_keys=True))
        if entries.count(own) > 1:
            raise BlockError(
                "demo: two shared demos on this page have the same code and "
                "controls; remove one or set `shared: false` on it"
            )
        earlier = entries[: entries.index(own)] if own in entries else ()
        prelude = [(text, json.loads(defaults)) for text, defaults in earlier]
    result = ac.run_shared_demo(prelude, code, values)
    if result.failed:
        raise BlockError(
            f"demo: the code raised at build time:\n{result.error_text.rstrip()}",
            line_offset=options["code_line"] + (result.error_line or 1),
        )
    labels = _DEMO_LABELS[context.lang]
    # A demo whose output changes from run to run still runs at build time,
    # so that its errors stop the build, but its output is not stored: two
    # builds of the same commit must give the same bytes.
    if options["reproducible"]:
        stored_output = ac.render_output(result)
    else:
        stored_output = f'<p class="attn-demo-note">{labels["no_stored_output"]}</p>'
    spec = {
        "code": code,
        "controls": controls,
        "lang": context.lang,
        "pyodide": context.pyodide_index,
        "reproducible": options["reproducible"],
        "shared": options["shared"],
        "wheel": context.site_root + context.wheel_path,
    }
    highlighted = highlight(code, PythonLexer(), HtmlFormatter(nowrap=True))
    buttons = "".join(
        f'<button type="button" class="md-button attn-demo-{action}"'
        f"{' hidden' if action == 'stop' else ''}>{labels[action]}</button>"
        for action in ("run", "stop", "reset", "copy")
    )
    # The spec is an attribute, not a <script>: Material's instant navigation
    # re-creates the scripts of a new page without their type, so a JSON
    # script would run as JavaScript.
    spec_json = json.dumps(spec, ensure_ascii=False, sort_keys=True)
    parts = [f'<div class="attn-demo" data-spec="{html.escape(spec_json)}">']
    if options["title"] is not None:
        parts.append(f'<p class="attn-demo-title">{html.escape(options["title"])}</p>')
    if controls:
        parts.append(
            f'<div class="attn-demo-controls" role="group" '
            f'aria-label="{labels["controls"]}">'
            + "".join(_control_html(control) for control in controls)
            + "</div>"
        )
    parts += [
        f'<div class="attn-demo-code highlight" role="region" '
        f'aria-label="{labels["code"]}">'
        f"<pre><code>{highlighted}</code></pre></div>",
        f'<div class="attn-demo-toolbar">{buttons}'
        '<span class="attn-demo-status" role="status" aria-live="polite"></span>'
        "</div>",
        f'<div class="attn-demo-output" role="region" aria-label="{labels["output"]}" '
        f'data-origin="build">{stored_output}</div>',
        "</div>",
    ]
    return "\n".join(parts)


def _convert_controls(value: Any) -> list[dict[str, Any]]:
    try:
        return normalize_controls(value)
    except ValueError as err:
        # split_demo_body reported bad controls at their line already; this
        # path only sees headers it could not map to lines.
        raise BlockError(f"demo: {err}") from err


DEMO_OPTIONS = (
    Option("title", str, default=None),
    Option("controls", list, default=[], convert=_convert_controls),
    Option("shared", bool, default=False),
    # False for demos whose output differs from run to run (timings): the
    # browser tests then check only that the live run succeeds.
    Option("reproducible", bool, default=True),
)  # fmt: skip

DEMO_BLOCK = BlockType(
    "attention-demo", "demo", DEMO_OPTIONS, render_demo, split_demo_body
)
