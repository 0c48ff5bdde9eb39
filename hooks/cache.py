"""Disk cache of rendered blocks, keyed by everything that shapes the output."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

__all__ = ["RenderCache", "source_hash"]

log = logging.getLogger("mkdocs.hooks.attention.cache")


def source_hash(*folders: Path) -> str:
    """Hash every ``.py`` file under ``folders``: names and contents."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            digest.update(str(path.relative_to(folder.parent)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


class RenderCache:
    """A folder of rendered HTML fragments, one file per input hash.

    The cache lives outside ``docs/`` because ``mkdocs serve`` rebuilds on any
    write there.
    """

    def __init__(self, folder: Path, code_version: str) -> None:
        self.folder = folder
        self.code_version = code_version
        self.hits = 0
        self.misses = 0

    def key(self, **inputs) -> str:
        payload = json.dumps(
            [self.code_version, inputs], sort_keys=True, ensure_ascii=False
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def get(self, key: str) -> str | None:
        path = self.folder / key[:2] / f"{key}.html"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.misses += 1
            return None
        self.hits += 1
        return text

    def put(self, key: str, html: str) -> None:
        path = self.folder / key[:2] / f"{key}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so that a build that stops midway leaves no
        # truncated entry behind.
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(html, encoding="utf-8")
        temporary.replace(path)
