"""Figures, tables and exports of the Networks page: losses and accuracies per epoch, effective
learning rates per layer and per weight, decision boundaries, rare against frequent words, the
grid search and the generalisation gap.

Every builder is pure and takes `nets.History` objects keyed by the name the page shows
("Adam", "SGD", …; the name picks the colour). Series are float32 and at most `MAX_POINTS`
long; animated figures carry only their moving traces in at most `MAX_FRAMES` frames, over
fixed axis ranges. A model that diverged is drawn up to where it stopped, with a cross there.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from nets import QUANTILES, Dataset, GridSearch, History
from nets.data import word_counts
from optim.catalog import SYMBOLS, VARIANTS, variant_of
from viz.style import TINY, base_layout, color_of, describe_hyperparameters, figure, format_number

MAX_POINTS = 500  # per step-axis series
MAX_FRAMES = 60  # W1 heatmap frames
# W1 frames send each weight's log10 rate as one byte, LEVELS steps between the lowest and the
# highest rate shown (a sixth of a percent of the range: invisible in colour), within
# W1_PAYLOAD bytes of codes (about 1.8× that as JSON): 60 frames of the course's 20×64 W1
# (≈140 KB), 40 of the digits network's 64×64 (≈300 KB).
LEVELS = 254
W1_PAYLOAD = 160 * 1024
BOUNDARY_FRAMES = 30  # decision-boundary frames: three heatmaps each
BOUNDARY_RESOLUTION = 40  # grid points per side of a decision-boundary map
CLASS_COLORS = ("#2166ac", "#b2182b")  # class 0 blue, class 1 red, as the probability map
# Probability of class 1: blue (0) through white (0.5) to red (1); the boundary is the white.
PROBABILITY_SCALE = [[0.0, "#4393c3"], [0.5, "#f7f7f7"], [1.0, "#d6604d"]]
RATE_SCALE = "Viridis"

Histories = Mapping[str, History]


# -- shared pieces ----------------------------------------------------------------------------
def _f32(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def _stride(count: int, max_points: int = MAX_POINTS) -> int:
    return max(1, math.ceil(count / max_points))


def _exposed(optimizer: Any) -> dict[str, Any]:
    """The hyperparameters the optimizer's catalog entry exposes (arrays stay arrays)."""
    values = optimizer.hyperparameters()
    try:
        exposed = VARIANTS[variant_of(optimizer)].hyperparameters
    except (KeyError, ValueError):
        exposed = tuple(k for k in values if k != "convention")
    return {k: values[k] for k in exposed if k in values}


def settings_text(history: History) -> str:
    """The hyperparameters the optimizer's catalog entry exposes, and the schedule:
    "α=0.01, β1=0.9, β2=0.999, ε=1e-08"."""
    text = describe_hyperparameters(_exposed(history.optimizer))
    if history.schedule is not None:
        text += f"; α {history.schedule.describe()}"
    return text


def run_text(history: History) -> str:
    """ "2→16→16→1 tanh/sigmoid, batch 32, 50 epochs, seed 0": what every optimizer shared."""
    return (
        f"{history.model.describe()}, batch {history.batch_size}, {history.epochs} epochs, "
        f"seed {history.seed}"
    )


def _title(text: str, subtitle: str) -> dict:
    return {
        "text": text,
        "x": 0.01,
        "xanchor": "left",
        "y": 0.985,
        "yanchor": "top",
        "subtitle": {"text": subtitle, "font": {"size": 10, "color": "#555"}},
    }


def _layout(title: str, subtitle_lines: Sequence[str], plot_height: int, **extra: Any) -> dict:
    """Title and settings on top, then a horizontal legend, then the plot: the legend sits in
    the margin under the subtitle, so it never covers the title or the data."""
    top = 80 + 13 * len(subtitle_lines)
    layout = base_layout(
        title=_title(title, "<br>".join(subtitle_lines)),
        height=plot_height + top,
        margin={"l": 65, "r": 20, "t": top, "b": 50},
        **extra,
    )
    layout["legend"].update(
        orientation="h", x=0, y=1.0, yanchor="bottom", font={"size": 11}, borderwidth=0
    )
    return layout


def _first(histories: Histories) -> History:
    if not histories:
        raise ValueError("No runs to draw")
    return next(iter(histories.values()))


def _shared_start(histories: Histories) -> bool:
    """Whether every run started from the same θ_0 and saw the same minibatches."""
    first = _first(histories)
    return all(
        h.seed == first.seed
        and h.batch_size == first.batch_size
        and h.rows == first.rows
        and np.array_equal(h.theta0, first.theta0)
        for h in histories.values()
    )


def _subtitles(histories: Histories) -> list[str]:
    first = _first(histories)
    shared = "; same θ_0 and minibatches for every optimizer" if _shared_start(histories) else ""
    lines = [f"{run_text(first)}{shared}"]
    lines += [f"{name}: {settings_text(h)}" for name, h in histories.items()]
    return lines


def _log_axis(values: Sequence[np.ndarray], title: str) -> dict:
    finite = np.concatenate([np.ravel(v) for v in values]) if values else np.ones(1)
    positive = finite[np.isfinite(finite) & (finite > 0)]
    axis: dict[str, Any] = {"type": "log", "title": {"text": title}, "exponentformat": "power"}
    if positive.size:
        low, high = math.log10(positive.min()), math.log10(positive.max())
        pad = max(0.05, 0.05 * (high - low))
        axis["range"] = [low - pad, high + pad]
        if high - low >= 1:
            axis["dtick"] = max(1, math.ceil((high - low) / 6))
        elif high - low >= 0.3:
            axis["dtick"] = "D2"  # 1, 2, 5 in each decade: no crowded minor labels
    return axis


