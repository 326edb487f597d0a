"""Curves against the step: loss and distance to the nearest minimum, one line per optimizer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from functions import Objective
from optim import Trajectory
from viz.paths import run_label, stop_labels
from viz.style import TINY, base_layout, color_of, figure, format_number, log_ticks, spaced


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


Series = Mapping[str, tuple[np.ndarray, str]]  # run name -> (values per step, settings label)


def _lines(series: Series, axis: str = "", legend: bool = True) -> list[dict]:
    """One line per run on the axes x{axis}/y{axis}."""
    return [
        {
            "type": "scatter",
            "x0": 0,
            "dx": 1,
            "y": np.asarray(values, dtype=np.float32),
            "xaxis": f"x{axis}",
            "yaxis": f"y{axis}",
            "mode": "lines",
            "line": {"color": color_of(name, index), "width": 2},
            "name": name,
            "legendgroup": name,
            "showlegend": legend,
            "hovertemplate": f"{label}<br>step %{{x}}<br>%{{y:.4g}}<extra></extra>",
        }
        for index, (name, (values, label)) in enumerate(series.items())
    ]


def _value_axis(series: Series, title: str, log: bool) -> dict:
    values = np.concatenate([np.ravel(v) for v, _ in series.values()]) if series else np.ones(1)
    return {
        "title": {"text": title},
        "automargin": True,  # room for the title beside labels like 10⁻¹⁵
        "type": "log" if log else "linear",
        "exponentformat": "power",
        **(log_ticks(values) if log else {}),
    }


def _subtitle(labels: Sequence[str]) -> str:
    return "<br>".join(labels)


def _layout(series: Series, title: str, plot_height: int, **axes: dict) -> dict:
    """The legend says who is who and the subtitle carries every setting, so the figure
    explains itself when saved on its own."""
    settings = _subtitle([label for _, label in series.values()])
    top = 62 + 13 * len(series)
    layout = base_layout(
        title={
            "text": title,
            "x": 0.01,
            "y": 0.98,
            "yanchor": "top",
            "subtitle": {"text": settings, "font": {"size": 10, "color": "#555"}},
        },
        height=plot_height + top,
        margin={"l": 60, "r": 15, "t": top, "b": 45},
        **axes,
    )
    layout["legend"].update(
        orientation="h", x=0, y=1.0, yanchor="bottom", font={"size": 11}, borderwidth=0
    )
    return layout


def _line_figure(series: Series, y_title: str, log: bool, title: str) -> go.Figure:
    layout = _layout(
        series,
        title,
        320,
        xaxis={"title": {"text": "step"}},
        yaxis=_value_axis(series, y_title, log),
    )
    return figure(_lines(series), layout)


def _loss_series(objective: Objective, runs: Mapping[str, Trajectory]) -> tuple[Series, str, bool]:
    series, y_title, log = {}, "f(θ)", True
    for name, trajectory in runs.items():
        values, y_title, run_log = loss_values(objective, trajectory.loss)
        log = log and run_log
        series[name] = (values, run_label(trajectory))
    return series, y_title, log


def _distance_series(objective: Objective, runs: Mapping[str, Trajectory]) -> Series:
    return {
        name: (np.maximum(objective.nearest_minimum(t.params)[1], TINY), run_label(t))
        for name, t in runs.items()
    }


DISTANCE_TITLE = "‖θ − nearest minimum‖"
SCRUB_POINTS = 120  # steps per curve at a live slider's stop: enough for the preview it is


def progress_stop_subtitles(
    runs: Mapping[str, Trajectory], name: str, hyperparameter: str, values: Sequence[float]
) -> dict[str, list[str]]:
    """The subtitle of `progress_figure(…, runs)` (every run's settings) at each of `values`
    of run `name`'s `hyperparameter`: {"title.subtitle.text": one per value}."""
    labels = [run_label(t) for t in runs.values()]
    order = list(runs).index(name)
    return {
        "title.subtitle.text": [
            _subtitle([*labels[:order], label, *labels[order + 1 :]])
            for label in stop_labels(runs[name], hyperparameter, values)
        ]
    }


def progress_scrub_traces(
    objective: Objective, runs: Mapping[str, Trajectory], name: str, paths: np.ndarray
) -> dict[int, dict[str, np.ndarray]]:
    """What a live slider swaps into `progress_figure(objective, runs)` at each of its stops,
    for the run `name`: `paths` (stops, steps + 1, 2) are that run's paths at the stops.

    Returns trace index -> {"x": steps, "y": values}, one array per stop: the run's loss line
    and, when minima are known, its distance line, at `SCRUB_POINTS` steps (first and last
    kept), with the values `progress_figure` plots.
    """
    order = list(runs).index(name)
    keep = spaced(paths.shape[1], SCRUB_POINTS)
    kept = np.asarray(paths[:, keep], dtype=float)
    steps = np.broadcast_to(keep.astype(np.float32), (len(kept), len(keep)))
    with np.errstate(all="ignore"):  # a diverged stop's path may hold huge values
        loss, _, _ = loss_values(objective, objective.value(kept))
        distance = np.maximum(objective.nearest_minimum(kept)[1], TINY)
    traces = {order: {"x": steps, "y": np.asarray(loss, dtype=np.float32)}}
    if objective.minima:
        traces[len(runs) + order] = {"x": steps, "y": np.asarray(distance, dtype=np.float32)}
    return traces


def loss_figure(
    objective: Objective, runs: Mapping[str, Trajectory], *, title: str = ""
) -> go.Figure:
    """Loss against step for every run (log y where the values allow it)."""
    series, y_title, log = _loss_series(objective, runs)
    return _line_figure(series, y_title, log, title or "Loss against step")


def progress_figure(
    objective: Objective, runs: Mapping[str, Trajectory], *, title: str = ""
) -> go.Figure:
    """Loss and, when minima are known, distance to the nearest one, stacked on one step axis.

    One figure rather than two: every change redraws each figure from scratch, so two panels
    in one figure cost the browser one redraw instead of two.
    """
    losses, y_title, log = _loss_series(objective, runs)
    if not objective.minima:
        return _line_figure(losses, y_title, log, title or "Loss against step")
    distances = _distance_series(objective, runs)
    layout = _layout(
        losses,
        title or "Loss and distance to the nearest minimum",
        520,
        xaxis={"anchor": "y", "matches": "x2", "showticklabels": False},
        yaxis={**_value_axis(losses, y_title, log), "domain": [0.54, 1.0]},
        xaxis2={"anchor": "y2", "title": {"text": "step"}},
        yaxis2={**_value_axis(distances, DISTANCE_TITLE, True), "domain": [0.0, 0.46]},
    )
    return figure([*_lines(losses), *_lines(distances, "2", legend=False)], layout)
