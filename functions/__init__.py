"""Objectives to optimise: built-in test functions and functions people type in."""

from functions.builtin import get_function, list_functions
from functions.objective import Objective
from functions.parser import ExpressionError, parse_expression

__all__ = ["ExpressionError", "Objective", "get_function", "list_functions", "parse_expression"]
