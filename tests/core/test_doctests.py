"""Run the examples in the docstrings of every attention_core module."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import attention_core

MODULE_NAMES = sorted(
    info.name
    for info in pkgutil.iter_modules(attention_core.__path__, "attention_core.")
)


@pytest.mark.parametrize("module_name", MODULE_NAMES)
def test_docstring_examples(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(
        module, extraglobs={"np": np}, optionflags=doctest.ELLIPSIS, verbose=False
    )
    assert result.failed == 0, f"{result.failed} docstring examples failed"
