"""Curves against the step: loss and distance to the nearest minimum, one line per optimizer."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from functions import Objective
from optim import Trajectory
from viz.paths import run_label
from viz.style import base_layout, color_of, figure, format_number, log_ticks

TINY = 1e-16  # floor for log axes: a loss of exactly f* is drawn at 1e-16, not lost


def loss_values(objective: Objective, loss: np.ndarray) -> tuple[np.ndarray, str, bool]:
    """What the loss plot shows: f − f* on a log axis when f* is known, else f.

    Returns the values, the axis title and whether the axis is logarithmic.
    """
    if objective.min_value is not None:
        gap = np.maximum(loss - objective.min_value, TINY)
        return gap, f"f(θ) − f* (f* = {format_number(objective.min_value)})", True
    if np.all(loss > 0):
        return loss, "f(θ)", True
    return loss, "f(θ)", False


def _line_figure(
    series: Mapping[str, tuple[np.ndarray, str]], y_title: str, log: bool, title: str
) -> go.Figure:
    """One line per run; the legend says who is who and the subtitle carries every setting, so
    the figure explains itself when saved on its own."""
    traces = [
        {
            "type": "scatter",
            "x0": 0,
            "dx": 1,
            "y": np.asarray(values, dtype=np.float32),
            "mode": "lines",
            "line": {"color": color_of(name, index), "width": 2},
            "name": name,
            "hovertemplate": f"{label}<br>step %{{x}}<br>%{{y:.4g}}<extra></extra>",
        }
        for index, (name, (values, label)) in enumerate(series.items())
    ]
    settings = "<br>".join(label for _, label in series.values())
    top = 62 + 13 * len(series)
    layout = base_layout(
        title={
            "text": title,
            "x": 0.01,
            "y": 0.98,
            "yanchor": "top",
            "subtitle": {"text": settings, "font": {"size": 10, "color": "#555"}},
        },
        height=320 + top,
        margin={"l": 60, "r": 15, "t": top, "b": 45},
        xaxis={"title": {"text": "step"}},
        yaxis={
            "title": {"text": y_title},
            "type": "log" if log else "linear",
            "exponentformat": "power",
            **(log_ticks(np.concatenate([np.ravel(v) for v, _ in series.values()])) if log else {}),
        },
    )
    layout["legend"].update(
        orientation="h", x=0, y=1.0, yanchor="bottom", font={"size": 11}, borderwidth=0
    )
    return figure(traces, layout)


def loss_figure(
    objective: Objective, runs: Mapping[str, Trajectory], *, title: str = ""
) -> go.Figure:
    """Loss against step for every run (log y where the values allow it)."""
    series, y_title, log = {}, "f(θ)", True
    for name, trajectory in runs.items():
        values, y_title, run_log = loss_values(objective, trajectory.loss)
        log = log and run_log
        series[name] = (values, run_label(name, trajectory))
    return _line_figure(series, y_title, log, title or "Loss against step")


def distance_figure(
    objective: Objective, runs: Mapping[str, Trajectory], *, title: str = ""
) -> go.Figure:
    """Distance from each run's point to the nearest known minimum, against step (log y)."""
    series = {
        name: (np.maximum(objective.nearest_minimum(t.params)[1], TINY), run_label(name, t))
        for name, t in runs.items()
    }
    return _line_figure(
        series, "‖θ − nearest minimum‖", True, title or "Distance to the nearest minimum"
    )
