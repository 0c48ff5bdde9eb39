"""Run demo code and render what it printed and displayed.

The build runs every demo through ``run_demo`` and embeds ``render_output`` of
the result. The browser runs the same two functions under Pyodide, so the live
output is the same HTML as the build-time output.
"""

from __future__ import annotations

import ast
import decimal
import linecache
import sys
import traceback
from collections.abc import Callable

from .html import HTML, escape

__all__ = [
    "DemoResult",
    "control_values",
    "run_demo",
    "run_shared_demo",
    "render_output",
]

DEMO_FILENAME = "<demo>"


class DemoResult:
    """Outputs of one demo run, in the order they were produced.

    Attributes
    ----------
    outputs : list of (kind, text)
        ``kind`` is ``"stdout"``, ``"stderr"``, ``"html"`` or ``"error"``.
        Consecutive writes to the same stream are merged.
    error_line : int or None
        Line of the demo code where the uncaught exception was raised.
    """

    __slots__ = ("outputs", "error_line")

    def __init__(self) -> None:
        self.outputs: list[tuple[str, str]] = []
        self.error_line: int | None = None

    @property
    def failed(self) -> bool:
        return self.error_line is not None or any(k == "error" for k, _ in self.outputs)

    @property
    def error_text(self) -> str:
        return "".join(text for kind, text in self.outputs if kind == "error")


class _Stream:
    """File-like object that appends writes to a shared output list."""

    def __init__(self, kind: str, emit: Callable[[str, str], None]) -> None:
        self.kind = kind
        self._emit = emit

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            self._emit(self.kind, text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _format_exception(err: BaseException, filename: str) -> tuple[str, int | None]:
    """Format a traceback that keeps only the frames of the demo code."""
    summary = traceback.TracebackException.from_exception(err)
    frames = [frame for frame in summary.stack if frame.filename == filename]
    summary.stack = traceback.StackSummary.from_list(frames)
    line = frames[-1].lineno if frames else None
    if isinstance(err, SyntaxError) and err.filename == filename:
        line = err.lineno
    text = "".join(summary.format())
    if not frames:
        text = text.replace("Traceback (most recent call last):\n", "", 1)
    return text, line


def run_demo(
    code: str,
    values: dict | None = None,
    *,
    on_output: Callable[[str, str], None] | None = None,
    filename: str = DEMO_FILENAME,
    namespace: dict | None = None,
) -> DemoResult:
    """Execute demo ``code`` and collect its output.

    The code runs in a fresh namespace (or in ``namespace``, which it then
    updates) where each control value of ``values`` is a variable and
    ``display(x)`` shows ``x``. The value of a final bare
    expression is displayed too, as in a notebook. Values with
    ``_repr_html_`` (``attention_core`` renderers) display as HTML, anything
    else as its ``repr`` in plain text.

    Parameters
    ----------
    code : str
        Python source.
    values : dict, optional
        Control names and their current values.
    on_output : callable(kind, text), optional
        Called for every write as it happens, for live streaming.
    filename : str
        Name of the code in tracebacks.
    namespace : dict, optional
        Globals to run in and keep, for demos that share variables.

    Returns
    -------
    DemoResult

    Examples
    --------
    >>> run_demo("print(n + 1)", {"n": 1}).outputs
    [('stdout', '2\\n')]
    """
    result = DemoResult()
    # Writes are collected as lists of pieces and joined once at the end:
    # appending to one growing string would take quadratic time for a demo
    # that prints many lines.
    chunks: list[tuple[str, list[str]]] = []

    def emit(kind: str, text: str) -> None:
        if chunks and chunks[-1][0] == kind and kind != "html":
            chunks[-1][1].append(text)
        else:
            chunks.append((kind, [text]))
        if on_output is not None:
            on_output(kind, text)

    def display(value) -> None:
        if value is None:
            return
        if hasattr(value, "_repr_html_"):
            emit("html", value._repr_html_())
        else:
            emit("stdout", repr(value) + "\n")

    if namespace is None:
        namespace = {}
    namespace.update({"__name__": "__main__", "display": display, "HTML": HTML})
    namespace.update(values or {})
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)

    # 1) Parse, and split off a final bare expression to display its value.
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream("stdout", emit), _Stream("stderr", emit)
    try:
        tree = ast.parse(code, filename=filename)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)

        # 2) Run the statements, then evaluate the final expression.
        exec(compile(tree, filename, "exec"), namespace)
        if last is not None:
            display(eval(compile(last, filename, "eval"), namespace))
    except (Exception, KeyboardInterrupt, SystemExit) as err:
        # SystemExit is caught too: sys.exit() in a demo ends the demo, not
        # the build or the browser's interpreter.
        text, result.error_line = _format_exception(err, filename)
        result.error_line = result.error_line or 0
        emit("error", text)
    finally:
        sys.stdout, sys.stderr = saved
    result.outputs = [(kind, "".join(pieces)) for kind, pieces in chunks]
    return result


