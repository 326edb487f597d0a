"""Figures and tables for the experiments: sweep heatmaps, basin maps and noise bands.

The grids are drawn in cell coordinates (column j at x = j, row i at y = i) with tick labels
placed at round values of the hyperparameter or coordinate, so a log or 1 − β scale costs no
coordinate arrays and every cell is the same size. A sweep carries a transparent heatmap over
its cells with their hover text; a click on a cell reports x = column and y = row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from functions import Objective
from optim.catalog import SYMBOLS
from optim.experiments import (
    BLEW_UP,
    CONVERGED,
    DIVERGED,
    NOT_CONVERGED,
    STALLED,
    Axis,
    Basins,
    GridSearch,
    NoiseStudy,
    Sweep,
)
from viz.paths import MINIMUM_MARKER
from viz.style import (
    TINY,
    base_layout,
    color_of,
    describe_hyperparameters,
    format_number,
    log_ticks,
)

MAX_CURVE_POINTS = 400  # points per noise curve; steps in between are skipped

DIVERGED_COLOR = "#cfcfcf"  # light grey: no result, the run blew up
STALLED_COLOR = "#2b2b2b"  # charcoal: ran all its steps without reaching f* + tolerance
CONVERGED_COLOR = "#5ec962"
# Basins: one colour per known minimum, none of them grey or an optimizer's colour.
BASIN_COLORS = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#9c755f",
    "#ff9da7",
)
COLOR_BY = {
    "loss": "final loss f − f* (log)",
    "steps": "steps to converge",
    "status": "converged / not / diverged",
}
SCALE_TITLES = {"linear": "", "log": " (log scale)", "nines": " (log scale of 1 − {s})"}


def _f32(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def _discrete_scale(colors: Sequence[str]) -> list[list]:
    """A stepped colour scale for integer codes 0 … k−1 drawn with zmin = −0.5, zmax = k − 0.5."""
    scale = []
    for code, color in enumerate(colors):
        scale += [[code / len(colors), color], [(code + 1) / len(colors), color]]
    return scale


def _legend_swatch(name: str, color: str, group: str = "") -> dict:
    """A legend entry only: a coloured square with no data behind it."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "marker": {
            "symbol": "square",
            "size": 13,
            "color": color,
            "line": {"color": "#888", "width": 1},
        },
        "name": name,
        "legendgroup": group or name,
        "hoverinfo": "skip",
    }


def _selected_marker(column: float, row: float, xaxis: str = "x", yaxis: str = "y") -> list:
    """A ring around the chosen cell: black outside, white inside, visible on any colour."""
    return [
        {
            "type": "scatter",
            "x": [column],
            "y": [row],
            "xaxis": xaxis,
            "yaxis": yaxis,
            "mode": "markers",
            "marker": {"symbol": symbol, "size": size, "color": color, "line": {"width": width}},
            "showlegend": False,
            "hoverinfo": "skip",
        }
        for symbol, size, color, width in (
            ("square-open", 17, "#111", 4),
            ("square-open", 17, "white", 1.5),
        )
    ]


# -- axes -----------------------------------------------------------------------------------
def _nice_linear(low: float, high: float, count: int = 5) -> np.ndarray:
    span = high - low
    if span <= 0:
        return np.array([low])
    step = 10 ** math.floor(math.log10(span / count))
    for factor in (1, 2, 5, 10):
        if span / (step * factor) <= count:
            step *= factor
            break
    first = math.ceil(low / step - 1e-9) * step
    ticks = np.arange(first, high + step * 1e-9, step)
    return np.round(ticks, 12)


def _candidates(axis: Axis) -> np.ndarray:
    """Round values worth a tick on this axis's scale."""
    if axis.scale == "log":
        decades = range(math.floor(math.log10(axis.low)), math.ceil(math.log10(axis.high)) + 1)
        mantissas = (1, 2, 5) if math.log10(axis.high / axis.low) <= 2.5 else (1,)
        return np.array([m * 10.0**e for e in decades for m in mantissas])
    if axis.scale == "nines":
        nines = range(0, math.ceil(-math.log10(1 - axis.high)) + 1)
        few = -math.log10((1 - axis.high) / (1 - axis.low)) <= 2.5
        values = [1 - 10.0**-k for k in nines] + ([1 - 5 * 10.0**-k for k in nines] if few else [])
        return np.round(np.array([*values, 0.0]), 12)
    return _nice_linear(axis.low, axis.high)


