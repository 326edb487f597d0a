"""The examples in the docstrings of `functions/` run and give what they show (as
`pytest --doctest-modules functions` also checks)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import functions

MODULES = ["functions"] + [
    f"functions.{info.name}" for info in pkgutil.iter_modules(functions.__path__)
]
# The modules people call: each shows at least one example.
PUBLIC = {"functions", "functions.builtin", "functions.objective", "functions.parser"}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    # ELLIPSIS, as pytest's doctest runner uses by default.
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0
    if name in PUBLIC:
        assert result.attempted > 0
