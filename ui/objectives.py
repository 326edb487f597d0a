"""The function a page works on: a built-in by name, or text typed in, shown with its LaTeX."""

from __future__ import annotations

import streamlit as st

from functions import Objective, get_function

CUSTOM = "custom"


def objective_or_error(
    function: str, expression: str, half_width: float = 5.0
) -> tuple[Objective | None, str | None]:
    """The objective, or None and the parser's message when typed-in text is refused.

    A typed-in function is plotted over [−half_width, half_width]²."""
    if function != CUSTOM:
        return get_function(function), None
    from functions import ExpressionError, parse_expression

    domain = ((-half_width, half_width), (-half_width, half_width))
    try:
        return parse_expression(expression, domain=domain), None
    except ExpressionError as error:
        return None, str(error)


def show_formula(objective: Objective, container=st) -> None:
    """f and ∇f in LaTeX, and the function's one-sentence note."""
    container.latex(rf"f(x, y) = {objective.latex}")
    gx, gy = objective.gradient_latex
    if gx:
        container.latex(
            rf"\begin{{aligned}} \partial f / \partial x &= {gx} \\ "
            rf"\partial f / \partial y &= {gy} \end{{aligned}}"
        )
    container.caption(objective.note)