def axis_ticks(axis: Axis) -> tuple[np.ndarray, list[str]]:
    """Tick positions in cell units and their labels: round values, and both ends of the
    range where they are not too close to one of those."""
    values = np.unique(_candidates(axis))
    inside = values[(values >= axis.low * (1 - 1e-9)) & (values <= axis.high * (1 + 1e-9))]
    positions = np.asarray(axis.position(inside), dtype=float).reshape(-1)
    span = max(axis.count - 1, 1)
    for end, where in ((axis.low, 0.0), (axis.high, float(axis.count - 1))):
        if positions.size == 0 or np.min(np.abs(positions - where)) > 0.08 * span:
            inside, positions = np.append(inside, end), np.append(positions, where)
    order = np.argsort(positions)
    return positions[order], [format_number(v) for v in inside[order]]


def axis_title(axis: Axis) -> str:
    symbol = SYMBOLS.get(axis.name, axis.name)
    return symbol + SCALE_TITLES[axis.scale].format(s=symbol)


def _grid_axis(axis: Axis, **extra: object) -> dict:
    positions, labels = axis_ticks(axis)
    return {
        "range": [-0.5, axis.count - 0.5],
        "tickvals": positions.tolist(),
        "ticktext": labels,
        "title": {"text": axis_title(axis)},
        "showgrid": False,
        "zeroline": False,
        "ticks": "outside",
        **extra,
    }


# -- sweep heatmap --------------------------------------------------------------------------
def sweep_gap(sweep: Sweep) -> np.ndarray:
    """Final f − f* per cell (final f when the objective has no known minimum)."""
    return sweep.final_loss - (sweep.objective.min_value or 0.0)


def _hover_format(axis: Axis) -> str:
    # d3 formats: "~" drops trailing zeros; values near 1 need more digits to differ from 1.
    return ".7~g" if axis.scale == "nines" or (axis.high > 0.9 and axis.high < 1) else ".4~g"


def _sweep_hover(sweep: Sweep) -> tuple[str, str]:
    x, y = SYMBOLS.get(sweep.x.name, sweep.x.name), SYMBOLS.get(sweep.y.name, sweep.y.name)
    gap = "f − f*" if sweep.objective.min_value is not None else "f"
    head = (
        f"{x} = %{{customdata[0]:{_hover_format(sweep.x)}}}<br>"
        f"{y} = %{{customdata[1]:{_hover_format(sweep.y)}}}<br>"
    )
    return head, gap


