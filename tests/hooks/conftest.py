"""Fixtures of the hook tests: a site build with or without --strict."""

from __future__ import annotations

import subprocess
import sys

import pytest

import tests.conftest as root_conftest


def _run_plain_build(config_file, site_dir) -> subprocess.CompletedProcess:
    """Build a site with ``mkdocs build`` (no --strict) in a subprocess."""
    command = [sys.executable, "-m", "mkdocs", "build", "--clean",
               "-f", str(config_file), "-d", str(site_dir)]  # fmt: skip
    return subprocess.run(
        command, capture_output=True, text=True, cwd=config_file.parent
    )


@pytest.fixture
def make_any_site(make_site, monkeypatch):
    """Like ``make_site``, with ``strict=False`` building without --strict."""

    def build(pages: dict[str, str], *, strict: bool = True):
        runner = root_conftest.run_mkdocs_build if strict else _run_plain_build
        with monkeypatch.context() as patch:
            patch.setattr(root_conftest, "run_mkdocs_build", runner)
            return make_site(pages)

    return build
