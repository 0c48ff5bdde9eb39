"""The demo block at build time: controls, shared demos, markup and errors."""

from __future__ import annotations

import json
import re
import shutil
import sys
from html import unescape

import pytest

from tests.conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))

import attention_core as ac  # noqa: E402
from hooks import pyodide_bundle  # noqa: E402
from hooks.cache import RenderCache  # noqa: E402
from hooks.demo_block import DemoContext, shared_demos  # noqa: E402
from hooks.pages import PageBlockError, render_blocks  # noqa: E402
from hooks.scan import find_fenced_blocks  # noqa: E402


def render(markdown: str, tmp_path, path: str = "docs/page.md"):
    context = DemoContext(
        lang="en",
        site_root="../",
        wheel_path="assets/wheels/abc/w.whl",
        pyodide_index="../assets/pyodide/0.27.7/",
        shared_demos=shared_demos(markdown, find_fenced_blocks),
    )
    cache = RenderCache(tmp_path / "cache", "test")
    markdown, page = render_blocks(markdown, path=path, context=context, cache=cache)
    return [html for _, html in page.fragments.values()]


def demo(header: str, code: str = "print(1)") -> str:
    return f"# T\n\n```attention-demo\n---\n{header}\n---\n{code}\n```\n"


def spec_of(html: str) -> dict:
    found = re.search(r'data-spec="([^"]*)"', html)
    return json.loads(unescape(found.group(1)))


CONTROL_ERRORS = [
    (
        "controls:\n  - {name: 2x, type: slider, min: 0, max: 1}",
        "docs/page.md:6: demo: control 1: 'name' must be a Python identifier, "
        "the variable the code reads; got '2x'",
    ),
    (
        "controls:\n  - {name: class, type: text}",
        "must be a Python identifier, the variable the code reads; got 'class'",
    ),
    (
        "controls:\n  - {name: t, type: knob}",
        "docs/page.md:6: demo: control 't': 'type' must be one of slider, select, "
        "text; got 'knob'",
    ),
    (
        "controls:\n  - {name: t, type: slider, min: 0, max: 1, default: 2}",
        "control 't': 'default' must be between 0 and 1; got 2",
    ),
    (
        "controls:\n  - {name: t, type: slider, min: 0, max: 1, step: 0.3, "
        "default: 0.5}",
        "control 't': 'default' must be on a step, min + k * step with step 0.3 "
        "from 0; got 0.5",
    ),
    (
        "controls:\n  - {name: t, type: slider, min: 1, max: 1}",
        "control 't': 'min' must be below 'max'; got 1 and 1",
    ),
    (
        "controls:\n  - {name: t, type: slider, min: 0, max: 1, step: 0}",
        "control 't': 'step' must be positive; got 0",
    ),
    (
        "controls:\n  - {name: t, type: slider, max: 1}",
        "control 't': a slider needs 'min'; add `min: <number>`",
    ),
    (
        "controls:\n  - {name: t, type: slider, min: 0, max: ten}",
        "control 't': 'max' must be a number; got 'ten'",
    ),
    (
        "controls:\n  - {name: m, type: select, options: [causal, none], "
        "default: casual}",
        "control 'm': 'default' must be one of causal, none; got 'casual'",
    ),
    (
        "controls:\n  - {name: m, type: select, options: []}",
        "control 'm': a select needs 'options', a non-empty list",
    ),
    (
        "controls:\n  - {name: m, type: select, options: [a, a]}",
        "control 'm': the options repeat a value; got ['a', 'a']",
    ),
    (
        "controls:\n  - {name: s, type: text, default: 3}",
        "control 's': 'default' must be a string (quote it); got 3",
    ),
    (
        "controls:\n  - {name: s, type: text, min: 3}",
        "control 's': unknown key 'min' for a text; valid keys are name, type, "
        "label, default",
    ),
    (
        "controls:\n  - {name: display, type: text}",
        "control 'display': the name hides the demo's own display()",
    ),
    (
        "controls:\n  - {name: ℕ, type: text}",
        "control 'ℕ': the code would read this name as 'N'; name the control 'N'",
    ),
    (
        "controls:\n  - {name: __builtins__, type: text}",
        "control '__builtins__': names with double underscores on both sides "
        "belong to Python",
    ),
    (
        "title: '  '",
        "docs/page.md:5: demo: option 'title' is empty; write a title or remove "
        "the option",
    ),
    (
        "controls:\n  - {name: print, type: text}",
        "control 'print': the name hides Python's built-in print, which the demo "
        "code may need; choose another name",
    ),
    (
        "controls:\n  - {name: s, type: text, label: ''}",
        "control 's': 'label' must be a non-empty string; got ''",
    ),
    (
        "controls:\n  - {name: a, type: text}\n  - {name: a, type: text}",
        "docs/page.md:7: demo: control 'a': the name is used by an earlier control",
    ),
    (
        "controls:\n  - {name: a, type: text}\n  - just a string",
        "docs/page.md:7: demo: control 2: expected a mapping such as",
    ),
    (
        "controls: {name: a}",
        "demo: option 'controls' must be a list; got dict",
    ),
    (
        "reproducible: sometimes",
        "demo: option 'reproducible' must be true or false; got str 'sometimes'",
    ),
    (
        "shared: yes please",
        "demo: option 'shared' must be true or false; got str 'yes please'",
    ),
]