def sweep_figure(
    sweep: Sweep,
    color: str = "loss",
    *,
    selected: tuple[int, int] | None = None,
    marks: Sequence[tuple[float, float]] = (),
    marks_name: str = "the course's grid search",
    title: str = "",
) -> go.Figure:
    """The sweep as a heatmap: final loss (log), steps to converge, or status per cell.

    Diverged cells are light grey in every mode; in the steps and status modes, cells that
    never came within the tolerance of f* are charcoal. `marks` are (x value, y value) pairs
    drawn as rings (the course's 12-model grid search, say); `selected` is (row, column).

    The traces come in the same order whatever the values (the layer of uncovered cells is
    there even when it is empty, the legend's swatches come last), so that the figures of
    two sweeps that differ in one fixed hyperparameter swap arrays trace by trace (a live
    slider, `viz.stops`).
    """
    if color not in COLOR_BY:
        raise ValueError(f"Invalid color: {color!r} (must be one of {', '.join(COLOR_BY)})")
    ny, nx = sweep.shape
    status = sweep.status
    gap = sweep_gap(sweep)
    traces: list[dict] = []
    if color in ("loss", "steps"):
        if color == "loss":
            values = (
                np.log10(np.maximum(gap, TINY)) if sweep.objective.min_value is not None else gap
            )
            log = sweep.objective.min_value is not None
            bar_title = "final f − f*" if log else "final f"
        else:
            values = np.where(status == CONVERGED, sweep.converged_at, np.nan).astype(float)
            log = False
            bar_title = f"steps to f* + {format_number(sweep.tolerance)}"
        values = np.where(status == BLEW_UP, np.nan, values)
        if color == "steps":
            values = np.where(status == STALLED, np.nan, values)
        traces.append(_value_heatmap(values, log, bar_title))
    # Cells the colour scale does not cover: 0 = none, 1 = never converged, 2 = diverged,
    # 3 = converged (status mode only).
    codes = np.zeros((ny, nx), dtype=np.uint8)
    codes[status == BLEW_UP] = 2
    if color in ("steps", "status"):
        codes[status == STALLED] = 1
    if color == "status":
        codes[status == CONVERGED] = 3
    traces.append(
        {
            "type": "heatmap",
            "z": codes,
            "zmin": -0.5,
            "zmax": 3.5,
            "colorscale": _discrete_scale(
                ("rgba(0,0,0,0)", STALLED_COLOR, DIVERGED_COLOR, CONVERGED_COLOR)
            ),
            "showscale": False,
            "hoverinfo": "skip",
            "name": "status",
        }
    )
    present = set(np.unique(codes).tolist())
    swatches = [
        ("reached f* + tolerance", CONVERGED_COLOR, 3),
        ("never reached f* + tolerance", STALLED_COLOR, 1),
        ("diverged", DIVERGED_COLOR, 2),
    ]
    traces.append(_sweep_hover_layer(sweep, gap, color))
    if marks:
        traces.append(_marks_trace(sweep, marks, marks_name))
    if selected is not None:
        traces += _selected_marker(selected[1], selected[0])
    # Last, so that the traces above keep their places; ranked first in the legend.
    traces += [
        {**_legend_swatch(name, c), "legendrank": 100 + rank}
        for rank, (name, c, code) in enumerate(swatches)
        if code in present
    ]
    layout = base_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        height=640,
        margin={"l": 70, "r": 20, "t": 90, "b": 60},
        xaxis=_grid_axis(sweep.x),
        yaxis=_grid_axis(sweep.y),
        plot_bgcolor="white",
        hovermode="closest",
        legend={
            "orientation": "h",
            "x": 0,
            "y": 1.0,
            "yanchor": "bottom",
            "bgcolor": "rgba(255,255,255,0)",
            "borderwidth": 0,
        },
    )
    return go.Figure(data=traces, layout=layout, _validate=False)


def _value_heatmap(values: np.ndarray, log: bool, bar_title: str) -> dict:
    finite = values[np.isfinite(values)]
    colorbar: dict = {"title": {"text": bar_title, "side": "right"}, "thickness": 14}
    if log and finite.size:
        colorbar.update(_log_ticks(float(finite.min()), float(finite.max())))
    return {
        "type": "heatmap",
        "z": _f32(values),
        "colorscale": "Viridis",
        "reversescale": True,
        "colorbar": colorbar,
        "hoverinfo": "skip",
        "name": bar_title,
    }


def _log_ticks(low: float, high: float) -> dict:
    """Colour-bar ticks for log10 values from `low` to `high`: powers of ten (at most about
    eight), or, when fewer than two of them fall inside (a range within one decade), five
    values evenly spaced between the two ends, written as numbers."""
    step = max(1, math.ceil((math.ceil(high) - math.floor(low)) / 8))
    decades = [t for t in range(math.floor(low), math.ceil(high) + 1, step) if low <= t <= high]
    if len(decades) >= 2:
        return {"tickvals": decades, "ticktext": [_power_of_ten(t) for t in decades]}
    ticks = np.linspace(low, high, 5) if high > low else np.array([low])
    return {
        "tickvals": ticks.tolist(),
        "ticktext": [format_number(float(10**t), 3) for t in ticks],
    }


def _power_of_ten(exponent: int) -> str:
    if exponent == 0:
        return "1"
    return f"10<sup>{str(exponent).replace('-', '−')}</sup>"


def _sweep_hover_layer(sweep: Sweep, gap: np.ndarray, color: str) -> dict:
    """A transparent heatmap over the grid that carries each cell's hover text: its two
    hyperparameter values (customdata) and what the colour shows (z: the final gap, or the
    step it reached f* + tolerance, −1 for never). A click on it reports the cell (x =
    column, y = row). The hyperparameter values stay when only another setting changes, so
    the chart sends them once (ui.chart sends a trace's large attributes apart)."""
    head, gap_name = _sweep_hover(sweep)
    shown, line = (gap, f"final {gap_name} = %{{z:.3g}}")
    if color == "steps":
        shown, line = (sweep.converged_at, "reached f* + tolerance at step %{z} (−1: never)")
    customdata = np.stack(
        [
            np.broadcast_to(sweep.x_values[None, :], sweep.shape),
            np.broadcast_to(sweep.y_values[:, None], sweep.shape),
        ],
        axis=-1,
    )
    return {
        "type": "heatmap",
        "z": _f32(shown),
        "zmin": 0,  # the colours are all transparent: no range to find
        "zmax": 1,
        "customdata": _f32(customdata),
        "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
        "showscale": False,
        "hovertemplate": head + line + "<br><i>click: path and loss of this run</i><extra></extra>",
        "name": "cells",
    }


