"""The function a page works on: a built-in by name, or text typed in, shown with its LaTeX."""

from __future__ import annotations

from typing import Any

import streamlit as st

from functions import Objective, get_function
from ui.text import literal

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


def show_formula(objective: Objective, container: Any = st) -> None:
    """f and ∇f in LaTeX, and the function's one-sentence note.

    A formula longer than `functions.MAX_LATEX` characters is not handed to the browser's
    LaTeX renderer (a few of them would keep a tab busy for seconds); a short notice says so.
    """
    f, gx, gy = objective.formulas()
    if f.displayable:
        container.latex(rf"f(x, y) = {f.latex}")
    rows = [
        rf"{symbol} &= {g.latex}"
        for symbol, g in ((r"\partial f / \partial x", gx), (r"\partial f / \partial y", gy))
        if g.displayable and g.latex
    ]
    if rows:
        container.latex(r"\begin{aligned} " + r" \\ ".join(rows) + r" \end{aligned}")
    for formula in (f, gx, gy):
        if not formula.displayable:
            container.caption(literal(formula.notice, None))
    container.caption(literal(objective.note, None))