@pytest.mark.parametrize(("header", "message"), CONTROL_ERRORS)
def test_control_error_message(tmp_path, header, message):
    with pytest.raises(PageBlockError) as caught:
        render(demo(header), tmp_path)
    assert message in str(caught.value)


def test_control_error_points_at_its_line(tmp_path):
    header = (
        "controls:\n"
        "  - {name: a, type: text}\n"
        "  - name: b\n"
        "    type: slider\n"
        "    min: 0\n"
        "    max: 1\n"
        "    default: 3"
    )
    with pytest.raises(PageBlockError) as caught:
        render(demo(header), tmp_path)
    assert str(caught.value).startswith("docs/page.md:7: demo: control 'b': ")


def test_controls_run_with_defaults_and_reach_spec(tmp_path):
    header = (
        "controls:\n"
        "  - {name: temperature, type: slider, min: 0.1, max: 5, step: 0.1,"
        " default: 1.0, label: Temperature}\n"
        "  - {name: n, type: slider, min: 1, max: 9, default: 3}\n"
        "  - {name: mask, type: select, options: [causal, none], label: Mask}\n"
        '  - {name: sentence, type: text, default: "the <cat>", label: Sentence}'
    )
    code = "print(repr(temperature), repr(n), mask, sentence)"
    (html,) = render(demo(header, code), tmp_path)
    assert "1.0 3 causal the &lt;cat&gt;" in html
    spec = spec_of(html)
    assert spec["code"] == code
    assert spec["reproducible"] is True
    assert spec["pyodide"] == "../assets/pyodide/0.27.7/"
    assert spec["wheel"] == "../assets/wheels/abc/w.whl"
    assert [control["name"] for control in spec["controls"]] == [
        "temperature",
        "n",
        "mask",
        "sentence",
    ]
    assert spec["controls"][1] == {
        "name": "n",
        "type": "slider",
        "label": "n",
        "min": 1,
        "max": 9,
        "step": 1,
        "default": 3,
    }
    assert '<span class="attn-demo-label">Temperature</span>' in html
    assert 'type="range" name="temperature" min="0.1" max="5.0" step="0.1"' in html
    assert '<output class="attn-demo-value" aria-hidden="true">1</output>' in html
    assert '<option value="0" selected>causal</option>' in html
    assert 'value="the &lt;cat&gt;"' in html


def test_browser_values_match_build_types():
    controls = [
        {"name": "t", "type": "slider", "min": 0.1, "max": 5.0, "step": 0.1,
         "default": 1.0},
        {"name": "n", "type": "slider", "min": 1, "max": 9, "step": 1, "default": 3},
        {"name": "m", "type": "select", "options": ["causal", 2], "default": 2},
        {"name": "s", "type": "text", "default": ""},
    ]  # fmt: skip
    assert ac.control_values(controls, {}) == {"t": 1.0, "n": 3, "m": 2, "s": ""}
    values = ac.control_values(
        controls, {"t": "0.30000000000000004", "n": "4", "m": "0", "s": "<b>"}
    )
    assert values == {"t": 0.3, "n": 4, "m": "causal", "s": "<b>"}
    assert type(values["n"]) is int
    # The page's initial state is the value attribute: "1" for a 1.0 default.
    assert type(ac.control_values(controls, {"t": "1"})["t"]) is float


def test_shared_demos_share_variables_at_build(tmp_path):
    markdown = (
        "# T\n\n"
        "```attention-demo\n---\nshared: true\n---\nx = 41\n```\n\n"
        "```attention-demo\nprint('x' in globals())\n```\n\n"
        "```attention-demo\n---\nshared: true\n---\nprint(x + 1)\n```\n"
    )
    first, unshared, second = render(markdown, tmp_path)
    assert "False" in unshared
    assert '<pre class="attn-stream attn-stdout">42\n</pre>' in second
    assert spec_of(second)["shared"] is True
    assert spec_of(unshared)["shared"] is False


