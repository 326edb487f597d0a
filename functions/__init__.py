"""Objectives to optimise: built-in test functions and functions people type in.

>>> import numpy as np
>>> from functions import get_function, parse_expression
>>> float(get_function("rosenbrock").value(np.array([1.0, 1.0])))
0.0
>>> parse_expression("x^2 + y^2").gradient(np.array([1.0, 2.0])).tolist()
[2.0, 4.0]
"""

from __future__ import annotations

import copyreg

from functions.builtin import get_function, list_functions
from functions.objective import MAX_LATEX, Domain, Formula, Objective, Point
from functions.parser import ExpressionError, parse_expression

__all__ = [
    "MAX_LATEX",
    "ExpressionError",
    "Formula",
    "Objective",
    "get_function",
    "list_functions",
    "parse_expression",
]


def _parsed(text: str, domain: Domain, start: Point) -> Objective:
    return parse_expression(text, domain=domain, start=start)


def _reduce(objective: Objective) -> tuple:
    # Kernels are closures (the quadratic forms, the typed-in functions' compiled programs),
    # which pickle cannot store; an objective is rebuilt from its name or its text instead, so
    # that results holding one can go through a cache that pickles. The registration lives
    # here, beside both makers of objectives, so that `objective.py` needs neither of them.
    if objective.source:
        return _parsed, (objective.source, objective.domain, objective.start)
    return get_function, (objective.name,)


copyreg.pickle(Objective, _reduce)
