"""Objectives to optimise: built-in test functions and functions people type in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from functions.builtin import get_function, list_functions
from functions.objective import Objective

if TYPE_CHECKING:
    from functions.parser import ExpressionError, parse_expression

__all__ = ["ExpressionError", "Objective", "get_function", "list_functions", "parse_expression"]


def __getattr__(name: str) -> Any:
    # The parser needs SymPy, a third of a second to import: load it when a typed-in
    # function first needs it, not on every start of the app.
    if name in ("ExpressionError", "parse_expression"):
        from functions import parser

        return getattr(parser, name)
    raise AttributeError(f"module 'functions' has no attribute {name!r}")
