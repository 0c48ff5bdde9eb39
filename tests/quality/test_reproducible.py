"""Two clean builds of the same sources give the same bytes.

The second build goes into its own folder with the real mkdocs.yml; every
file of both builds is compared.
"""

from __future__ import annotations

import gzip
import os
import re
import struct
import subprocess
from datetime import UTC, datetime

from tests.conftest import REPO_ROOT, run_mkdocs_build


def source_date_epoch() -> int:
    """The date the build uses: SOURCE_DATE_EPOCH, else the HEAD commit time."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    result = subprocess.run(
        ["git", "log", "-1", "--format=%ct"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout)


def test_two_builds_are_byte_identical(built_site, tmp_path):
    second = tmp_path / "site"
    result = run_mkdocs_build(REPO_ROOT / "mkdocs.yml", second)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stderr}"

    first_files = sorted(p.relative_to(built_site) for p in built_site.rglob("*"))
    second_files = sorted(p.relative_to(second) for p in second.rglob("*"))
    assert first_files == second_files
    differing = [
        name.as_posix()
        for name in first_files
        if (built_site / name).is_file()
        and (built_site / name).read_bytes() != (second / name).read_bytes()
    ]
    assert not differing, f"files differ between two builds: {differing}"


def test_sitemap_dates_follow_source_date(built_site):
    expected = datetime.fromtimestamp(source_date_epoch(), UTC)
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    dates = set(re.findall(r"<lastmod>([^<]*)</lastmod>", sitemap))
    assert dates == {expected.strftime("%Y-%m-%d")}


def test_sitemap_gzip_time_follows_source_date(built_site):
    data = (built_site / "sitemap.xml.gz").read_bytes()
    # The gzip header stores the modification time at bytes 4..8.
    (mtime,) = struct.unpack("<I", data[4:8])
    # MkDocs stores the newest page date, which is the source date at 00:00.
    epoch = source_date_epoch()
    assert mtime == epoch - epoch % 86_400
    sitemap = (built_site / "sitemap.xml").read_bytes()
    assert gzip.decompress(data) == sitemap
