"""Clicks on a grid chart, remembered with the inputs of the grid they belong to."""

from __future__ import annotations

import streamlit as st

from ui.chart import Click
from viz.experiments import cell_from_point


def remember_click(target: str, inputs: str, click: Click) -> None:
    """Keep the clicked cell (`click`'s x and y, in cell units) in `target`, with the grid's
    `inputs`: a later run with other inputs ignores it."""
    st.session_state[target] = {"x": click["x"], "y": click["y"], "of": inputs}


def clicked(target: str, inputs: str, shape: tuple[int, int]) -> tuple[int, int] | None:
    """The cell clicked on this very grid, or None (never clicked, or the inputs changed)."""
    point = st.session_state.get(target, {})
    return cell_from_point(point, shape) if point.get("of") == inputs else None