def test_unshared_demo_cannot_see_other_variables(tmp_path):
    markdown = (
        "# T\n\n```attention-demo\nx = 41\n```\n\n```attention-demo\nprint(x)\n```\n"
    )
    with pytest.raises(PageBlockError) as caught:
        render(markdown, tmp_path)
    assert str(caught.value).startswith("docs/page.md:8: demo: the code raised")
    assert "NameError: name 'x' is not defined" in str(caught.value)


def test_shared_demo_sees_changed_earlier_demo(tmp_path):
    # The render cache is keyed by the page's shared demos, so editing the
    # first demo re-renders the second even though its own text is unchanged.
    page = "# T\n\n```attention-demo\n---\nshared: true\n---\nx = {}\n```\n\n"
    page += "```attention-demo\n---\nshared: true\n---\nprint(x)\n```\n"
    assert ">1\n</pre>" in render(page.format(1), tmp_path)[1]
    assert ">2\n</pre>" in render(page.format(2), tmp_path)[1]


def test_shared_demo_failure_in_earlier_demo(tmp_path):
    markdown = (
        "# T\n\n"
        "```attention-demo\n---\nshared: true\n---\nx = 1\n```\n\n"
        "```attention-demo\n---\nshared: true\n---\nprint(x)\n```\n"
    )
    result = ac.run_shared_demo([("x = 1 / 0", {})], "print(x)")
    assert result.failed
    assert result.error_text.startswith(
        "Shared demo 1 on this page, which runs before this one, raised:"
    )
    assert "ZeroDivisionError" in result.error_text
    assert len(render(markdown, tmp_path)) == 2


def test_run_demo_keeps_namespace():
    namespace: dict = {}
    ac.run_demo("x = 2", namespace=namespace)
    assert ac.run_demo("print(x * 3)", namespace=namespace).outputs == [
        ("stdout", "6\n")
    ]


def test_runtime_copy_rejects_changed_npm_file(tmp_path, monkeypatch):
    npm = tmp_path / "repo" / "node_modules" / "pyodide"
    shutil.copytree(REPO_ROOT / "node_modules" / "pyodide", npm)
    with (npm / "pyodide.asm.js").open("a") as stream:
        stream.write("// changed\n")
    monkeypatch.setattr(pyodide_bundle, "REPO_ROOT", tmp_path / "repo")
    with pytest.raises(pyodide_bundle.BundleError) as caught:
        pyodide_bundle.ensure_runtime(tmp_path / "cache")
    message = str(caught.value)
    assert f"{npm / 'pyodide.asm.js'} has sha256 " in message
    assert pyodide_bundle.NPM_FILE_SHA256["pyodide.asm.js"] in message
    assert "Run `npm ci`" in message


def test_unreproducible_demo_stores_no_output(tmp_path):
    code = "import time\nprint('took', time.perf_counter())"
    (html,) = render(demo("reproducible: false", code), tmp_path)
    assert spec_of(html)["reproducible"] is False
    assert "took" not in html.split('data-origin="build">')[1]
    assert '<p class="attn-demo-note">This demo prints something different' in html


def test_unreproducible_demo_still_fails_build(tmp_path):
    with pytest.raises(PageBlockError, match="demo: the code raised at build time"):
        render(demo("reproducible: false", "1 / 0"), tmp_path)


def test_title_shows_above_demo_escaped(tmp_path):
    (html,) = render(demo('title: Softmax <b>&</b> "you"'), tmp_path)
    assert html.index('<p class="attn-demo-title">') < html.index("attn-demo-code")
    escaped = "Softmax &lt;b&gt;&amp;&lt;/b&gt; &quot;you&quot;"
    assert f'<p class="attn-demo-title">{escaped}</p>' in html


def test_demo_without_title(tmp_path):
    (html,) = render(demo("shared: false"), tmp_path)
    assert "attn-demo-title" not in html


def test_commented_shared_demo_shares_nothing(tmp_path):
    hidden = "<!--\n```attention-demo\n---\nshared: true\n---\nx = 41\n```\n-->\n\n"
    markdown = hidden + "```attention-demo\n---\nshared: true\n---\nprint(x + 1)\n```\n"
    with pytest.raises(PageBlockError, match="NameError: name 'x' is not defined"):
        render(markdown, tmp_path)
