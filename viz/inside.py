"""Figures and equations of the "Inside Adam" page: effective learning rates, moments, bias
correction, conventions, schedules, weight decay, and one step's arithmetic in LaTeX.

Every builder is pure and takes the runs of `optim.inside.inside_runs`; the selected step t
only adds a vertical line (or two markers on the map), so moving it changes little. Figures
are assembled from plain dicts without Plotly's per-property validation; the tests validate
them instead. Step-axis series are float32 and at most `MAX_POINTS` long.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from functions import Objective
from optim import Trajectory
from optim.inside import (
    SETTLE_THRESHOLD,
    InsideRuns,
    StepNumbers,
    adaptive_steps,
    correction_factor,
    decay_terms,
    series,
    settle_step,
    step_ratio,
)
from viz.landscape import Landscape
from viz.paths import map_layout, minima_trace
from viz.style import TINY, base_layout, color_of, format_number

MAX_POINTS = 500  # per step-axis series; a chart a few hundred pixels wide shows no more
# A live slider's preview of a stop (viz.stops.figure_arrays): points per path of the map (the
# click targets keep theirs) and per curve of the "over the steps" figure.
LIVE_PATH_POINTS = 150
LIVE_STEP_POINTS = 60
CONVENTION_TITLES = {"pytorch": "PyTorch", "keras": "Keras", "optax": "Optax"}
CONVENTION_COLORS = {"pytorch": "#d62728", "keras": "#1f77b4", "optax": "#2ca02c"}
GHOST = "#555555"
MARKER = "rgba(0,0,0,0.55)"
# Moments: one colour per quantity, the bias-corrected one dashed.
MOMENT_COLORS = {"m": "#1f77b4", "v": "#ff7f0e", "v_max": "#8c564b", "update": "#2ca02c"}
LIGHT = {"m": "#7fb8e0", "v": "#f9b97a"}  # the bias-corrected m̂ and v̂
AXES = ("x", "y")


def _f32(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def _stride(steps: int, max_points: int = MAX_POINTS) -> int:
    return max(1, math.ceil(steps / max_points))


def _per_step(values: np.ndarray, stride: int) -> dict:
    """A series over steps 1 … steps as y with x0/dx (no x array to send)."""
    return {"x0": 1, "dx": stride, "y": _f32(values[::stride])}


def _positive(values: np.ndarray) -> np.ndarray:
    return np.maximum(np.abs(values), TINY)


def _title(text: str, subtitle: str = "") -> dict:
    title: dict[str, Any] = {"text": text, "x": 0.01, "xanchor": "left", "y": 0.97}
    if subtitle:
        title["subtitle"] = {"text": subtitle, "font": {"size": 11, "color": "#555"}}
    return title


def _step_line(step: int, xref: str = "x", yref: str = "paper", y: tuple = (0, 1)) -> dict:
    return {
        "type": "line",
        "xref": xref,
        "yref": yref,
        "x0": step,
        "x1": step,
        "y0": y[0],
        "y1": y[1],
        "line": {"color": MARKER, "width": 1.5, "dash": "dot"},
        "layer": "above",
    }


def _margin(legend_rows: int, left: int = 60) -> dict:
    """Room above the plot for the title, its subtitle and `legend_rows` rows of legend."""
    # No autoexpand: a legend outside the plot would otherwise make Plotly measure and redraw
    # the whole figure once more; these margins already leave it room.
    return {"l": left, "r": 15, "t": 78 + 21 * legend_rows, "b": 45, "autoexpand": False}


def _log_axis(*series: np.ndarray) -> dict:
    """A log axis; labelled at powers of ten only when the values span decades."""
    values = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in series])
    positive = values[np.isfinite(values) & (values > 0)]
    axis = {"type": "log", "exponentformat": "power"}
    decades = np.log10(positive.max() / positive.min()) if positive.size else 0.0
    if decades >= 1.5:
        axis["dtick"] = 1 if decades <= 8 else math.ceil(decades / 6)  # at most ~8 labels
    return axis


def _legend_top() -> dict:
    return {
        "orientation": "h",
        "x": 0,
        "y": 1.0,
        "yanchor": "bottom",
        "font": {"size": 11},
        "borderwidth": 0,
        "bgcolor": "rgba(255,255,255,0)",
    }


def _line(name: str, series: dict, color: str, *, dash: str = "solid", **extra: Any) -> dict:
    trace = {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "line": {"color": color, "width": 2, "dash": dash},
        "hovertemplate": f"{name}<br>step %{{x}}: %{{y:.6g}}<extra></extra>",
        **series,
    }
    trace.update(extra)
    return trace


def run_title(runs: InsideRuns, objective: Objective) -> str:
    """ "Adam (PyTorch) on Rosenbrock from (−1.5, 2.5), 300 steps" for figure subtitles."""
    main = runs.main
    start = main.params[0]
    return (
        f"{main.name} ({CONVENTION_TITLES[main.optimizer.convention]}) on "
        f"{objective.title} from ({format_number(start[0])}, {format_number(start[1])}), "
        f"{main.steps} steps"
    )


def settings_text(trajectory: Trajectory) -> str:
    """α, β1, β2, ε (and λ), bias correction and schedule, on one line."""
    o = trajectory.optimizer
    parts = [
        f"α={format_number(o.learning_rate)}",
        f"β1={format_number(o.beta1)}",
        f"β2={format_number(o.beta2)}",
        f"ε={format_number(o.epsilon)}",
    ]
    if o.name == "AdamW":
        parts.append(f"λ={format_number(o.weight_decay)}")
    if not o.bias_correction:
        parts.append("no bias correction")
    if trajectory.schedule is not None:
        parts.append(f"schedule: {trajectory.schedule.describe()}")
    return ", ".join(parts)


# -- the map -----------------------------------------------------------------------------------
def path_figure(
    objective: Objective,
    landscape: Landscape,
    background: str,
    runs: InsideRuns,
    step: int,
    *,
    title: str = "",
) -> go.Figure:
    """The run over the landscape with its comparison paths; step t is marked by θ_{t−1} (open
    circle) and θ_t (filled). Every path point is clickable: its index is the step."""
    main = runs.main
    name = main.name
    traces: list[dict] = []
    if objective.minima:
        traces.append(minima_trace(objective, name="minimum", hoverinfo="skip"))

    def path(trajectory: Trajectory, label: str, color: str, dash: str, **extra: Any) -> dict:
        return {
            "type": "scatter",
            "x": _f32(trajectory.params[:, 0]),
            "y": _f32(trajectory.params[:, 1]),
            "mode": "lines",
            "line": {"color": color, "width": 2, "dash": dash},
            "name": label,
            # Only the click targets answer the mouse, so a click never lands on another path.
            "hoverinfo": "skip",
            **extra,
        }

    ghost = "without" if main.optimizer.bias_correction else "with"
    traces.append(path(runs.ghost, f"{name} {ghost} bias correction", GHOST, "dash"))
    if runs.unscheduled is not None:
        traces.append(path(runs.unscheduled, f"{name} at a constant α", "#9467bd", "dot"))
    traces.append(
        path(runs.rmsprop, "RMSProp (ρ = β2)", color_of("RMSProp"), "solid", visible="legendonly")
    )
    color = color_of(name)
    traces.append(path(main, name, color, "solid"))
    traces.append(_click_targets(main, name))
    before, after = main.params[step - 1], main.params[step]
    traces.append(
        {
            "type": "scatter",
            "x": [float(before[0]), float(after[0])],
            "y": [float(before[1]), float(after[1])],
            "mode": "markers",
            "marker": {
                "size": [13, 11],
                "symbol": ["circle-open", "circle"],
                "color": "#111",
                "line": {"width": 2.5, "color": "#111"},
            },
            "name": f"step {step}: θ_{step - 1} → θ_{step}",
            "hoverinfo": "skip",
        }
    )
    start = main.params[0]
    where = f"from ({format_number(start[0])}, {format_number(start[1])}), {main.steps} steps"
    heading = f"{name} ({CONVENTION_TITLES[main.optimizer.convention]}) on {objective.title}"
    layout = base_layout(
        title=_title(title or heading, f"{where} · {settings_text(main)}"),
        height=640,
        # The legend sits under the map, so it can wrap onto as many rows as the column needs
        # without reaching the title and the settings line above the map.
        margin={"l": 50, "r": 15, "t": 70, "b": 150, "autoexpand": False},
        legend={**_legend_top(), "y": -0.14, "yanchor": "top"},
        **map_layout(landscape, background),
        dragmode="pan",
        hovermode="closest",
    )
    return go.Figure(data=traces, layout=layout, _validate=False)


def step_markers(params: np.ndarray, step: int) -> dict[str, np.ndarray]:
    """The map's markers of step t on the run's path `params`, θ_{t−1} and θ_t (float32 x and
    y): the last trace of `path_figure`."""
    before, after = params[step - 1], params[step]
    return {"x": _f32([before[0], after[0]]), "y": _f32([before[1], after[1]])}


CLICK_TARGETS = 150  # invisible points along the path that carry its hover text and take clicks


def _click_targets(trajectory: Trajectory, name: str) -> dict:
    """At most `CLICK_TARGETS` points of the path, drawn as nothing (`mode: "none"`): hovering
    near one names its step, clicking selects it. (A line alone cannot be clicked; plotly.js
    finds undrawn points all the same, without an SVG node for each.)"""
    stride = max(1, math.ceil((trajectory.params.shape[0] - 1) / CLICK_TARGETS))
    steps = np.arange(0, trajectory.params.shape[0], stride)
    points = trajectory.params[steps]
    return {
        "type": "scatter",
        "x": _f32(points[:, 0]),
        "y": _f32(points[:, 1]),
        "customdata": steps,
        "mode": "none",
        "name": "click a point to inspect its step",
        "showlegend": False,
        "hovertemplate": f"{name}: step %{{customdata}}<br>θ = (%{{x:.4f}}, %{{y:.4f}})"
        "<br>click to inspect<extra></extra>",
    }


# -- everything over the steps: effective learning rates, moments, updates ------------------
ROW_SHARES = (0.34, 0.22, 0.22, 0.22)  # rates first: they are the lesson
ROW_GAP = 0.06  # room above each row for its legend


def _rows() -> list[tuple[float, float]]:
    """The vertical domains of the rows, top row first."""
    usable = 1 - ROW_GAP * (len(ROW_SHARES) - 1)
    domains, top = [], 1.0
    for share in ROW_SHARES:
        height = share * usable
        domains.append((round(max(0.0, top - height), 6), round(top, 6)))
        top -= height + ROW_GAP
    return domains


def steps_figure(runs: InsideRuns, step: int, *, title: str = "") -> go.Figure:
    """One step axis, four rows: the effective learning rate per parameter (Adam's
    α_t/(√v̂_t + ε), RMSProp's α/(√v_t + ε), SGD's α; log), the first moment m_t and m̂_t, the
    second moment v_t and v̂_t (and AMSGrad's v_max; log), and the update θ_t − θ_{t−1}.
    x is drawn solid and y dashed; each row has its own legend, and one dotted line marks the
    selected step across all of them."""
    main = runs.main
    stride = _stride(main.steps)
    name = main.name
    state = main.state
    amsgrad = "v_max" in state
    rows: list[list[tuple[str, np.ndarray, str, float]]] = [
        [
            (f"{name}", main.effective_lr, color_of(name), 2.2),
            ("RMSProp", runs.rmsprop.effective_lr, color_of("RMSProp"), 1.6),
            ("SGD (= α)", main.learning_rate[:, None], color_of("SGD"), 1.6),  # same for x and y
        ],
        [
            ("m_t", state["m"], MOMENT_COLORS["m"], 2.0),
            ("m̂_t (corrected)", state["m_hat"], LIGHT["m"], 1.6),
        ],
        [
            ("v_t", state["v"], MOMENT_COLORS["v"], 2.0),
            ("v̂_t (corrected)", state["v_hat"], LIGHT["v"], 1.6),
            *([("v_max,t", state["v_max"], MOMENT_COLORS["v_max"], 2.0)] if amsgrad else []),
        ],
        [("θ_t − θ_{t−1}", main.updates, MOMENT_COLORS["update"], 2.0)],
    ]
    legends = ["rate (log)", "m", "v (log)", "update"]
    log_rows = (0, 2)
    domains = _rows()
    traces: list[dict] = []
    layout = base_layout(
        title=_title(title or "Over the steps", settings_text(main) + " — x solid, y dashed"),
        height=940,
        margin={"l": 65, "r": 15, "t": 108, "b": 45, "autoexpand": False},
        hovermode="x unified",
    )
    for r, entries in enumerate(rows):
        suffix = "" if r == 0 else str(r + 1)
        legend = "legend" if r == 0 else f"legend{r + 1}"
        for label, values, color, width in entries:
            for axis, dash in ((0, "solid"), (1, "dash"))[: values.shape[1]]:
                series = _positive(values[:, axis]) if r in log_rows else values[:, axis]
                traces.append(
                    _line(
                        label,
                        _per_step(series, stride),
                        color,
                        xaxis=f"x{suffix}",
                        yaxis=f"y{suffix}",
                        line={"color": color, "width": width, "dash": dash},
                        legend=legend,
                        legendgroup=f"{r}-{label}",
                        showlegend=axis == 0,
                        hovertemplate=f"{label} {AXES[axis] if values.shape[1] > 1 else ''}: "
                        "%{y:.5g}<extra></extra>",
                    )
                )
        low, high = domains[r]
        layout[f"xaxis{suffix}"] = {
            "anchor": f"y{suffix}",
            **({"matches": "x", "showticklabels": r == len(rows) - 1} if r else {}),
            **({"title": {"text": "step t"}} if r == len(rows) - 1 else {}),
        }
        if r == 0:
            layout["xaxis"]["showticklabels"] = False
        axis_values = [trace["y"] for trace in traces if trace["yaxis"] == f"y{suffix}"]
        layout[f"yaxis{suffix}"] = {
            "domain": [low, high],
            "anchor": f"x{suffix}",
            "exponentformat": "power",
            **(_log_axis(*axis_values) if r in log_rows else {}),
        }
        layout[legend] = {
            **_legend_top(),
            "y": high,
            "yref": "paper",
            "title": {"text": f"<b>{legends[r]}</b>", "side": "left"},
        }
    layout["shapes"] = [_step_line(step)]
    return go.Figure(data=traces, layout=layout, _validate=False)


# -- grids of subplots ------------------------------------------------------------------------
def _grid_layout(rows: int, cols: int, gap: tuple[float, float] = (0.1, 0.12)) -> dict:
    """Axes for a rows x cols grid of subplots (top row first), sharing x within a column."""
    hgap, vgap = gap
    width = (1 - hgap * (cols - 1)) / cols
    height = (1 - vgap * (rows - 1)) / rows
    axes: dict[str, dict] = {}

    def span(low: float, high: float) -> list[float]:
        return [round(max(0.0, low), 6), round(min(1.0, high), 6)]

    for r in range(rows):
        for c in range(cols):
            index = r * cols + c + 1
            suffix = "" if index == 1 else str(index)
            top = 1 - r * (height + vgap)
            axes[f"xaxis{suffix}"] = {
                "domain": span(c * (width + hgap), c * (width + hgap) + width),
                "anchor": f"y{suffix}",
                **({"matches": "x"} if index > 1 else {}),
                **({"title": {"text": "step t"}} if r == rows - 1 else {}),
            }
            axes[f"yaxis{suffix}"] = {
                "domain": span(top - height, top),
                "anchor": f"x{suffix}",
                "exponentformat": "power",
            }
    return axes


# -- bias correction ---------------------------------------------------------------------------
def bias_figure(beta1: float, beta2: float, steps: int, step: int | None = None) -> go.Figure:
    """1/(1 − β1ᵗ), 1/(1 − β2ᵗ) and the uncorrected step's length over the corrected one's, on a
    log-t axis, with the steps where each factor falls below 1.01 labelled (and step `step`
    marked, if given)."""
    settled = {"β1": settle_step(beta1), "β2": settle_step(beta2)}
    end = float(min(1e7, max(10 * max(settled.values()), 10 * steps, 100)))
    t = np.unique(np.geomspace(1, end, 300).round())
    colors = {"β1": "#1f77b4", "β2": "#ff7f0e"}
    traces: list[dict] = []
    for name, beta, moment in (("β1", beta1, "m̂"), ("β2", beta2, "v̂")):
        traces.append(
            _line(
                f"1/(1 − {name}ᵗ), scales {moment}",
                {"x": _f32(t), "y": _f32(correction_factor(beta, t))},
                colors[name],
            )
        )
    traces.append(
        _line(
            "uncorrected step ÷ corrected step = (1 − β1ᵗ)/√(1 − β2ᵗ)",
            {"x": _f32(t), "y": _f32(step_ratio(beta1, beta2, t))},
            GHOST,
            dash="dash",
        )
    )
    for name, beta in (("β1", beta1), ("β2", beta2)):
        at = settled[name]
        traces.append(
            {
                "type": "scatter",
                "x": [at],
                "y": [float(correction_factor(beta, at))],
                "mode": "markers+text",
                "marker": {"size": 10, "color": colors[name], "line": {"color": "white"}},
                "text": [f"t = {at:,}".replace(",", " ")],
                "textposition": "top right",
                "textfont": {"color": colors[name], "size": 13},
                "name": f"{name}: below {SETTLE_THRESHOLD:g} from t = {at}",
                "hovertemplate": f"1/(1 − {name}ᵗ) < {SETTLE_THRESHOLD:g} from t = {at}"
                "<extra></extra>",
                "showlegend": False,
            }
        )
    layout = base_layout(
        title=_title(
            "Bias correction factors",
            f"β1 = {format_number(beta1)}, β2 = {format_number(beta2)}; shaded: this run's "
            f"{steps} steps",
        ),
        height=460,
        margin=_margin(2),
        legend=_legend_top(),
        xaxis={"title": {"text": "step t (log)"}, **_log_axis(t)},
        yaxis={
            "title": {"text": "factor (log)"},
            **_log_axis(*(trace["y"] for trace in traces)),
        },
        shapes=[
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": 1,
                "x1": max(steps, 1),
                "y0": 0,
                "y1": 1,
                "fillcolor": "rgba(214,39,40,0.07)",
                "line": {"width": 0},
                "layer": "below",
            },
            {
                "type": "line",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": SETTLE_THRESHOLD,
                "y1": SETTLE_THRESHOLD,
                "line": {"color": "#999", "width": 1, "dash": "dot"},
            },
            *([_step_line(step)] if step is not None else []),
        ],
    )
    return go.Figure(data=traces, layout=layout, _validate=False)


# -- conventions -------------------------------------------------------------------------------
def conventions_figure(
    gaps: Mapping[str, np.ndarray], step: int, *, subtitle: str = ""
) -> go.Figure:
    """‖θ_t(convention) − θ_t(PyTorch)‖ over the steps, log y (exact agreement at the floor)."""
    steps = len(next(iter(gaps.values()))) - 1 if gaps else 0
    stride = _stride(steps)
    traces = [
        _line(
            f"{CONVENTION_TITLES[name]} − PyTorch",
            {"x0": 0, "dx": stride, "y": _f32(np.maximum(gap[::stride], TINY))},
            CONVENTION_COLORS[name],
        )
        for name, gap in gaps.items()
    ]
    layout = base_layout(
        title=_title("How far each framework's path is from PyTorch's", subtitle),
        height=460,
        margin=_margin(1),
        legend=_legend_top(),
        xaxis={"title": {"text": "step t"}},
        yaxis={
            "title": {"text": "‖θ − θ_PyTorch‖ (log)"},
            **_log_axis(*(trace["y"] for trace in traces)),
            "range": [math.log10(TINY) - 0.5, None],
        },
        shapes=[_step_line(step)],
        annotations=[
            {
                "text": "identical",
                "xref": "paper",
                "yref": "y",
                "x": 1,
                "y": math.log10(TINY),
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": "#777"},
            }
        ],
    )
    return go.Figure(data=traces, layout=layout, _validate=False)


# -- variants ----------------------------------------------------------------------------------
def schedule_figure(runs: InsideRuns, step: int) -> go.Figure:
    """The scheduled α_t (top) and its effect on the effective learning rates (bottom, log),
    against the same run at a constant α."""
    main, constant = runs.main, runs.unscheduled
    stride = _stride(main.steps)
    name = main.name
    color = color_of(name)
    traces = [
        _line("α_t (scheduled)", _per_step(main.learning_rate, stride), "#111"),
    ]
    for axis, label in enumerate(AXES):
        dash = "solid" if axis == 0 else "dash"
        traces.append(
            _line(
                f"{label}: scheduled",
                _per_step(_positive(main.effective_lr[:, axis]), stride),
                color,
                dash=dash,
                xaxis="x2",
                yaxis="y2",
            )
        )
        if constant is not None:
            traces.append(
                _line(
                    f"{label}: constant α",
                    _per_step(_positive(constant.effective_lr[:, axis]), stride),
                    "#9467bd",
                    dash=dash,
                    xaxis="x2",
                    yaxis="y2",
                    line={"color": "#9467bd", "width": 1.5, "dash": dash},
                )
            )
    layout = base_layout(
        title=_title("Learning-rate schedule", settings_text(main)),
        height=520,
        margin=_margin(3),
        legend=_legend_top(),
        **_grid_layout(2, 1, gap=(0, 0.14)),
    )
    layout["yaxis"]["title"] = {"text": "α_t"}
    layout["yaxis"]["rangemode"] = "tozero"
    layout["yaxis2"].update(
        title={"text": "effective rate (log)"},
        **_log_axis(*(trace["y"] for trace in traces[1:])),
    )
    layout["shapes"] = [_step_line(step, "x", "y domain"), _step_line(step, "x2", "y2 domain")]
    return go.Figure(data=traces, layout=layout, _validate=False)


def decay_figure(trajectory: Trajectory, step: int) -> go.Figure:
    """AdamW: |α_t·λ·θ_{t−1}| (the decay) beside |α_t·m̂/(√v̂+ε)| (Adam's own step), log y."""
    stride = _stride(trajectory.steps)
    decay, adaptive = decay_terms(trajectory), adaptive_steps(trajectory)
    traces = []
    for axis, label in enumerate(AXES):
        dash = "solid" if axis == 0 else "dash"
        traces.append(
            _line(
                f"{label}: decay |α·λ·θ|",
                _per_step(_positive(decay[:, axis]), stride),
                color_of("AdamW"),
                dash=dash,
            )
        )
        traces.append(
            _line(
                f"{label}: Adam step |α·m̂/(√v̂+ε)|",
                _per_step(_positive(adaptive[:, axis]), stride),
                "#1f77b4",
                dash=dash,
            )
        )
    layout = base_layout(
        title=_title("AdamW: the decay term against Adam's own step", settings_text(trajectory)),
        height=460,
        margin=_margin(2),
        legend=_legend_top(),
        xaxis={"title": {"text": "step t"}},
        yaxis={
            "title": {"text": "size per step (log)"},
            **_log_axis(*(trace["y"] for trace in traces)),
        },
        shapes=[_step_line(step)],
    )
    return go.Figure(data=traces, layout=layout, _validate=False)


# -- one step in LaTeX -------------------------------------------------------------------------
DIGITS = 10


def tex_number(value: float) -> str:
    """A number of the step inspector: `DIGITS` significant digits, powers of ten in LaTeX."""
    return format_number(value, DIGITS, latex=True)


def _operand(value: float) -> str:
    """A number inside a product or sum: negative ones and powers of ten in parentheses."""
    text = tex_number(value)
    return f"({text})" if value < 0 or "times" in text else text


def step_lines(numbers: StepNumbers, axis: int) -> list[tuple[str, str]]:
    """Step t's equations for one coordinate: (symbolic, with numbers) pairs, LaTeX.

    Every number is the run's own (`numbers.terms` is the optimizer's `Adam.terms`), printed to
    `DIGITS` significant digits; the last digit of a result may differ from what the printed
    operands give, since the optimizer works with all of float64's ~16 digits.
    """
    n, i = numbers, axis
    terms = n.terms
    raw_max = n.amsgrad and n.convention != "optax"  # AMSGrad's max on the raw v
    lines: list[tuple[str, str]] = []
    l2 = r" + \lambda\, \theta_{t-1}" if n.weight_decay_mode == "l2" else ""
    lines.append(
        (
            rf"g_t &= \nabla f(\theta_{{t-1}}){l2} \quad \text{{at }} \theta_{{t-1}} = "
            rf"({tex_number(n.theta_prev[0])},\ {tex_number(n.theta_prev[1])})",
            tex_number(n.gradient[i]),
        )
    )
    lines.append(
        (
            r"m_t &= \beta_1\, m_{t-1} + (1-\beta_1)\, g_t",
            rf"{tex_number(n.beta1)} \cdot {_operand(n.m_prev[i])} + "
            rf"{tex_number(1 - n.beta1)} \cdot {_operand(n.gradient[i])} = {tex_number(n.m[i])}",
        )
    )
    lines.append(
        (
            r"v_t &= \beta_2\, v_{t-1} + (1-\beta_2)\, g_t^2",
            rf"{tex_number(n.beta2)} \cdot {_operand(n.v_prev[i])} + "
            rf"{tex_number(1 - n.beta2)} \cdot {_operand(n.gradient[i])}^2 = {tex_number(n.v[i])}",
        )
    )
    if raw_max:
        lines.append(
            (
                r"v^{\max}_t &= \max(v^{\max}_{t-1},\ v_t)",
                rf"\max({tex_number(n.v_max_prev[i])},\ {tex_number(n.v[i])}) = "
                rf"{tex_number(n.v_max[i])}",
            )
        )
    lines.append(_corrected(r"\hat m_t", "m_t", n.m[i], 1, n, terms.m_hat[i]))
    raw, raw_value = (r"v^{\max}_t", n.v_max[i]) if raw_max else ("v_t", n.v[i])
    v_hat = n.v_hat_used[i] if raw_max else terms.v_hat[i]
    lines.append(_corrected(r"\hat v_t", raw, raw_value, 2, n, v_hat))
    second = r"\hat v_t"
    if n.amsgrad and not raw_max:
        lines.append(
            (
                r"v^{\max}_t &= \max(v^{\max}_{t-1},\ \hat v_t)",
                rf"\max({tex_number(n.v_max_prev[i])},\ {tex_number(terms.v_hat[i])})"
                rf" = {tex_number(n.v_max[i])}",
            )
        )
        second = r"v^{\max}_t"
    epsilon = r"\epsilon"
    if n.convention == "keras" and n.bias_correction:
        # Keras adds its ε̂ to √v: the same as adding ε̂/√(1 − β2ᵗ) to √v̂.
        epsilon = r"\epsilon_t"
        lines.append(
            (
                r"\epsilon_t &= \hat\epsilon\, /\, \sqrt{1-\beta_2^{t}}",
                rf"{tex_number(n.epsilon)} / \sqrt{{{tex_number(terms.bc2)}}} = "
                rf"{tex_number(terms.epsilon)}",
            )
        )
    decay_symbolic, decay_numeric = "", ""
    if n.weight_decay_mode == "decoupled":
        decay_symbolic = r" - \alpha_t\, \lambda\, \theta_{t-1}"
        decay_numeric = (
            rf" - {tex_number(n.learning_rate)} \cdot {tex_number(n.weight_decay)} \cdot "
            rf"{_operand(n.theta_prev[i])}"
        )
    lines.append(
        (
            rf"\theta_t &= \theta_{{t-1}}{decay_symbolic} - \alpha_t\, \hat m_t / "
            rf"(\sqrt{{{second}}} + {epsilon})",
            rf"{tex_number(n.theta_prev[i])}{decay_numeric} - {tex_number(n.learning_rate)} \cdot "
            rf"{_operand(terms.m_hat[i])} / (\sqrt{{{tex_number(n.v_hat_used[i])}}} + "
            rf"{tex_number(float(terms.epsilon))}) = {tex_number(n.theta[i])}",
        )
    )
    return lines


def _corrected(
    symbol: str, raw: str, raw_value: float, moment: int, n: StepNumbers, value: float
) -> tuple[str, str]:
    """The bias-correction line of moment 1 or 2: symbol = raw / (1 − βᵗ), with its numbers."""
    if not n.bias_correction:
        return rf"{symbol} &= {raw}", tex_number(value)
    beta, bc = (n.beta1, n.terms.bc1) if moment == 1 else (n.beta2, n.terms.bc2)
    return (
        rf"{symbol} &= {raw} / (1-\beta_{moment}^{{t}})",
        rf"{_operand(raw_value)} / (1 - {tex_number(beta)}^{{{n.t}}}) = "
        rf"{_operand(raw_value)} / {tex_number(bc)} = {tex_number(value)}",
    )


def step_latex(numbers: StepNumbers) -> str:
    """Step t's equations, each followed by its numbers for x and for y (an aligned block)."""
    per_axis = [step_lines(numbers, axis) for axis in (0, 1)]
    rows = []
    for (symbolic, x_numbers), (_, y_numbers) in zip(*per_axis, strict=True):
        rows.append(symbolic)
        rows.append(rf"\color{{#555}}{{x:}}\quad &= {x_numbers}")
        rows.append(rf"\color{{#555}}{{y:}}\quad &= {y_numbers}")
    return r"\begin{aligned} " + r" \\[2pt] ".join(rows) + r" \end{aligned}"


# -- export ------------------------------------------------------------------------------------
def series_csv(columns: Mapping[str, np.ndarray]) -> bytes:
    """The page's series as CSV, full float64 precision."""
    buffer = io.StringIO()
    pd.DataFrame(dict(columns)).to_csv(buffer, index=False, float_format="%.17g")
    return buffer.getvalue().encode()


def runs_csv(runs: InsideRuns, conventions: Mapping[str, Trajectory] | None = None) -> bytes:
    """Every series of the page (`optim.inside.series`) as CSV."""
    return series_csv(series(runs, conventions))
