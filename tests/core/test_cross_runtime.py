"""Run the same attention_core calls in CPython and in Pyodide under Node.js.

Pyodide's numpy has no OpenBLAS, so matrix products may round differently in
the last bits: float64 arrays must agree within 1e-12, and every text result
(masks, counts, byte figures, error messages) must agree exactly.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from . import cross_runtime_cases

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = REPO_ROOT / "attention_core"
PYODIDE_VERSION = "0.27.7"
NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
CORE_MODULES = (
    "additive",
    "attention",
    "cost",
    "grouped_query",
    "kv_cache",
    "masks",
    "models",
    "multihead",
    "softmax",
    "tiled",
)

NODE_SCRIPT = """
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [indexURL, filesPath] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(indexURL + "pyodide.mjs").href);
const py = await loadPyodide({ indexURL });
await py.loadPackage("numpy", { messageCallback: () => {} });
const files = JSON.parse(readFileSync(filesPath, "utf8"));
for (const [path, text] of Object.entries(files)) {
  py.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
  py.FS.writeFile(path, text);
}
const result = py.runPython(`
import sys, json
sys.path.insert(0, "/home/pyodide/work")
import cross_runtime_cases
json.dumps({"python": sys.version.split()[0],
            "numpy": __import__("numpy").__version__,
            "cases": cross_runtime_cases.run_cases()})
`);
process.stdout.write(result);
"""


def pyodide_index_dir() -> Path:
    """Return the folder with Pyodide's files and numpy wheel, or fail."""
    folder = REPO_ROOT / ".cache" / "pyodide" / PYODIDE_VERSION
    missing = [
        name
        for name in (
            "pyodide.mjs",
            "pyodide.asm.wasm",
            "pyodide-lock.json",
            NUMPY_WHEEL,
        )
        if not (folder / name).is_file()
    ]
    if missing:
        pytest.fail(
            f"Pyodide {PYODIDE_VERSION} runtime not found: {', '.join(missing)} "
            f"missing in {folder}. Run `.ci/setup test` to assemble it."
        )
    return folder


def package_files() -> dict[str, str]:
    """Map Pyodide paths to the text of attention_core and the cases module."""
    files = {
        f"/home/pyodide/work/attention_core/{path.name}": path.read_text("utf-8")
        for path in sorted(PACKAGE_DIR.glob("*.py"))
    }
    cases_path = Path(cross_runtime_cases.__file__)
    files["/home/pyodide/work/cross_runtime_cases.py"] = cases_path.read_text("utf-8")
    return files


@pytest.fixture(scope="module")
def pyodide_result(tmp_path_factory) -> dict:
    index_dir = pyodide_index_dir()
    node = shutil.which("node")
    assert node, "Node.js is not on PATH; run `.ci/setup test`"
    work = tmp_path_factory.mktemp("pyodide")
    script = work / "run_cases.mjs"
    script.write_text(NODE_SCRIPT, "utf-8")
    files = work / "files.json"
    files.write_text(json.dumps(package_files()), "utf-8")
    completed = subprocess.run(
        [node, str(script), f"{index_dir}/", str(files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, f"Pyodide run failed:\n{completed.stderr}"
    return json.loads(completed.stdout)


def public_functions() -> set[str]:
    names = set()
    for module in CORE_MODULES:
        names |= set(importlib.import_module(f"attention_core.{module}").__all__)
    return names - cross_runtime_cases.NOT_CALLED


def test_cases_cover_every_public_function():
    missing = public_functions() - set(cross_runtime_cases.run_cases())
    assert not missing, f"no cross-runtime case for {sorted(missing)}"


@pytest.mark.pyodide
def test_pyodide_runs_pinned_versions(pyodide_result):
    assert pyodide_result["python"].startswith("3.12.")
    assert pyodide_result["numpy"] == "2.0.2"


@pytest.mark.pyodide
def test_pyodide_matches_cpython(pyodide_result):
    expected = cross_runtime_cases.run_cases()
    actual = pyodide_result["cases"]
    assert sorted(actual) == sorted(expected)
    for name, fields in expected.items():
        for field, value in fields.items():
            other = actual[name][field]
            if isinstance(value, dict):
                assert other["shape"] == value["shape"], f"{name}.{field} shape"
                np.testing.assert_allclose(
                    np.array(other["values"], dtype=np.float64),
                    np.array(value["values"], dtype=np.float64),
                    rtol=0,
                    atol=1e-12,
                    err_msg=f"{name}.{field}",
                )
            else:
                assert other == value, f"{name}.{field} differs"
