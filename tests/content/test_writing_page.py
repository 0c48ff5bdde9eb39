"""The Writing pages document every block option and demo control key."""

from __future__ import annotations

import re
import sys

import pytest

from tests.conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))

from hooks.block_types import BLOCK_TYPES  # noqa: E402
from hooks.demo_block import _CONTROL_KEYS, CONTROL_TYPES  # noqa: E402

CONTROL_KEYS = sorted(
    {"name", "type", "label", *CONTROL_TYPES}
    | {key for keys in _CONTROL_KEYS.values() for key in keys}
)


MASKS_HEADING = {"writing.md": "## Masks\n", "writing.zh.md": "## 掩码\n"}


def section(text: str, start: int) -> str:
    """Return ``text`` from ``start`` to the next second-level heading."""
    following = re.search(r"^## ", text[start + 1 :], flags=re.M)
    return text[start : start + 1 + following.start()] if following else text[start:]


def block_section(text: str, fence: str) -> str:
    """Return the section of a Writing page that introduces ``fence``."""
    return section(text, text.index(f"` ```{fence} `"))


@pytest.mark.parametrize("page", ["writing.md", "writing.zh.md"])
@pytest.mark.parametrize("fence", sorted(BLOCK_TYPES))
def test_every_block_option_documented(page, fence):
    text = (REPO_ROOT / "docs" / page).read_text(encoding="utf-8")
    # The mask options, shared by several blocks, have their own section.
    documented = block_section(text, fence) + section(
        text, text.index(MASKS_HEADING[page])
    )
    for option in BLOCK_TYPES[fence].options:
        assert f"`{option.name}`" in documented, f"{page}: {fence} `{option.name}`"


@pytest.mark.parametrize("page", ["writing.md", "writing.zh.md"])
def test_every_control_key_documented(page):
    text = (REPO_ROOT / "docs" / page).read_text(encoding="utf-8")
    documented = block_section(text, "attention-demo")
    for key in CONTROL_KEYS:
        assert f"`{key}`" in documented, f"{page}: control key `{key}`"
