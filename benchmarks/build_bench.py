"""Time the site build against a plain Material build of the same Markdown.

Two copies of the site are made in a temporary folder:

- ``blocks``: the repository's docs, hooks and attention_core, with an empty
  block cache, so every block is computed.
- ``plain``: the same Markdown with every attention block replaced by a
  paragraph of static text, and without ``hooks/mkdocs_hooks.py`` (the other
  hooks of mkdocs.yml stay, so both builds do the same non-block work).

Measured in the same run, alternating the two copies:

1. full build: ``mkdocs build`` in a fresh process, block cache emptied first;
2. one-page rebuild: in one warm process per copy, as ``mkdocs serve`` does,
   one page is edited and the whole site is built again (blocks come from the
   cache); the two processes take turns.

Usage: ``.venv/bin/python benchmarks/build_bench.py [--repeats 5]``
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from hooks.block_types import BLOCK_TYPES  # noqa: E402
from hooks.scan import find_fenced_blocks  # noqa: E402

EDITED_PAGE = "attention.md"

# Runs in a child process: builds once to warm up and prints "ready", then
# for each line read from stdin edits a page, rebuilds, and prints the seconds.
_REBUILD = """
import sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
root, page = Path(sys.argv[1]), sys.argv[2]
def once():
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    start = time.perf_counter()
    build(config)
    return time.perf_counter() - start
once()
print("ready", flush=True)
path = root / "docs" / page
for i, _ in enumerate(sys.stdin):
    path.write_text(path.read_text(encoding="utf-8") + f"\\nEdit {i}.\\n",
                    encoding="utf-8")
    print(once(), flush=True)
"""


def _static_markdown(text: str) -> str:
    """Replace every attention block of a page with one paragraph of text."""
    lines = text.split("\n")
    for block in reversed(find_fenced_blocks(lines)):
        if block.kind in BLOCK_TYPES and block.end is not None:
            lines[block.start : block.end + 1] = [
                "",
                f"{block.indent}Static text in place of a {block.kind} block.",
                "",
            ]
    return "\n".join(lines)


def make_copies(work: Path) -> tuple[Path, Path]:
    """Lay out the ``blocks`` and ``plain`` copies of the site under ``work``."""
    blocks, plain = work / "blocks", work / "plain"
    ignore = shutil.ignore_patterns("__pycache__")
    for root in (blocks, plain):
        shutil.copytree(REPO_ROOT / "docs", root / "docs", ignore=ignore)
        shutil.copytree(REPO_ROOT / "hooks", root / "hooks", ignore=ignore)
        shutil.copytree(
            REPO_ROOT / "attention_core", root / "attention_core", ignore=ignore
        )
        (root / ".cache").mkdir()
        # The Pyodide runtime and the npm packages are read, never rebuilt.
        for name in (".cache/pyodide", "node_modules"):
            if (REPO_ROOT / name).exists():
                os.symlink(REPO_ROOT / name, root / name)
    config = (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (blocks / "mkdocs.yml").write_text(config, encoding="utf-8")
    plain_config = re.sub(r"\n\s*- hooks/mkdocs_hooks.py", "", config)
    (plain / "mkdocs.yml").write_text(plain_config, encoding="utf-8")
    for page in (plain / "docs").rglob("*.md"):
        page.write_text(_static_markdown(page.read_text(encoding="utf-8")))
    return blocks, plain


def full_build(root: Path) -> float:
    """Build ``root`` in a fresh process with an empty block cache."""
    shutil.rmtree(root / ".cache" / "blocks", ignore_errors=True)
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", "site"]
    start = time.perf_counter()
    subprocess.run(command, cwd=root, check=True, capture_output=True)
    return time.perf_counter() - start


def rebuilds(roots: dict[str, Path], repeats: int) -> dict[str, list[float]]:
    """Time ``repeats`` one-page rebuilds of each root, alternating the roots.

    Each root gets one warm process, as under ``mkdocs serve``. The processes
    take turns, one rebuild at a time, so that a change in machine load
    during the run affects both sides alike.
    """
    workers = {
        name: subprocess.Popen(
            [sys.executable, "-c", _REBUILD, str(root), EDITED_PAGE],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )  # fmt: skip
        for name, root in roots.items()
    }
    times: dict[str, list[float]] = {name: [] for name in roots}
    try:
        for name, worker in workers.items():
            if worker.stdout.readline().strip() != "ready":
                raise RuntimeError(
                    f"{name}: the first build failed; run `mkdocs build` in "
                    f"{roots[name]} to see its error"
                )
        for _ in range(repeats):
            for name, worker in workers.items():
                worker.stdin.write("rebuild\n")
                worker.stdin.flush()
                times[name].append(float(worker.stdout.readline()))
    finally:
        for worker in workers.values():
            worker.stdin.close()
            worker.wait()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="build-bench-") as folder:
        blocks, plain = make_copies(Path(folder))
        full = {"blocks": [], "plain": []}
        for _ in range(args.repeats):
            full["plain"].append(full_build(plain))
            full["blocks"].append(full_build(blocks))
        again = rebuilds({"plain": plain, "blocks": blocks}, args.repeats)
    rows = [("full bilingual build", full), ("one-page rebuild (serve)", again)]
    print(f"repeats: {args.repeats}; medians in seconds")
    print("| what | plain Material | with blocks | ratio |")
    print("|---|---|---|---|")
    for name, times in rows:
        plain_s = statistics.median(times["plain"])
        blocks_s = statistics.median(times["blocks"])
        print(
            f"| {name} | {plain_s:.2f} | {blocks_s:.2f} | {blocks_s / plain_s:.2f}x |"
        )


if __name__ == "__main__":
    main()
