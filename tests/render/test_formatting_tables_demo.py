"""Number formatting, the weight table renderer and the demo runner."""

from __future__ import annotations

import numpy as np
import pytest

import attention_core as ac


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.125, "0.13"),
        (0.12499999999999999, "0.13"),  # 0.125 one ulp low, as a BLAS sum may give
        (0.12500000000000003, "0.13"),
        (0.135, "0.14"),
        (-0.0001, "0.00"),
        (1.0, "1.00"),
        (0.99499999, "0.99"),
        (0.994999999999, "1.00"),  # within 1e-10 of the boundary: settled upward
    ],
)
def test_format_number_boundaries(value, text):
    assert ac.format_number(value) == text


def test_format_number_rejects_nan():
    with pytest.raises(ValueError, match="finite number; got nan"):
        ac.format_number(float("nan"))


def test_weight_table_escapes_hostile_tokens():
    tokens = ["<script>alert(1)</script>", "a&b", '"q"']
    weights = ac.softmax(np.zeros((3, 3)))
    markup = ac.weight_table(weights, tokens).markup
    assert "<script>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "a&amp;b" in markup
    assert "&quot;q&quot;" in markup


def test_weight_table_shades_and_masks_cells():
    weights = np.array([[1.0, 0.0], [0.3, 0.7]])
    markup = ac.weight_table(
        weights, ["a", "b"], causal=True, mask=ac.causal_mask(2)
    ).markup
    assert '<td class="attn-dark" style="--attn-w: 1.00">1.00</td>' in markup
    assert '<td class="attn-masked" style="--attn-w: 0.00">0.00</td>' in markup
    assert '<td style="--attn-w: 0.30">0.30</td>' in markup


def test_weight_table_caption_language():
    weights = np.eye(2)
    assert "因果" in ac.weight_table(weights, ["a", "b"], lang="zh", causal=True).markup
    assert (
        "Causal" in ac.weight_table(weights, ["a", "b"], lang="en", causal=True).markup
    )


def test_weight_table_rejects_token_count_mismatch():
    with pytest.raises(
        ValueError, match=r"need 2 query tokens and 2 key tokens; got 3 and 3"
    ):
        ac.weight_table(np.eye(2), ["a", "b", "c"])


def test_demo_joins_output_without_newline():
    result = ac.run_demo('print("a", end="")\nprint("b", end="")')
    assert result.outputs == [("stdout", "ab")]


def test_demo_keeps_stdout_and_stderr_order():
    code = 'import sys\nprint("1")\nprint("2", file=sys.stderr)\nprint("3")'
    assert ac.run_demo(code).outputs == [
        ("stdout", "1\n"),
        ("stderr", "2\n"),
        ("stdout", "3\n"),
    ]


def test_demo_prints_markup_as_text():
    html = ac.render_output(ac.run_demo('print("<img src=x onerror=alert(1)>")'))
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_demo_displays_renderer_output_as_html():
    code = "import attention_core as ac\nac.weight_table([[1.0]], ['<s>'])"
    html = ac.render_output(ac.run_demo(code))
    assert html.startswith('<div class="attn-rich"><div class="attn-table"')


def test_demo_traceback_keeps_only_demo_frames():
    result = ac.run_demo("import attention_core as ac\n\nac.causal_mask(0)")
    assert result.failed
    assert result.error_line == 3
    assert 'File "<demo>", line 3' in result.error_text
    assert "masks.py" not in result.error_text
    assert "ValueError: seq_len must be at least 1; got 0" in result.error_text


def test_demo_reports_syntax_error_line():
    result = ac.run_demo("x = 1\ny = (\n")
    assert result.failed
    assert result.error_line == 2


def test_toy_embeddings_depend_on_token_and_position():
    x = ac.toy_embeddings(["a", "b", "a"], d_model=8, seed=1)
    pe = ac.positional_encoding(3, 8)
    assert np.allclose(x[0] - pe[0], x[2] - pe[2])
    assert not np.allclose(x[0] - pe[0], x[1] - pe[1])
    assert not np.allclose(x, ac.toy_embeddings(["a", "b", "a"], d_model=8, seed=2))


def test_toy_embeddings_reject_empty_tokens():
    with pytest.raises(ValueError, match="at least one token; got an empty list"):
        ac.toy_embeddings([])


def test_demo_sys_exit_is_a_demo_error():
    result = ac.run_demo("import sys\nprint('before')\nsys.exit(2)")
    assert result.failed
    assert result.error_line == 3
    assert result.outputs[0] == ("stdout", "before\n")
    assert "SystemExit: 2" in result.error_text


def test_demo_many_prints_join_in_order():
    result = ac.run_demo("for i in range(50_000):\n    print(i)")
    ((kind, text),) = result.outputs
    assert kind == "stdout"
    assert text == "".join(f"{i}\n" for i in range(50_000))


def test_demo_streams_each_write():
    written = []
    ac.run_demo(
        'print("a", end="")\nprint("b")', on_output=lambda *item: written.append(item)
    )
    assert written == [("stdout", "a"), ("stdout", "b"), ("stdout", "\n")]