def _single(history: History, what: str) -> None:
    if history.batch_shape:
        raise ValueError(f"{what} draws single runs; this History is a batch of models")


def _epochs_reached(history: History) -> int:
    """The last epoch to draw: the one in which the model diverged, or the last."""
    epoch = int(history.diverged_epoch)
    return history.epochs if epoch < 0 else epoch


def _steps_reached(history: History) -> int:
    """Steps with a real update: all of them, or those before the divergence."""
    step = int(history.diverged_at)
    return history.steps if step < 0 else step - 1


def _divergence_marker(name: str, x: float, y: float, xaxis: str, yaxis: str) -> dict:
    return {
        "type": "scatter",
        "x": [x],
        "y": [y],
        "xaxis": xaxis,
        "yaxis": yaxis,
        "mode": "markers",
        "marker": {"symbol": "x", "size": 11, "color": color_of(name), "line": {"width": 1}},
        "name": f"{name} diverged",
        "legendgroup": name,
        "showlegend": False,
        "hovertemplate": f"{name} diverged here<extra></extra>",
    }


# -- loss and accuracy per epoch --------------------------------------------------------------
def _epoch_lines(
    histories: Histories, metric: str, xaxis: str, yaxis: str, legend: bool
) -> list[dict]:
    traces = []
    for name, history in histories.items():
        _single(history, "metrics_figure")
        last = _epochs_reached(history)
        for split, dash in (("train", "solid"), ("validation", "dash")):
            values = getattr(history, f"{split}_{metric}")
            if values is None:
                continue
            shown = values[: last + 1]
            if metric == "loss":
                shown = np.maximum(shown, TINY)
            traces.append(
                {
                    "type": "scatter",
                    "x0": 0,
                    "dx": 1,
                    "y": _f32(shown),
                    "xaxis": xaxis,
                    "yaxis": yaxis,
                    "mode": "lines",
                    "line": {"color": color_of(name), "width": 2, "dash": dash},
                    "name": f"{name} {split}",
                    "legendgroup": name,
                    "showlegend": legend,
                    "hovertemplate": f"{name} {split} {metric}<br>epoch %{{x}}: %{{y:.4g}}"
                    "<extra></extra>",
                }
            )
            if history.diverged_at >= 0:
                traces.append(_divergence_marker(name, last, float(shown[-1]), xaxis, yaxis))
    return traces


def metrics_figure(histories: Histories, *, title: str = "") -> go.Figure:
    """Loss (log axis) and, for a classifier, accuracy per epoch; every optimizer on one chart,
    training solid, validation dashed. Epoch 0 is the shared start θ_0."""
    return _metrics_figure(histories, title, [])


def _metrics_figure(histories: Histories, title: str, notes: list[str]) -> go.Figure:
    first = _first(histories)
    classifier = first.train_accuracy is not None
    losses = _epoch_lines(histories, "loss", "x", "y", True)
    traces = list(losses)
    layout = _layout(
        title or "Loss and accuracy per epoch (solid: training, dashed: validation)",
        [*_subtitles(histories), *notes],
        330,
        hovermode="x unified",
    )
    loss_axis = _log_axis([t["y"] for t in losses], f"loss ({first.model.loss})")
    if classifier:
        traces += _epoch_lines(histories, "accuracy", "x2", "y2", False)
        layout.update(
            xaxis={"domain": [0, 0.47], "title": {"text": "epoch"}, "anchor": "y"},
            yaxis={**loss_axis, "anchor": "x"},
            xaxis2={"domain": [0.55, 1], "title": {"text": "epoch"}, "anchor": "y2"},
            yaxis2={"title": {"text": "accuracy"}, "range": [0, 1.02], "anchor": "x2"},
        )
    else:
        layout.update(xaxis={"title": {"text": "epoch"}}, yaxis=loss_axis)
    return figure(traces, layout)


# -- effective learning rates per layer -------------------------------------------------------
def _rgba(color: str, alpha: float) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _band_traces(name: str, q: np.ndarray, stride: int, axis: str, legend: bool) -> list[dict]:
    """5–95 % light, 25–75 % darker, median line, for one optimizer on one layer; one line
    when every parameter has the same rate (SGD's α)."""
    color = color_of(name)
    common = {
        "type": "scatter",
        "x0": 1,
        "dx": stride,
        "xaxis": f"x{axis}",
        "yaxis": f"y{axis}",
        "mode": "lines",
        "legendgroup": name,
    }
    values = np.maximum(q[::stride], TINY)
    median = {
        **common,
        "y": _f32(values[:, 2]),
        "line": {"color": color, "width": 2},
        "name": name,
        "showlegend": legend,
        "hovertemplate": f"{name} median<br>step %{{x}}: %{{y:.3g}}<extra></extra>",
    }
    if np.allclose(q[:, 0], q[:, 4], rtol=1e-12):
        median["name"] = f"{name} (one rate for all)"
        return [median]
    traces = []
    # "tonexty" fills down to the trace before it: each band is a lower edge, then an upper
    # edge that fills to it.
    edge = {**common, "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip"}
    for low, high, alpha in ((0, 4, 0.13), (1, 3, 0.3)):
        traces.append({**edge, "y": _f32(values[:, low])})
        traces.append(
            {
                **edge,
                "y": _f32(values[:, high]),
                "fill": "tonexty",
                "fillcolor": _rgba(color, alpha),
            }
        )
    return [*traces, median]


