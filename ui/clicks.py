"""Clicks on a grid chart, remembered with the inputs of the grid they belong to."""

from __future__ import annotations

import streamlit as st

from viz.experiments import cell_from_point


def remember_click(chart: str, target: str, inputs: str) -> None:
    """Keep the clicked cell of chart `chart` in `target`, with the grid's `inputs`."""
    points = st.session_state[chart].selection.points
    if points:
        st.session_state[target] = {"x": points[0].get("x"), "y": points[0].get("y"), "of": inputs}


def clicked(target: str, inputs: str, shape: tuple[int, int]) -> tuple[int, int] | None:
    """The cell clicked on this very grid, or None (never clicked, or the inputs changed)."""
    point = st.session_state.get(target, {})
    return cell_from_point(point, shape) if point.get("of") == inputs else None
