"""Pack ``attention_core`` as a pure-Python wheel, byte for byte reproducible.

Pyodide installs a ``py3-none-any`` wheel as it is, so no cross-compilation is
needed: ``pyodide build`` would produce the same kind of file, but it
downloads a cross-build environment from the internet, which these machines
cannot reach. Writing the zip here, with fixed timestamps and sorted entries,
also makes two builds of the same commit produce identical bytes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from pathlib import Path

__all__ = ["build_wheel"]

# 1980-01-01 is the earliest time a zip entry can carry.
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode()


def _version(package_dir: Path) -> str:
    text = (package_dir / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if found is None:
        raise ValueError(
            f'{package_dir}/__init__.py defines no __version__ = "..." line'
        )
    return found.group(1)


def build_wheel(package_dir: Path) -> tuple[str, bytes]:
    """Build the wheel of the package in ``package_dir``.

    Returns
    -------
    filename : str
        The standard wheel file name, ``attention_core-<version>-py3-none-any.whl``.
    data : bytes
        The wheel's bytes.
    """
    name = package_dir.name
    version = _version(package_dir)
    dist_info = f"{name}-{version}.dist-info"
    files: list[tuple[str, bytes]] = [
        (f"{name}/{path.relative_to(package_dir).as_posix()}", path.read_bytes())
        for path in sorted(package_dir.rglob("*.py"))
    ]
    files.append(
        (
            f"{dist_info}/METADATA",
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
            "Requires-Dist: numpy\n".encode(),
        )
    )
    files.append(
        (
            f"{dist_info}/WHEEL",
            b"Wheel-Version: 1.0\nGenerator: attention-handbook\n"
            b"Root-Is-Purelib: true\n"
            b"Tag: py3-none-any\n",
        )
    )
    record = "".join(
        f"{path},{_record_hash(data)},{len(data)}\n" for path, data in files
    )
    files.append((f"{dist_info}/RECORD", (record + f"{dist_info}/RECORD,,\n").encode()))

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in files:
            info = zipfile.ZipInfo(path, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return f"{name}-{version}-py3-none-any.whl", buffer.getvalue()