def rate_bands_figure(histories: Histories, *, title: str = "") -> go.Figure:
    """The effective learning rate of every parameter, per layer, over the steps: the course's
    "learning rate during training" done right. Bands hold 5–95 % (light) and 25–75 %
    (darker) of a layer's parameters, the line is the median; log axis. SGD's is one line: α."""
    first = _first(histories)
    for name, history in histories.items():
        _single(history, "rate_bands_figure")
        if history.rate_quantiles is None:
            raise ValueError(f"{name} was trained with rates=False: no effective rates to draw")
    layers = first.model.n_layers
    names = first.model.layer_names()
    gap = 0.06
    height = (1 - gap * (layers - 1)) / layers
    traces: list[dict] = []
    layout = _layout(
        title or "Effective learning rate of every parameter, per layer",
        [
            *_subtitles(histories),
            "bands: 5–95 % and 25–75 % of the layer's parameters; line: median",
        ],
        210 * layers + 40,
    )
    for k in range(layers):
        axis = "" if k == 0 else str(k + 1)
        layer_traces = []
        for name, history in histories.items():
            reached = max(1, _steps_reached(history))
            stride = _stride(reached)
            layer_traces += _band_traces(
                name, history.rate_quantiles[:reached, k], stride, axis, legend=k == 0
            )
        traces += layer_traces
        top = 1 - k * (height + gap)
        layout[f"xaxis{axis}"] = {
            "anchor": f"y{axis}",
            "showticklabels": k == layers - 1,
            **({"matches": "x"} if k else {}),
            **({"title": {"text": "step"}} if k == layers - 1 else {}),
        }
        layout[f"yaxis{axis}"] = {
            **_log_axis([t["y"] for t in layer_traces], "α_t/(√v̂_t+ε)" if k == 0 else ""),
            "domain": [round(max(0.0, top - height), 6), round(top, 6)],
            "anchor": f"x{axis}",
        }
        layout.setdefault("annotations", []).append(
            {
                "text": f"<b>{names[k]}</b>",
                "xref": "paper",
                "yref": "paper",
                "x": 1,
                "y": top,
                "xanchor": "right",
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 11},
                "bgcolor": "rgba(255,255,255,0.7)",
            }
        )
    return figure(traces, layout)


# -- the W1 effective-rate matrix ------------------------------------------------------------
CONTROLS_HEIGHT = 110  # pixels under the plot for the axis title, the slider and Play


def _animate(labels: Sequence[str], layout: dict, plot_height: int) -> None:
    """Add a step slider and Play/pause under the plot of `plot_height` pixels. Paper
    coordinates are fractions of the plot's height, so the offsets are converted from pixels;
    heatmaps need `redraw` to show a frame's new values."""
    below = lambda pixels: -pixels / plot_height  # noqa: E731
    args = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}}
    layout["sliders"] = [
        {
            "active": len(labels) - 1,
            "x": 0.12,
            "len": 0.88,
            "y": below(62),
            "yanchor": "top",
            "currentvalue": {
                "prefix": "after step ",
                "font": {"size": 12, "color": "#222"},
                "xanchor": "right",
            },
            "font": {"color": "rgba(0,0,0,0)"},  # one tick per frame is too many to label
            "ticklen": 3,
            "pad": {"t": 0},
            "steps": [
                {
                    "label": label,
                    "method": "animate",
                    "args": [[label], {**args, "transition": {"duration": 0}}],
                }
                for label in labels
            ],
        }
    ]
    play = {**args, "frame": {"duration": 150, "redraw": True}, "fromcurrent": True}
    layout["updatemenus"] = [
        {
            "type": "buttons",
            "direction": "left",
            "showactive": False,
            "x": 0,
            "y": below(58),
            "xanchor": "left",
            "yanchor": "top",
            "pad": {"t": 0, "r": 4},
            "buttons": [
                {"label": "▶", "method": "animate", "args": [None, play]},
                {"label": "❚❚", "method": "animate", "args": [[None], args]},
            ],
        }
    ]
    layout["margin"]["b"] = CONTROLS_HEIGHT
    layout["height"] += CONTROLS_HEIGHT - 50


def _log_colorbar(low: float, high: float, title: str, levels: int | None = None) -> dict:
    """A colour bar for log10 values from `low` to `high`, labelled with the values themselves
    at round numbers (1, 2, 5 × 10ᵏ), or at both ends when the range holds fewer than two.
    With `levels`, the z values are codes 0 … levels standing for low … high."""
    candidates = np.log10(
        [m * 10.0**k for k in range(math.floor(low), math.ceil(high) + 1) for m in (1, 2, 5)]
    )
    ticks = candidates[(candidates >= low - 1e-9) & (candidates <= high + 1e-9)]
    if len(ticks) > 7:
        ticks = ticks[np.isclose(ticks, np.round(ticks))]  # whole decades only
    if len(ticks) < 2:
        ticks = np.array([low, high])
    positions = ticks if levels is None else (ticks - low) / (high - low) * levels
    return {
        "title": {"text": title, "side": "right"},
        "tickvals": positions.tolist(),
        "ticktext": [format_number(10.0**t, 2) for t in ticks],
        "thickness": 14,
    }


def _picks(count: int, max_frames: int) -> np.ndarray:
    """Indices of at most `max_frames` snapshots, evenly spread, the last included."""
    return np.unique(np.linspace(0, count - 1, min(count, max_frames)).round().astype(int))