def _marks_trace(sweep: Sweep, marks: Sequence[tuple[float, float]], name: str) -> dict:
    points = np.asarray(marks, dtype=float).reshape(-1, 2)
    inside = (
        (points[:, 0] >= sweep.x.low * (1 - 1e-12))
        & (points[:, 0] <= sweep.x.high * (1 + 1e-12))
        & (points[:, 1] >= sweep.y.low * (1 - 1e-12))
        & (points[:, 1] <= sweep.y.high * (1 + 1e-12))
    )
    points = points[inside]
    x, y = SYMBOLS.get(sweep.x.name, sweep.x.name), SYMBOLS.get(sweep.y.name, sweep.y.name)
    return {
        "type": "scatter",
        "x": np.asarray(sweep.x.position(points[:, 0]), dtype=float).tolist(),
        "y": np.asarray(sweep.y.position(points[:, 1]), dtype=float).tolist(),
        "customdata": points.tolist(),
        "mode": "markers",
        "marker": {
            "symbol": "circle-open",
            "size": 13,
            "color": "white",
            "line": {"width": 2.5},
        },
        "name": name,
        "hovertemplate": f"{name}<br>{x} = %{{customdata[0]:.4~g}}, {y} = %{{customdata[1]:.4~g}}"
        "<extra></extra>",
    }


def cell_from_point(point: Mapping, shape: tuple[int, int]) -> tuple[int, int] | None:
    """(row, column) of a clicked grid cell from a Streamlit selection point, or None."""
    try:
        column, row = round(float(point["x"])), round(float(point["y"]))
    except (KeyError, TypeError, ValueError):
        return None
    if 0 <= row < shape[0] and 0 <= column < shape[1]:
        return row, column
    return None


# -- basins of attraction -------------------------------------------------------------------
def basin_names(objective: Objective) -> dict[int, str]:
    """Label -> text: "minimum (3, 2)" per known minimum, then the two failure labels."""
    names = {
        index: f"minimum ({format_number(round(x, 3))}, {format_number(round(y, 3))})"
        for index, (x, y) in enumerate(objective.minima)
    }
    names[NOT_CONVERGED] = "no known minimum reached"
    names[DIVERGED] = "diverged"
    return names


def basin_colors(objective: Objective) -> dict[int, str]:
    colors = {
        index: BASIN_COLORS[index % len(BASIN_COLORS)] for index in range(len(objective.minima))
    }
    colors[NOT_CONVERGED] = STALLED_COLOR
    colors[DIVERGED] = DIVERGED_COLOR
    return colors