def control_values(controls: list[dict], raw: dict[str, str]) -> dict:
    """Turn the browser's control states into the values the code reads.

    A page only sends strings: a slider's position, a select's option index
    and a text input's text. The types come from the control specs, which the
    build wrote, so a slider declared with ``1.0`` gives a float and one
    declared with integers gives an int, as at build time.

    Parameters
    ----------
    controls : list of dict
        The demo's controls as the build wrote them (``name``, ``type``,
        ``min``, ``step``, ``options``, ``default``).
    raw : dict
        Control name to the string state; a missing name keeps its default.

    Examples
    --------
    >>> slider = {"name": "t", "type": "slider", "min": 0.1, "max": 1.0,
    ...           "step": 0.1, "default": 0.5}
    >>> control_values([slider], {"t": "0.30000000000000004"})
    {'t': 0.3}
    """
    values = {}
    for control in controls:
        name, kind = control["name"], control["type"]
        state = raw.get(name)
        if state is None:
            values[name] = control["default"]
        elif kind == "select":
            values[name] = control["options"][int(state)]
        elif kind == "slider":
            # Snap to the step in decimal, so 0.1 + 2 * 0.1 reads 0.3 as in YAML.
            low = decimal.Decimal(str(control["min"]))
            step = decimal.Decimal(str(control["step"]))
            steps = round((decimal.Decimal(state) - low) / step)
            value = low + steps * step
            integer = all(
                isinstance(control[k], int) for k in ("min", "step", "default")
            )
            values[name] = int(value) if integer else float(value)
        else:
            values[name] = str(state)
    return values


def run_shared_demo(
    prelude: list[tuple[str, dict]],
    code: str,
    values: dict | None = None,
    *,
    on_output: Callable[[str, str], None] | None = None,
) -> DemoResult:
    """Run the earlier shared demos of a page silently, then ``code``.

    Demos that share variables run in one namespace, in page order. Replaying
    the earlier ones on every run makes a shared demo print the same output
    whichever demo the reader ran before, as the build did.

    Parameters
    ----------
    prelude : list of (code, values)
        The earlier shared demos of the page and their control values.
    code, values, on_output
        As for ``run_demo``.

    Examples
    --------
    >>> run_shared_demo([("x = n * 2", {"n": 3})], "print(x)").outputs
    [('stdout', '6\\n')]
    """
    namespace: dict = {}
    for index, (earlier_code, earlier_values) in enumerate(prelude, start=1):
        earlier = run_demo(earlier_code, earlier_values, namespace=namespace)
        if earlier.failed:
            result = DemoResult()
            result.error_line = 0
            message = (
                f"Shared demo {index} on this page, which runs before this one, "
                f"raised:\n{earlier.error_text}"
            )
            result.outputs.append(("error", message))
            if on_output is not None:
                on_output("error", message)
            return result
    return run_demo(code, values, on_output=on_output, namespace=namespace)


_CLASSES = {"stdout": "attn-stdout", "stderr": "attn-stderr", "error": "attn-error"}


def render_output(result: DemoResult) -> str:
    """Render a demo's outputs as HTML, escaping every stream.

    Examples
    --------
    >>> render_output(run_demo("print('<b>')"))
    '<pre class="attn-stream attn-stdout">&lt;b&gt;\\n</pre>'
    """
    parts = []
    for kind, text in result.outputs:
        if kind == "html":
            parts.append(f'<div class="attn-rich">{text}</div>')
        else:
            parts.append(
                f'<pre class="attn-stream {_CLASSES[kind]}">{escape(text)}</pre>'
            )
    return "".join(parts)