def w1_codes(logs: np.ndarray, low: float, high: float) -> np.ndarray:
    """log10 rates from `low` to `high` as uint8 codes 0 … LEVELS (clipped at both ends)."""
    scaled = (np.asarray(logs, dtype=np.float64) - low) / (high - low) * LEVELS
    return np.clip(np.rint(scaled), 0, LEVELS).astype(np.uint8)


def w1_rates_figure(
    history: History,
    name: str,
    *,
    feature_names: Sequence[str] = (),
    max_frames: int = MAX_FRAMES,
    title: str = "",
) -> go.Figure:
    """The effective learning rate of every weight of W1 (inputs × hidden units) on a log
    colour scale, with a step slider. Rows are inputs (named by `feature_names`, e.g. the
    words of a bag of words), columns are hidden units; the colour scale is fixed over all
    steps. At most `max_frames` frames, fewer for a large W1 (`W1_PAYLOAD`). The cells carry
    the log10 rates as one-byte codes (`w1_codes`), so hovering names the weight, and the
    colour bar gives its rate."""
    _single(history, "w1_rates_figure")
    if history.w1_rates is None:
        raise ValueError(f"{name} was trained with rates=False: no effective rates to draw")
    frame_bytes = history.w1_rates[0].size
    picks = _picks(len(history.w1_steps), max(2, min(max_frames, W1_PAYLOAD // frame_bytes)))
    steps = history.w1_steps[picks]
    reached = _steps_reached(history)
    rates = np.maximum(history.w1_rates[picks].astype(np.float64), TINY)
    logs = np.log10(rates).astype(np.float32)
    live = logs[steps <= reached] if np.any(steps <= reached) else logs
    # The first steps' rates reach far above the rest (α/|g_1| for Adam); a colour scale
    # from the 1st to the 99th percentile of everything shown keeps the later steps apart.
    low, high = (float(v) for v in np.percentile(live, [1, 99]))
    if high - low < 1e-6:  # one rate for every weight (SGD): centre it in the scale
        low, high = low - 0.5, high + 0.5
    inputs, hidden = history.w1_rates.shape[1:]
    rows = list(feature_names) if feature_names else [str(i + 1) for i in range(inputs)]
    if len(rows) != inputs:
        raise ValueError(f"feature_names has {len(rows)} names for {inputs} inputs")
    codes = w1_codes(logs, low, high)
    heat = {
        "type": "heatmap",
        "z": codes[-1],
        "x": np.arange(1, hidden + 1, dtype=np.int32),
        "y": rows,
        "zmin": 0,
        "zmax": LEVELS,
        "colorscale": RATE_SCALE,
        "colorbar": _log_colorbar(low, high, "rate", LEVELS),
        "hovertemplate": "input %{y}, hidden unit %{x}<extra></extra>",
    }
    labels = [str(int(s)) for s in steps]
    frames = [
        {"name": label, "data": [{"type": "heatmap", "z": codes[i]}], "traces": [0]}
        for i, label in enumerate(labels)
    ]
    diverged = "" if history.diverged_at < 0 else f"; diverged at step {int(history.diverged_at)}"
    plot_height = max(240, min(720, 18 * inputs + 60))
    layout = _layout(
        title or f"{name}: effective learning rate of each weight of W1",
        [
            f"{run_text(history)}; {name}: {settings_text(history)}{diverged}",
            "colour: α_t/(√v̂_t+ε) of each weight after the step on the slider (log scale, "
            "1st to 99th percentile of all steps shown)",
        ],
        plot_height,
        xaxis={"title": {"text": "hidden unit"}, "showgrid": False, "zeroline": False},
        yaxis={
            "title": {"text": "" if feature_names else "input"},
            "type": "category",
            **({"dtick": 1, "tickfont": {"size": 11}} if feature_names else {}),
            "autorange": "reversed",
            "showgrid": False,
            "zeroline": False,
        },
    )
    if feature_names:  # room for the longest name, about 7 px a character
        layout["margin"]["l"] = max(65, 25 + 7 * max(len(str(n)) for n in rows))
    _animate(labels, layout, plot_height)
    return figure([heat], layout, frames)


# -- decision boundaries -------------------------------------------------------------------
def _grid_axes(data: Dataset, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    points = data.X if data.X_val is None else np.concatenate([data.X, data.X_val])
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.1 * (high - low)
    return (
        np.linspace(low[0] - pad[0], high[0] + pad[0], resolution),
        np.linspace(low[1] - pad[1], high[1] + pad[1], resolution),
    )


def boundary_grids(
    history: History, xs: np.ndarray, ys: np.ndarray, picks: np.ndarray
) -> np.ndarray:
    """P(class 1) on the grid xs × ys for the θ snapshots `picks`, as whole percents (uint8,
    0 … 100): (len(picks), len(ys), len(xs))."""
    model = history.model
    if model.inputs != 2 or model.task == "regression":
        raise ValueError(f"{model.describe()} has no 2-D decision boundary to draw")
    gx, gy = np.meshgrid(xs, ys)
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    probability = model.predict(history.snapshot_params[picks], grid)  # (K, points, outputs)
    positive = probability[..., 0] if model.outputs == 1 else probability[..., 1]
    return np.rint(100 * positive).astype(np.uint8).reshape(len(picks), len(ys), len(xs))


def boundary_figure(
    histories: Histories,
    data: Dataset,
    *,
    resolution: int = BOUNDARY_RESOLUTION,
    max_frames: int = BOUNDARY_FRAMES,
    title: str = "",
) -> go.Figure:
    """Each optimizer's decision boundary on 2-D data, side by side, with a step slider: the
    map is the network's probability of class 1 (white = 0.5, the boundary), the dots are the
    training points. The same θ_0 gives the same first map for every optimizer."""
    names = list(histories)
    first = _first(histories)
    for name, history in histories.items():
        _single(history, "boundary_figure")
        if not np.array_equal(history.snapshot_steps, first.snapshot_steps):
            raise ValueError(f"{name} kept its snapshots at other steps than {names[0]}")
    xs, ys = _grid_axes(data, resolution)
    picks = _picks(len(first.snapshot_steps), max_frames)
    steps = first.snapshot_steps[picks]
    grids = {name: boundary_grids(h, xs, ys, picks) for name, h in histories.items()}
    count = len(names)
    gap = 0.04
    width = (1 - gap * (count - 1)) / count
    plot_height = 330
    traces: list[dict] = []
    layout = _layout(
        title or "Decision boundary after each step",
        [*_subtitles(histories), "colour: the network's probability of class 1 (white: 0.5)"],
        plot_height,
    )
    _animate([str(int(s)) for s in steps], layout, plot_height)
    layout["legend"]["y"] = 1 + 22 / plot_height  # above the panels' names
    for c, name in enumerate(names):
        axis = "" if c == 0 else str(c + 1)
        traces.append(
            {
                "type": "heatmap",
                "x": _f32(xs),
                "y": _f32(ys),
                "z": grids[name][-1],
                "zmin": 0,
                "zmax": 100,
                "colorscale": PROBABILITY_SCALE,
                "showscale": c == count - 1,
                "colorbar": {"title": {"text": "P(1) %"}, "thickness": 12},
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
                "hovertemplate": "(%{x:.2f}, %{y:.2f}): P(1) = %{z} %<extra>" + name + "</extra>",
            }
        )
        left = c * (width + gap)
        layout[f"xaxis{axis}"] = {
            "domain": [round(left, 6), round(left + width, 6)],
            "range": [float(xs[0]), float(xs[-1])],
            "anchor": f"y{axis}",
            "showgrid": False,
            "zeroline": False,
        }
        layout[f"yaxis{axis}"] = {
            "range": [float(ys[0]), float(ys[-1])],
            "anchor": f"x{axis}",
            "showgrid": False,
            "zeroline": False,
            "showticklabels": c == 0,
            **({"matches": "y"} if c else {}),
        }
        layout.setdefault("annotations", []).append(
            {
                "text": f"<b>{name}</b>",
                "xref": "paper",
                "yref": "paper",
                "x": left + width / 2,
                "y": 1.0,
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"color": color_of(name), "size": 13},
            }
        )
    # The points are static: drawn once per panel, after the maps, never in a frame.
    for c in range(count):
        axis = "" if c == 0 else str(c + 1)
        for label, color in enumerate(CLASS_COLORS):
            rows = data.y[:, 0] == label
            traces.append(
                {
                    "type": "scatter",
                    "x": _f32(data.X[rows, 0]),
                    "y": _f32(data.X[rows, 1]),
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "mode": "markers",
                    "marker": {"size": 5, "color": color, "line": {"color": "white", "width": 0.6}},
                    "name": f"class {label} (training)",
                    "legendgroup": f"class {label}",
                    "showlegend": c == 0,
                    "hoverinfo": "skip",
                }
            )
    frames = [
        {
            "name": str(int(step)),
            "data": [{"type": "heatmap", "z": grids[name][i]} for name in names],
            "traces": list(range(count)),
        }
        for i, step in enumerate(steps)
    ]
    return figure(traces, layout, frames)


# -- rare against frequent words ------------------------------------------------------------
def word_groups(data: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(rare, frequent) masks over the words: rare words occur in one row, frequent ones in at
    least a third of the rows (3 of the nine sentences)."""
    counts = word_counts(data)
    frequent = counts >= max(2, math.ceil(len(data.X) / 3))
    return counts == 1, frequent


def word_rates(histories: Histories, data: Dataset) -> pd.DataFrame:
    """Per word: in how many sentences it occurs and, per optimizer, the median effective rate
    of its weights (its row of W1) after the last step."""
    counts = word_counts(data)
    table = pd.DataFrame({"word": list(data.feature_names), "sentences": counts})
    for name, history in histories.items():
        _single(history, "word_rates")
        if history.w1_rates is None:
            raise ValueError(f"{name} was trained with rates=False: no effective rates")
        table[f"{name} rate"] = np.median(history.w1_rates[-1], axis=1).astype(float)
    return table


def rare_to_frequent(histories: Histories, data: Dataset) -> dict[str, float]:
    """Per optimizer: median rate of rare-word weights over that of frequent-word weights after
    the last step (1 for SGD; about 4 for Adam on the nine sentences)."""
    rare, frequent = word_groups(data)
    result = {}
    for name, history in histories.items():
        per_word = np.median(history.w1_rates[-1], axis=1)
        result[name] = float(np.median(per_word[rare]) / np.median(per_word[frequent]))
    return result


def words_figure(histories: Histories, data: Dataset, *, title: str = "") -> go.Figure:
    """What "Adam handles sparse gradients" means: left, the median effective rate of the
    weights of rare words (dashed) and of frequent words (solid) over the steps; right, each
    word's rate after the last step against how many sentences hold it."""
    rare, frequent = word_groups(data)
    counts = word_counts(data)
    ratios = rare_to_frequent(histories, data)
    first = _first(histories)
    traces: list[dict] = []
    for name, history in histories.items():
        _single(history, "words_figure")
        per_word = np.median(history.w1_rates.astype(np.float64), axis=2)  # (snapshots, words)
        for mask, label, dash in (
            (frequent, "frequent words", "solid"),
            (rare, "rare words", "dash"),
        ):
            traces.append(
                {
                    "type": "scatter",
                    "x": history.w1_steps.astype(np.int32),
                    "y": _f32(np.maximum(np.median(per_word[:, mask], axis=1), TINY)),
                    "mode": "lines",
                    "line": {"color": color_of(name), "width": 2, "dash": dash},
                    "name": f"{name}: {label}",
                    "legendgroup": name,
                    "hovertemplate": f"{name}, {label}<br>step %{{x}}: %{{y:.3g}}<extra></extra>",
                }
            )
        jitter = 0.12 * (list(histories).index(name) - (len(histories) - 1) / 2)
        traces.append(
            {
                "type": "scatter",
                "x": _f32(counts + jitter),
                "y": _f32(np.maximum(per_word[-1], TINY)),
                "xaxis": "x2",
                "yaxis": "y2",
                "mode": "markers",
                "marker": {"color": color_of(name), "size": 8, "opacity": 0.8},
                "text": list(data.feature_names),
                "name": f"{name}: one word",
                "legendgroup": name,
                "showlegend": False,
                "hovertemplate": f"{name}: “%{{text}}”<br>rate %{{y:.3g}}<extra></extra>",
            }
        )
    # Before its first sentence comes up a word's weights have had no gradient: their rate is
    # α/ε (10⁶ α), although they do not move. The axis shows the rates from the first epoch's
    # end on, when every word has been seen once.
    settled = [
        t["y"][np.asarray(t["x"]) >= first.steps_per_epoch] if "xaxis" not in t else t["y"]
        for t in traces
    ]
    ratio_text = "; ".join(
        f"{n}: rare/frequent = {format_number(r, 3)}×" for n, r in ratios.items()
    )
    layout = _layout(
        title or "Effective rates of rare and frequent words' weights",
        [
            *_subtitles(histories),
            f"after the last step, {ratio_text}",
            "a word not yet seen has rate α/ε but does not move (off the chart at the start)",
        ],
        330,
        xaxis={"domain": [0, 0.56], "title": {"text": "step"}, "anchor": "y"},
        yaxis={
            **_log_axis(settled, "median rate of the words' W1 weights"),
            "anchor": "x",
        },
        xaxis2={
            "domain": [0.66, 1],
            "title": {"text": "sentences holding the word"},
            "anchor": "y2",
            "dtick": 1,
        },
        yaxis2={**_log_axis(settled, ""), "anchor": "x2", "matches": "y"},
    )
    return figure(traces, layout)


# -- the grid search -----------------------------------------------------------------------
def _varying(search: GridSearch) -> list[str]:
    names = list(search.settings[0])
    return [n for n in names if len({s[n] for s in search.settings}) > 1]


def _epoch_or_none(values: np.ndarray) -> list:
    return [int(v) if v >= 0 else None for v in values]


def grid_search_table(search: GridSearch) -> pd.DataFrame:
    """The grid search's models, best final training loss first; diverged models last."""
    order = search.ranking()
    history = search.history
    columns: dict[str, Any] = {"rank": np.arange(1, len(order) + 1)}
    for name in _varying(search):
        columns[SYMBOLS.get(name, name)] = [search.settings[k][name] for k in order]
    columns["final training loss"] = search.final_loss[order]
    if history.train_accuracy is not None:
        columns["training accuracy"] = history.train_accuracy[-1][order]
    if history.validation_loss is not None:
        columns["final validation loss"] = history.validation_loss[-1][order]
    if history.validation_accuracy is not None:
        columns["validation accuracy"] = history.validation_accuracy[-1][order]
    columns["diverged in epoch"] = pd.array(
        _epoch_or_none(history.diverged_epoch[order]), dtype="Int64"
    )
    return pd.DataFrame(columns)


def grid_search_figure(search: GridSearch, *, title: str = "") -> go.Figure:
    """Final training loss of every model as a heatmap: α across, the other hyperparameters'
    combinations down; log colour scale, values written in the cells, diverged cells grey."""
    varying = _varying(search)
    if not varying:
        raise ValueError("The grid search varies no hyperparameter")
    across, down = varying[0], varying[1:]
    columns = sorted({s[across] for s in search.settings})
    row_keys = sorted({tuple(s[n] for n in down) for s in search.settings})
    loss = np.full((len(row_keys), len(columns)), np.nan)
    text = np.full(loss.shape, "", dtype=object)
    diverged = search.history.diverged_at >= 0
    for k, setting in enumerate(search.settings):
        r, c = row_keys.index(tuple(setting[n] for n in down)), columns.index(setting[across])
        if diverged[k]:
            text[r, c] = f"diverged (epoch {int(search.history.diverged_epoch[k])})"
        else:
            loss[r, c] = search.final_loss[k]
            text[r, c] = format_number(search.final_loss[k], 3)
    logs = np.log10(np.maximum(loss, TINY))
    finite = logs[np.isfinite(logs)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    row_labels = [
        ", ".join(f"{SYMBOLS.get(n, n)}={format_number(v)}" for n, v in zip(down, key, strict=True))
        or "—"
        for key in row_keys
    ]
    cells = {
        "type": "heatmap",
        "z": np.where(np.isfinite(logs), logs, np.nan).astype(np.float32),
        "x": [format_number(v) for v in columns],
        "y": row_labels,
        "zmin": low,
        "zmax": high,
        "colorscale": "Viridis",
        "reversescale": True,
        "text": text.tolist(),
        "texttemplate": "%{text}",
        "textfont": {"size": 12},
        "colorbar": _log_colorbar(low, high, "final loss"),
        "hovertemplate": f"{SYMBOLS.get(across, across)}=%{{x}}, %{{y}}<br>%{{text}}"
        "<extra></extra>",
        "xgap": 2,
        "ygap": 2,
    }
    history = search.history
    layout = _layout(
        title
        or f"Grid search: final training loss of {len(search.settings)} {search.variant} models",
        [
            f"{run_text(history)}; one batched run, same θ_0 and minibatches for every model",
            "brighter is lower (log colour scale); grey cells diverged",
        ],
        max(220, 60 * len(row_keys)),
        xaxis={"title": {"text": SYMBOLS.get(across, across)}, "type": "category"},
        yaxis={"type": "category", "autorange": "reversed"},
        plot_bgcolor="#cfcfcf",  # what shows through a diverged (empty) cell
    )
    # Room on the left for the row labels ("β1=0.95, β2=0.9999"), about 7 px a character.
    layout["margin"]["l"] = 30 + 7 * max(len(label) for label in row_labels)
    return figure([cells], layout)


# -- generalisation: Adam against SGD on real data -----------------------------------------
def generalisation_numbers(histories: Histories) -> pd.DataFrame:
    """One row per optimizer: final training and validation loss and their gap, accuracies and
    theirs, and the epoch of the lowest validation loss — the numbers behind "Adam can
    generalise worse than SGD", whatever they turn out to be."""
    _first(histories)
    rows = []
    for name, history in histories.items():
        _single(history, "generalisation_numbers")
        if history.validation_loss is None:
            raise ValueError(f"{name} was trained without a validation set")
        last = _epochs_reached(history)
        row: dict[str, Any] = {
            "optimizer": name,
            "final training loss": float(history.train_loss[last]),
            "final validation loss": float(history.validation_loss[last]),
        }
        row["loss gap (validation − training)"] = (
            row["final validation loss"] - row["final training loss"]
        )
        if history.train_accuracy is not None:
            row["training accuracy"] = float(history.train_accuracy[last])
            row["validation accuracy"] = float(history.validation_accuracy[last])
            row["accuracy gap (training − validation)"] = (
                row["training accuracy"] - row["validation accuracy"]
            )
        best = int(np.argmin(history.validation_loss[: last + 1]))
        row["lowest validation loss"] = float(history.validation_loss[best])
        row["at epoch"] = best
        row["diverged in epoch"] = int(history.diverged_epoch) if history.diverged_at >= 0 else None
        rows.append(row)
    return pd.DataFrame(rows)


def generalisation_lines(numbers: pd.DataFrame) -> list[str]:
    """One sentence per optimizer with its gaps, for the figure's subtitle and the page."""
    parts = []
    for _, row in numbers.iterrows():
        text = (
            f"{row['optimizer']}: validation − training loss = "
            f"{format_number(row['loss gap (validation − training)'], 3)}"
        )
        if "accuracy gap (training − validation)" in row and pd.notna(
            row["accuracy gap (training − validation)"]
        ):
            text += (
                f", accuracy {100 * row['training accuracy']:.1f} % training vs "
                f"{100 * row['validation accuracy']:.1f} % validation"
            )
        parts.append(text)
    return parts


def generalisation_figure(histories: Histories, *, title: str = "") -> go.Figure:
    """Training (solid) and validation (dashed) loss and accuracy per epoch, with the final
    gaps written in the subtitle."""
    numbers = generalisation_numbers(histories)
    return _metrics_figure(
        histories,
        title or "Generalisation: training (solid) against validation (dashed)",
        ["after the last epoch:", *generalisation_lines(numbers)],
    )


# -- CSV export ----------------------------------------------------------------------------
def _models(history: History) -> list[tuple[int, dict[str, Any]]]:
    """(index, hyperparameters) of each model in a history (one for a single run)."""
    values = _exposed(history.optimizer)
    count = history.batch_shape[0] if history.batch_shape else 1
    return [
        (
            k,
            {
                n: float(v[k]) if isinstance(v, np.ndarray) and v.ndim else v
                for n, v in values.items()
            },
        )
        for k in range(count)
    ]


def _pick(values: np.ndarray | None, batched: bool, k: int) -> np.ndarray | None:
    """Model k's values (the model axis is axis 1 of a batch), or None."""
    if values is None:
        return None
    return values[:, k] if batched else values


def _step_column(values: np.ndarray | None, steps: int) -> np.ndarray:
    """Per-step values as a column of rows 0 … steps; row 0 (θ_0, no step yet) is empty."""
    column = np.full(steps + 1, np.nan)
    if values is not None:
        column[1:] = values
    return column


def _epoch_column(values: np.ndarray | None, history: History) -> np.ndarray:
    """Per-epoch values at the row of each epoch's last step (epoch 0 at row 0)."""
    column = np.full(history.steps + 1, np.nan)
    if values is not None:
        column[:: history.steps_per_epoch] = values
    return column


def history_table(histories: Histories) -> pd.DataFrame:
    """Every history in long form: one row per (run, model, step), step 0 being θ_0.

    Per step: epoch, scheduled α_t, the minibatch loss before the step, and the 5/25/50/75/95 %
    effective-rate quantiles of each layer. At the last step of each epoch (and at step 0):
    training and validation loss and accuracy on the whole sets. `diverged` is true from the
    step at which the model diverged on. Cells with no value are left empty.
    """
    frames = []
    for name, history in histories.items():
        batched = bool(history.batch_shape)
        steps = history.steps
        step = np.arange(steps + 1)
        for k, hyperparameters in _models(history):
            diverged_at = int(history.diverged_at[k] if batched else history.diverged_at)
            columns: dict[str, Any] = {
                "run": name,
                "model": k,
                "optimizer": variant_of(history.optimizer),
                "settings": describe_hyperparameters(hyperparameters),
                "network": history.model.describe(),
                "batch_size": history.batch_size,
                "seed": history.seed,
                "step": step,
                "epoch": np.concatenate(([0], history.epoch_of_step)),
                "learning_rate": _step_column(_pick(history.learning_rate, batched, k), steps),
                "step_loss": _step_column(_pick(history.step_loss, batched, k), steps),
            }
            quantiles = _pick(history.rate_quantiles, batched, k)
            for layer in range(history.model.n_layers):
                for j, q in enumerate(QUANTILES):
                    values = None if quantiles is None else quantiles[:, layer, j]
                    columns[f"layer{layer + 1}_rate_q{round(100 * q):02d}"] = _step_column(
                        values, steps
                    )
            for metric in (
                "train_loss",
                "train_accuracy",
                "validation_loss",
                "validation_accuracy",
            ):
                values = _pick(getattr(history, metric), batched, k)
                columns[metric] = _epoch_column(values, history)
            columns["diverged"] = (step >= diverged_at) & (diverged_at > 0)
            frames.append(pd.DataFrame(columns))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def history_csv(histories: Histories) -> bytes:
    """`history_table` as CSV: floats to 17 significant digits, empty cells where a value does
    not exist, never NaN or inf."""
    table = history_table(histories)
    numbers = table.select_dtypes("number").to_numpy(dtype=float)
    if np.isinf(numbers).any():
        raise ValueError("A history holds an infinite value; it cannot be exported")
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, float_format="%.17g", na_rep="")
    return buffer.getvalue().encode()


# -- sentences the page writes under its figures ------------------------------------------
def divergence_text(name: str, history: History) -> str:
    """ "SGD diverged in epoch 1 (step 8 of 500) …": where a run stopped and what it reached;
    "" for a run that did not diverge."""
    _single(history, "divergence_text")
    if history.diverged_at < 0:
        return ""
    epoch = int(history.diverged_epoch)
    step, steps = (f"{count:,}".replace(",", " ") for count in (history.diverged_at, history.steps))
    text = (
        f"{name} diverged in epoch {epoch} (step {step} of {steps}): its update left "
        f"|θ| ≤ {format_number(history.bound)} or its loss stopped being finite, so it stopped "
        f"there. It had reached a training loss of {format_number(history.train_loss[epoch], 3)}"
    )
    if history.train_accuracy is not None:
        text += f" and a training accuracy of {100 * history.train_accuracy[epoch]:.1f} %"
    return text + "."


def rate_spread(history: History) -> tuple[int, float, float]:
    """(layer, 5 % quantile, 95 % quantile) of the layer whose effective rates spread widest
    (95 % over 5 %) after the last step the run took."""
    _single(history, "rate_spread")
    if history.rate_quantiles is None:
        raise ValueError("This run was trained with rates=False: no effective rates")
    last = history.rate_quantiles[max(1, _steps_reached(history)) - 1]  # (layers, 5)
    low, high = last[:, 0], last[:, -1]
    ratio = np.where(low > 0, high / np.maximum(low, TINY), np.inf)
    layer = int(np.argmax(ratio))
    return layer, float(low[layer]), float(high[layer])


def rate_spread_lines(histories: Histories) -> list[str]:
    """One sentence per optimizer: how far apart its parameters' effective rates end, in the
    layer where they spread widest — or that every parameter shares one rate (SGD's α_t)."""
    lines = []
    for name, history in histories.items():
        layer, low, high = rate_spread(history)
        if np.isclose(low, high, rtol=1e-9):
            lines.append(f"{name}: every parameter has the same rate, {format_number(low, 3)}.")
            continue
        where = history.model.layer_names()[layer]
        lines.append(
            f"{name}: in {where}, 5 % of the parameters have a rate below "
            f"{format_number(low, 3)} and 5 % above {format_number(high, 3)} — "
            f"{format_number(high / low, 3)}× apart."
        )
    return lines


def _relation(x: float, y: float, more: str, less: str) -> str:
    if math.isclose(x, y, rel_tol=1e-3):
        return "about the same as"
    return more if x > y else less


def generalisation_verdict(numbers: pd.DataFrame, first: str = "Adam", second: str = "SGD") -> str:
    """What one run says about "Adam can generalise worse than SGD": both final validation
    losses and both gaps, and which is larger (from `generalisation_numbers`); "" unless both
    optimizers are in it."""
    rows = {row["optimizer"]: row for _, row in numbers.iterrows()}
    if first not in rows or second not in rows:
        return ""
    loss, gap = "final validation loss", "loss gap (validation − training)"
    a, b = rows[first], rows[second]
    return (
        f"On this run {first}'s final validation loss is {format_number(a[loss], 3)} and "
        f"{second}'s {format_number(b[loss], 3)}: {first}'s is "
        f"{_relation(a[loss], b[loss], 'higher than', 'lower than')} {second}'s. {first}'s gap "
        f"between validation and training loss is {format_number(a[gap], 3)}, {second}'s "
        f"{format_number(b[gap], 3)}: {first}'s gap is "
        f"{_relation(a[gap], b[gap], 'larger than', 'smaller than')} {second}'s."
    )