def _positions(values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Coordinates -> cell units of an evenly spaced grid."""
    return (np.asarray(values, dtype=float) - grid[0]) / (grid[-1] - grid[0]) * (grid.size - 1)


def _coordinate_axis(grid: np.ndarray, name: str, **extra: object) -> dict:
    ticks = _nice_linear(float(grid[0]), float(grid[-1]), 5)
    return {
        "range": [-0.5, grid.size - 0.5],
        "tickvals": _positions(ticks, grid).tolist(),
        "ticktext": [format_number(t) for t in ticks],
        "title": {"text": f"start {name}"},
        "showgrid": False,
        "zeroline": False,
        "ticks": "outside",
        **extra,
    }


def basins_label(name: str, basins: Basins) -> str:
    return f"{name} ({describe_hyperparameters(basins.hyperparameters)})"


def basins_figure(
    maps: Mapping[str, Basins],
    *,
    selected: tuple[int, int] | None = None,
    title: str = "",
) -> go.Figure:
    """Basin maps side by side, one per optimizer: each start coloured by where it ended.

    All maps must share the grid. `selected` (row, column) rings one start on every map.
    """
    first = next(iter(maps.values()))
    objective = first.objective
    names, colors = basin_names(objective), basin_colors(objective)
    order = [*range(len(objective.minima)), NOT_CONVERGED, DIVERGED]
    scale = _discrete_scale([colors[label] for label in order])
    (x0, x1), (y0, y1) = (first.x[0], first.x[-1]), (first.y[0], first.y[-1])
    # Keep the domain's aspect: one row of cells is as tall as a column is wide in x units.
    ratio = ((y1 - y0) / (first.y.size - 1)) / ((x1 - x0) / (first.x.size - 1))
    count, gap = len(maps), 0.07
    width = (1 - gap * (count - 1)) / count
    traces: list[dict] = []
    layout_axes: dict = {}
    annotations = []
    present: set[int] = set()
    for k, (name, basins) in enumerate(maps.items()):
        suffix = "" if k == 0 else str(k + 1)
        xaxis, yaxis = f"x{suffix}", f"y{suffix}"
        minimum_count = len(objective.minima)
        codes = np.where(
            basins.labels >= 0,
            basins.labels,
            np.where(basins.labels == NOT_CONVERGED, minimum_count, minimum_count + 1),
        ).astype(np.uint8)
        traces.append(
            {
                "type": "heatmap",
                "z": codes,
                "zmin": -0.5,
                "zmax": len(order) - 0.5,
                "colorscale": scale,
                "showscale": False,
                # The colour says where a start ends; a click on any start shows both paths.
                "hovertemplate": f"{name}: click to see both paths from this start<extra></extra>",
                "xaxis": xaxis,
                "yaxis": yaxis,
                "name": name,
            }
        )
        present.update(int(label) for label in np.unique(basins.labels))
        if objective.minima:
            minima = np.asarray(objective.minima, dtype=float)
            traces.append(
                {
                    "type": "scatter",
                    "x": _positions(minima[:, 0], basins.x).tolist(),
                    "y": _positions(minima[:, 1], basins.y).tolist(),
                    "xaxis": xaxis,
                    "yaxis": yaxis,
                    "mode": "markers",
                    "marker": MINIMUM_MARKER,
                    "name": "known minima",
                    "legendgroup": "minima",
                    "showlegend": k == 0,
                    "hoverinfo": "skip",
                }
            )
        if selected is not None:
            traces += _selected_marker(selected[1], selected[0], xaxis, yaxis)
        domain = [k * (width + gap), k * (width + gap) + width]
        layout_axes[f"xaxis{suffix}"] = _coordinate_axis(
            basins.x, "x", domain=domain, anchor=yaxis, constrain="domain"
        )
        layout_axes[f"yaxis{suffix}"] = _coordinate_axis(
            basins.y,
            "y",
            anchor=xaxis,
            scaleanchor=xaxis,
            scaleratio=ratio,
            constrain="domain",
            **({"title": {"text": ""}} if k else {}),
        )
        counts = basins.counts()
        reached = sum(v for label, v in counts.items() if label >= 0) / basins.labels.size
        annotations.append(
            {
                "text": f"<b>{basins_label(name, basins)}</b><br>{reached:.0%} of starts reach "
                "a known minimum",
                "x": (domain[0] + domain[1]) / 2,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13},
            }
        )
    traces += [_legend_swatch(names[label], colors[label]) for label in order if label in present]
    layout = base_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        height=620,
        margin={"l": 60, "r": 20, "t": 130, "b": 90},
        plot_bgcolor="white",
        hovermode="closest",
        annotations=annotations,
        legend={
            "orientation": "h",
            "x": 0,
            "y": -0.16,
            "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0)",
            "borderwidth": 0,
        },
        **layout_axes,
    )
    return go.Figure(data=traces, layout=layout, _validate=False)


# -- noise and sparsity ---------------------------------------------------------------------
def _thin(steps: int) -> np.ndarray:
    """Steps 0 … steps, at most MAX_CURVE_POINTS + 1 of them, the last one always included."""
    return np.unique(np.linspace(0, steps, min(steps, MAX_CURVE_POINTS) + 1).round().astype(int))


def _rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def noise_label(name: str, study: NoiseStudy) -> str:
    return f"{name} ({describe_hyperparameters(study.settings[name])})"


def noise_figure(study: NoiseStudy, *, title: str = "") -> go.Figure:
    """Per optimizer: the geometric mean of f − f* over the seeds (line; the mean on the log
    axis, not dragged up by one bad seed), the band holding the middle half of the seeds, and
    the same run without noise or sparsity (dotted)."""
    steps = _thin(study.steps)
    known = study.objective.min_value is not None
    traces: list[dict] = []
    for index, name in enumerate(study.loss):
        color = color_of(name, index)
        summary = {k: v[steps] for k, v in study.summary(name).items()}
        label = noise_label(name, study)
        if known:
            summary = {k: np.maximum(v, TINY) for k, v in summary.items()}
        common = {"x": steps.astype(np.int32), "legendgroup": name, "type": "scatter"}
        traces += [
            {
                **common,
                "y": _f32(summary["high"]),
                "mode": "lines",
                "line": {"width": 0, "color": color},
                "showlegend": False,
                "hoverinfo": "skip",
                "name": f"{name} 75th percentile",
            },
            {
                **common,
                "y": _f32(summary["low"]),
                "mode": "lines",
                "line": {"width": 0, "color": color},
                "fill": "tonexty",
                "fillcolor": _rgba(color, 0.16),
                "showlegend": False,
                "hoverinfo": "skip",
                "name": f"{name} 25th percentile",
            },
            {
                **common,
                "y": _f32(summary["clean"]),
                "mode": "lines",
                "line": {"width": 1.4, "color": color, "dash": "dot"},
                "showlegend": False,
                "name": f"{name} without noise",
                "hovertemplate": f"{name} without noise or sparsity<br>step %{{x}}: %{{y:.3g}}"
                "<extra></extra>",
            },
            {
                **common,
                "y": _f32(summary["geometric mean"]),
                "mode": "lines",
                "line": {"width": 2.4, "color": color},
                "name": label,
                "hovertemplate": f"{label}<br>step %{{x}}: geometric mean %{{y:.3g}}"
                "<extra></extra>",
            },
        ]
    y_title = "f(θ) − f*" if known else "f(θ)"
    values = np.concatenate([np.ravel(t["y"]) for t in traces])
    log = known or bool(np.all(values > 0))
    top = 80 + 20 * len(study.loss)
    layout = base_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top"},
        height=460 + top,
        margin={"l": 70, "r": 20, "t": top, "b": 50},
        xaxis={"title": {"text": "step"}, "range": [0, study.steps]},
        yaxis={
            "title": {"text": y_title},
            "type": "log" if log else "linear",
            "exponentformat": "power",
            **(log_ticks(values) if log else {}),
        },
        hovermode="closest",
    )
    layout["legend"].update(
        orientation="v", x=0, y=1.0, yanchor="bottom", bgcolor="rgba(255,255,255,0)", borderwidth=0
    )
    return go.Figure(data=traces, layout=layout, _validate=False)


# -- tables ---------------------------------------------------------------------------------
def _step_or_none(values: np.ndarray) -> pd.Series:
    return pd.Series(np.where(values >= 0, values, -1)).replace(-1, pd.NA).astype("Int64")


def sweep_table(sweep: Sweep) -> pd.DataFrame:
    """One row per cell: its two hyperparameters, where it ended, when it converged or blew up."""
    rows, columns = np.indices(sweep.shape)
    status_text = np.array(["converged", "not converged", "diverged"])[sweep.status]
    frame = pd.DataFrame(
        {
            "row": rows.ravel(),
            "column": columns.ravel(),
            sweep.x.name: np.broadcast_to(sweep.x_values[None, :], sweep.shape).ravel(),
            sweep.y.name: np.broadcast_to(sweep.y_values[:, None], sweep.shape).ravel(),
            "final x": sweep.final_params[..., 0].ravel(),
            "final y": sweep.final_params[..., 1].ravel(),
            "final loss": sweep.final_loss.ravel(),
            "best loss": sweep.best_loss.ravel(),
            "converged at step": _step_or_none(sweep.converged_at.ravel()),
            "diverged at step": _step_or_none(sweep.diverged_at.ravel()),
            "status": status_text.ravel(),
        }
    )
    for name, value in sweep.fixed.items():
        frame[name] = value
    frame["optimizer"] = sweep.variant
    frame["function"] = sweep.objective.name
    frame["steps"] = sweep.steps
    return frame


def grid_search_table(search: GridSearch) -> pd.DataFrame:
    """The grid search's models, best first."""
    order = search.ranking()
    names = list(search.settings[0])
    frame = pd.DataFrame(
        {
            "rank": np.arange(1, len(order) + 1),
            **{
                SYMBOLS.get(n, n): [search.settings[k][n] for k in order]
                for n in names
                if len({s[n] for s in search.settings}) > 1
            },
            "final loss": search.final_loss[order],
            "reached f* + tolerance at step": _step_or_none(search.converged_at[order]),
            "diverged at step": _step_or_none(search.diverged_at[order]),
        }
    )
    return frame


def basins_table(maps: Mapping[str, Basins]) -> pd.DataFrame:
    """One row per start point, with what each optimizer made of it."""
    first = next(iter(maps.values()))
    names = basin_names(first.objective)
    starts = np.stack(np.meshgrid(first.x, first.y), axis=-1)
    frame = pd.DataFrame({"start x": starts[..., 0].ravel(), "start y": starts[..., 1].ravel()})
    for name, basins in maps.items():
        frame[f"{name}: reached"] = [names[int(v)] for v in basins.labels.ravel()]
        frame[f"{name}: final x"] = basins.final_params[..., 0].ravel()
        frame[f"{name}: final y"] = basins.final_params[..., 1].ravel()
        frame[f"{name}: final loss"] = basins.final_loss.ravel()
        frame[f"{name}: diverged at step"] = _step_or_none(basins.diverged_at.ravel())
    return frame


def basin_shares(maps: Mapping[str, Basins]) -> pd.DataFrame:
    """Share of the starts that ended at each minimum (or failed), per optimizer."""
    first = next(iter(maps.values()))
    names = basin_names(first.objective)
    frame = pd.DataFrame({"where the run ended": list(names.values())})
    for name, basins in maps.items():
        counts = basins.counts()
        frame[name] = [counts.get(label, 0) / basins.labels.size for label in names]
    return frame


def noise_table(study: NoiseStudy) -> pd.DataFrame:
    """Every step of every optimizer: mean, geometric mean, median and quartiles of f − f*
    over the seeds, and the run without noise."""
    frames = []
    for name in study.loss:
        summary = study.summary(name)
        frames.append(
            pd.DataFrame(
                {
                    "optimizer": name,
                    "settings": describe_hyperparameters(study.settings[name]),
                    "step": np.arange(study.steps + 1),
                    "mean": summary["mean"],
                    "geometric mean": summary["geometric mean"],
                    "median": summary["median"],
                    "25th percentile": summary["low"],
                    "75th percentile": summary["high"],
                    "without noise": summary["clean"],
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    frame["noise sigma"] = study.noise
    frame["sparsity"] = study.sparsity
    frame["seeds"] = len(study.seeds)
    return frame


def noise_summary(study: NoiseStudy) -> pd.DataFrame:
    """One row per optimizer: f − f* after the last step, over the seeds and without noise."""
    rows = []
    for name in study.loss:
        summary = study.summary(name)
        rows.append(
            {
                "optimizer": name,
                "settings": describe_hyperparameters(study.settings[name]),
                "mean": summary["mean"][-1],
                "geometric mean": summary["geometric mean"][-1],
                "median": summary["median"][-1],
                "25th percentile": summary["low"][-1],
                "75th percentile": summary["high"][-1],
                "without noise": summary["clean"][-1],
                "seeds that diverged": int(np.sum(study.diverged_at[name] >= 0)),
            }
        )
    return pd.DataFrame(rows)


def noise_verdict(study: NoiseStudy) -> str:
    """One sentence ranking the optimizers by their median f − f* after the last step, with
    what the noise cost each of them (against the same run without it)."""
    gap = "f − f*" if study.objective.min_value is not None else "f"
    parts = []
    medians = {name: float(study.summary(name)["median"][-1]) for name in study.loss}
    for name in sorted(medians, key=medians.get):
        clean = float(study.clean[name][-1] - (study.objective.min_value or 0.0))
        parts.append(f"{name} {medians[name]:.3g} (without noise {clean:.3g})")
    return f"Median {gap} after {study.steps} steps, best first: " + "; ".join(parts) + "."


def table_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, float_format="%.17g").encode()


def csv_on_demand(table: Callable[..., pd.DataFrame], *args: object) -> Callable[[], bytes]:
    """The CSV of `table(*args)`, made only when called: a download button's `data`, so that
    a run builds the table when the button is clicked, not on every slider move."""
    return lambda: table_csv(table(*args))
