"""The full bilingual site: strict build, pages, generated table and runtime."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import attention_core as ac
from tests.conftest import REPO_ROOT

SENTENCE = ["<s>", "语言", "模型", "关注", "上下文", "生成", "答案"]
LANGUAGES = {"en": "", "zh": "zh/"}


class _TableReader(HTMLParser):
    """Collect the header and cell texts of the first attention weight table."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.done = False
        self.rows: list[list[tuple[str, str]]] = []
        self._cell: list[str] | None = None
        self._tag = ""

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == "table" and ("class", "attn-weights") in attrs:
            self.depth = 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("th", "td"):
            self._cell, self._tag = [], tag

    def handle_endtag(self, tag):
        if self.depth and tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append((self._tag, "".join(self._cell)))
            self._cell = None
        elif self.depth and tag == "table":
            self.depth, self.done = 0, True

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def read_table(html: str) -> list[list[tuple[str, str]]]:
    reader = _TableReader()
    reader.feed(html)
    return reader.rows


def page_html(site: Path, lang: str, page: str) -> str:
    return (site / LANGUAGES[lang] / page / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", ["", "attention"])
def test_page_exists_in_both_languages(built_site, lang, page):
    html = page_html(built_site, lang, page)
    assert f'<html lang="{lang}"' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_weight_table_equals_direct_core_call(built_site, lang):
    rows = read_table(page_html(built_site, lang, "attention"))
    q, k = ac.toy_queries_keys(SENTENCE, d_model=16, d_k=16, seed=7)
    _, expected = ac.scaled_dot_product_attention(q, k, k, mask=ac.causal_mask(7))

    header, body = rows[0], rows[1:]
    assert [text for _, text in header[1:]] == SENTENCE
    assert [row[0][1] for row in body] == SENTENCE
    texts = [[text for _, text in row[1:]] for row in body]
    assert texts == [[ac.format_number(x) for x in row] for row in expected]
    printed = np.array(texts, dtype=float)
    assert printed.shape == (7, 7)
    assert np.allclose(printed, expected, rtol=0, atol=0.005 + 1e-12)
    assert np.allclose(printed.sum(axis=1), 1.0, atol=7 * 0.005)
    assert np.all(printed[np.triu_indices(7, k=1)] == 0.0)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_token_is_escaped(built_site, lang):
    html = page_html(built_site, lang, "attention")
    table = html[html.index('<table class="attn-weights">') : html.index("</table>")]
    assert '<th scope="col">&lt;s&gt;</th>' in table
    assert "<s>" not in table


@pytest.mark.parametrize(("lang", "caption_word"), [("en", "Causal"), ("zh", "因果")])
def test_caption_in_page_language(built_site, lang, caption_word):
    html = page_html(built_site, lang, "attention")
    caption = re.search(r"<caption>(.*?)</caption>", html, re.S).group(1)
    assert caption_word in caption


@pytest.mark.parametrize(
    ("lang", "target"), [("en", "../zh/attention/"), ("zh", "../../attention/")]
)
def test_language_switcher_lands_on_same_page(built_site, lang, target):
    html = page_html(built_site, lang, "attention")
    other = "zh" if lang == "en" else "en"
    link = re.search(
        rf'<a href="([^"]*)" hreflang="{other}" class="md-select__link">', html
    )
    assert link is not None
    assert link.group(1) == target


def _demo_spec(html: str) -> dict:
    found = re.search(r'<div class="attn-demo" data-spec="([^"]*)">', html)
    return json.loads(unescape(found.group(1)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_demo_embeds_build_output_and_runtime_urls(built_site, lang):
    html = page_html(built_site, lang, "attention")
    spec = _demo_spec(html)
    page_dir = built_site / LANGUAGES[lang] / "attention"
    wheel = (page_dir / spec["wheel"]).resolve()
    assert wheel.is_file()
    assert (page_dir / spec["pyodide"] / "pyodide.asm.wasm").resolve().is_file()
    expected = ac.render_output(ac.run_demo(spec["code"]))
    assert f'data-origin="build">{expected}</div>' in html


def test_wheel_holds_current_core_and_hash_named_folder(built_site):
    wheels = list((built_site / "assets" / "wheels").glob("*/attention_core-*.whl"))
    assert len(wheels) == 1
    data = wheels[0].read_bytes()
    assert wheels[0].parent.name == hashlib.sha256(data).hexdigest()[:16]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        packed = archive.read("attention_core/softmax.py")
    assert packed == (REPO_ROOT / "attention_core" / "softmax.py").read_bytes()


def test_numpy_wheel_matches_lock(built_site):
    runtime = built_site / "assets" / "pyodide" / "0.27.7"
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    entry = lock["packages"]["numpy"]
    digest = hashlib.sha256((runtime / entry["file_name"]).read_bytes()).hexdigest()
    assert digest == entry["sha256"]


def test_no_page_loads_a_resource_from_another_host(built_site):
    # rel="canonical" names the published address; browsers do not fetch it.
    resource = re.compile(
        r"<(?:script|img|iframe|source|audio|video|link(?![^>]*rel=\"canonical\"))"
        r"\b[^>]*\b(?:src|href)=\"(?:https?:)?//",
        re.I,
    )
    for path in built_site.rglob("*.html"):
        found = resource.search(path.read_text(encoding="utf-8"))
        assert found is None, f"{path}: {found and found.group(0)}"
