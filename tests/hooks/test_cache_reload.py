"""Rendered blocks are cached by their inputs and the source of the code."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

from tests.conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))

from hooks.block_types import BlockContext  # noqa: E402
from hooks.cache import RenderCache, source_hash  # noqa: E402
from hooks.pages import render_blocks  # noqa: E402

EN = BlockContext(lang="en", site_root="../", wheel_path="w.whl", pyodide_index="p/")
ZH = BlockContext(lang="zh", site_root="../../", wheel_path="w.whl", pyodide_index="p/")
PAGE = "```attention-mask\nseq_len: 4\n```\n\n```attention-table\ntokens: a b\n```\n"


def test_cache_key_changes_with_source_hash(tmp_path):
    package = tmp_path / "attention_core"
    package.mkdir()
    (package / "labels.py").write_text("A = 1\n")
    before = source_hash(package)
    (package / "labels.py").write_text("A = 2\n")
    after = source_hash(package)
    assert before != after
    inputs = dict(kind="attention-table", body="tokens: a", context={})
    assert RenderCache(tmp_path, before).key(**inputs) != RenderCache(
        tmp_path, after
    ).key(**inputs)


def test_cache_key_changes_with_language(tmp_path):
    cache = RenderCache(tmp_path, "v")
    body = "tokens: a"
    assert cache.key(kind="k", body=body, context=EN.__dict__) != cache.key(
        kind="k", body=body, context=ZH.__dict__
    )


def test_page_edit_recomputes_only_changed_block(tmp_path):
    cache = RenderCache(tmp_path / "cache", "v")
    _, first = render_blocks(PAGE, path="docs/p.md", context=EN, cache=cache)
    edited = PAGE.replace("tokens: a b", "tokens: a b c")
    _, second = render_blocks(edited, path="docs/p.md", context=EN, cache=cache)
    assert (first.rendered, first.cached) == (2, 0)
    assert (second.rendered, second.cached) == (1, 1)


def test_cached_html_equals_fresh_html(tmp_path):
    cache = RenderCache(tmp_path / "cache", "v")
    _, fresh = render_blocks(PAGE, path="docs/p.md", context=ZH, cache=cache)
    _, cached = render_blocks(PAGE, path="docs/p.md", context=ZH, cache=cache)
    assert list(fresh.fragments.values()) == list(cached.fragments.values())
    assert "因果" in next(iter(cached.fragments.values()))[1]


# Two builds in one process, as `mkdocs serve` does, on a copy of the
# repository whose attention_core changes between them.
_SERVE_SCRIPT = textwrap.dedent(
    """
    import logging
    import sys
    from pathlib import Path
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = Path(sys.argv[1])
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    def build_once():
        config = load_config(str(root / "mkdocs.yml"))
        build(config)
        return (root / "site" / "index.html").read_text(encoding="utf-8")

    first = build_once()
    labels = root / "attention_core" / "labels.py"
    text = labels.read_text(encoding="utf-8")
    labels.write_text(text.replace('"may attend"', '"EDITED may attend"'))
    second = build_once()
    third_page = root / "docs" / "index.md"
    third_page.write_text(third_page.read_text() + "\\nMore text.\\n")
    third = build_once()
    print("first", "EDITED may attend" in first)
    print("second", "EDITED may attend" in second)
    print("third", "EDITED may attend" in third)
    """
)


def test_serve_rebuild_reloads_changed_attention_core(tmp_path):
    root = tmp_path / "repo"
    for folder in ("attention_core", "hooks"):
        shutil.copytree(
            REPO_ROOT / folder, root / folder,
            ignore=shutil.ignore_patterns("__pycache__"),
        )  # fmt: skip
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(
        "# Masks\n\n```attention-mask\nseq_len: 4\n```\n", encoding="utf-8"
    )
    (root / "mkdocs.yml").write_text(
        textwrap.dedent(
            """
            site_name: reload test
            theme: {name: material, font: false}
            hooks: [hooks/mkdocs_hooks.py]
            extra: {attention: {pyodide: cdn}}
            """
        ),
        encoding="utf-8",
    )
    script = tmp_path / "serve.py"
    script.write_text(_SERVE_SCRIPT, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), str(root)],
        capture_output=True, text=True, cwd=root, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "first False" in result.stdout
    assert "second True" in result.stdout
    assert "third True" in result.stdout
    assert "attention_core or hooks changed; reloading them" in result.stderr
    assert "1 rendered, 0 from cache" in result.stderr
    # After the page edit the unchanged block comes from the cache.
    assert "0 rendered, 1 from cache" in result.stderr
    assert not list((root / "docs").glob("**/*.html"))
