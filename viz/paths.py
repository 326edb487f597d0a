"""Optimization paths over the landscape: the animated race and the 3-D surface view."""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from functions import Objective
from optim import Trajectory
from viz.landscape import Landscape, band_image, data_uri, png_bytes
from viz.style import (
    base_layout,
    color_of,
    describe_hyperparameters,
    figure,
    format_number,
    spaced,
)
from viz.tables import settings_of

MAX_FRAMES = 240
HOVER_GRID = 41  # undrawn points per side that show f on hover and take clicks


def run_label(trajectory: Trajectory) -> str:
    """ "Adam (α=0.02, β1=0.9, β2=0.999, ε=1e-08)": the run's name and the settings a slide
    needs (the hyperparameters its catalog entry exposes)."""
    return f"{trajectory.name} ({describe_hyperparameters(settings_of(trajectory))})"


def frame_steps(steps: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The steps the animation shows: 0, …, steps, at most `max_frames` + 1 of them."""
    return np.unique(np.linspace(0, steps, min(steps, max_frames) + 1).round().astype(int))


def _f32(values: np.ndarray) -> np.ndarray:
    # Plotly sends NumPy arrays as base64; float32 halves the bytes and is ample on screen.
    return np.asarray(values, dtype=np.float32)


# Known minima are white stars on every map.
MINIMUM_MARKER = {
    "symbol": "star",
    "size": 15,
    "color": "white",
    "line": {"color": "#222", "width": 1.5},
}


def minima_trace(objective: Objective, **overrides: object) -> dict:
    """The objective's known minima as white stars."""
    minima = np.asarray(objective.minima, dtype=float).reshape(-1, 2)
    return {
        "type": "scatter",
        "x": minima[:, 0],
        "y": minima[:, 1],
        "mode": "markers",
        "marker": MINIMUM_MARKER,
        "name": "known minima",
        "hovertemplate": "minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
        **overrides,
    }


def map_layout(landscape: Landscape, background: str) -> dict:
    """Layout entries of a map: the landscape picture under fixed, equal-scale x and y axes."""
    (x0, x1), (y0, y1) = landscape.domain
    axis = {"showgrid": False, "zeroline": False, "constrain": "domain"}
    return {
        "images": [
            {
                "source": background,
                "xref": "x",
                "yref": "y",
                "x": x0,
                "y": y1,
                "sizex": x1 - x0,
                "sizey": y1 - y0,
                "sizing": "stretch",
                "layer": "below",
            }
        ],
        "xaxis": {"range": [x0, x1], "title": {"text": "x"}, **axis},
        "yaxis": {"range": [y0, y1], "title": {"text": "y"}, "scaleanchor": "x", **axis},
    }


def background_uri(landscape: Landscape) -> str:
    """The filled-contour picture of `landscape` as a PNG data URI (cache it per function)."""
    return data_uri(png_bytes(band_image(landscape)))


# The hover grid of each landscape in use (landscapes come from a cache, the same object on
# every run): built once, not on every change; dropped with its landscape.
_HOVER_GRIDS: weakref.WeakKeyDictionary[Landscape, dict] = weakref.WeakKeyDictionary()


def _hover_grid(landscape: Landscape) -> dict:
    grid = _HOVER_GRIDS.get(landscape)
    if grid is None:
        grid = _HOVER_GRIDS[landscape] = _make_hover_grid(landscape)
    return dict(grid)  # the figure may change its copy; the arrays are never written


def _make_hover_grid(landscape: Landscape) -> dict:
    """Points over the map that show f on hover (the picture has no values) and take clicks.

    They are drawn as nothing (`mode: "none"`): plotly.js still finds the nearest one under
    the pointer (the figure's `hoverdistance: -1` lets the pointer anywhere pick it), but puts
    no SVG node in the page for it. Invisible markers cost about 15 ms of every redraw at
    21 x 21 (45 ms at 41 x 41); these cost nothing to draw, so the grid can be finer.
    """
    (x0, x1), (y0, y1) = landscape.domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, HOVER_GRID), np.linspace(y0, y1, HOVER_GRID))
    # Nearest grid value of f for the hover text; the picture already shows the shape.
    ix = np.rint((gx - x0) / (x1 - x0) * (landscape.x.size - 1)).astype(int)
    iy = np.rint((gy - y0) / (y1 - y0) * (landscape.y.size - 1)).astype(int)
    return {
        "type": "scatter",
        "x": _f32(gx.ravel()),
        "y": _f32(gy.ravel()),
        "customdata": _f32(landscape.z[iy, ix].ravel()),
        "mode": "none",
        "hovertemplate": "x = %{x:.3f}<br>y = %{y:.3f}<br>f = %{customdata:.4g}"
        "<extra>click: start here</extra>",
        "name": "landscape",
        "showlegend": False,
    }


def race_figure(
    objective: Objective,
    landscape: Landscape,
    background: str,
    runs: Mapping[str, Trajectory],
    *,
    title: str = "",
    max_frames: int = MAX_FRAMES,
) -> go.Figure:
    """Paths of several optimizers over the landscape, with animated current positions.

    The landscape is the picture `background` (from `background_uri`) in `layout.images`;
    every trace is an SVG scatter. Frames carry a single trace, the current position of each
    optimizer, so the payload stays small and `redraw: False` plays at the browser's frame
    rate. The figure is assembled from plain dicts without Plotly's per-property validation
    (tens of milliseconds per frame list); the tests validate the result instead.
    """
    traces: list[dict] = [_hover_grid(landscape)]
    if objective.minima:
        traces.append(minima_trace(objective))
    steps = next(iter(runs.values())).steps if runs else 0
    shown = frame_steps(steps, max_frames)
    colors = [color_of(name, index) for index, name in enumerate(runs)]
    for (name, trajectory), color in zip(runs.items(), colors, strict=True):
        path = trajectory.params
        traces.append(
            {
                "type": "scatter",
                "x": _f32(path[:, 0]),
                "y": _f32(path[:, 1]),
                "mode": "lines",
                "line": {"color": color, "width": 2.2},
                "name": run_label(trajectory),
                "legendgroup": name,
                "hovertemplate": f"{name}<br>step %{{pointNumber}}<br>(%{{x:.4f}}, %{{y:.4f}})"
                "<extra></extra>",
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": [float(path[0, 0])],
                "y": [float(path[0, 1])],
                "mode": "markers",
                "marker": {
                    "symbol": "circle-open",
                    "size": 12,
                    "color": color,
                    "line": {"width": 2.5},
                },
                "legendgroup": name,
                "showlegend": False,
                "hovertemplate": f"{name} start (%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
            }
        )
    finals = np.array([t.params[-1] for t in runs.values()]).reshape(-1, 2)
    traces.append(
        {
            "type": "scatter",
            "x": finals[:, 0].tolist(),
            "y": finals[:, 1].tolist(),
            "mode": "markers",
            "marker": {"size": 13, "color": colors, "line": {"color": "white", "width": 2}},
            "text": list(runs),
            "hovertemplate": "%{text} at (%{x:.4g}, %{y:.4g})<extra></extra>",
            "name": "current position",
            "showlegend": False,
        }
    )
    heads = len(traces) - 1
    # Every run's position at each shown step, to six decimals (a millionth of a unit, far
    # below a pixel of any map): about a third of the JSON of full floats.
    at = np.zeros((len(shown), 0, 2))
    if runs:
        at = np.round(np.stack([t.params[shown] for t in runs.values()], axis=1), 6)
    xs, ys = at[..., 0].tolist(), at[..., 1].tolist()  # (frames, runs) each
    frames = [
        {"name": str(step), "traces": [heads], "data": [{"type": "scatter", "x": x, "y": y}]}
        for step, x, y in zip(shown, xs, ys, strict=True)
    ]
    # The legend names every run's settings, one per line above the map, so a saved picture
    # explains itself; the top margin grows with the number of runs.
    top = 60 + 21 * (len(runs) + 1)
    layout = base_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "y": 0.99, "yanchor": "top"},
        height=640 + top,
        margin={"l": 55, "r": 15, "t": top, "b": 130},
        legend={
            "orientation": "v",
            "yanchor": "bottom",
            "y": 1.01,
            "x": 0,
            "bgcolor": "rgba(255,255,255,0)",
            "borderwidth": 0,
        },
        **map_layout(landscape, background),
        updatemenus=[_play_buttons(shown)],
        sliders=[_frame_slider(shown)],
        hoverdistance=-1,
        hovermode="closest",
        dragmode="pan",
        uirevision=objective.name,
    )
    return figure(traces, layout, frames)


SCRUB_POINTS = 300  # points of a path per live-slider stop: the line looks the same, sent once


def _race_line(objective: Objective, runs: Mapping[str, Trajectory], name: str) -> int:
    """The index of run `name`'s path line in `race_figure(objective, …, runs)`."""
    first_path = 1 + bool(objective.minima)  # after the hover grid and the minima
    return first_path + 2 * list(runs).index(name)


def _race_heads(objective: Objective, runs: Mapping[str, Trajectory]) -> int:
    """The index of the current-position markers in `race_figure(objective, …, runs)`."""
    return 1 + bool(objective.minima) + 2 * len(runs)


def race_stop_names(
    objective: Objective,
    runs: Mapping[str, Trajectory],
    name: str,
    hyperparameter: str,
    values: Sequence[float],
) -> dict[int, list[str]]:
    """The legend name of run `name`'s line in `race_figure(objective, …, runs)` at each of
    `values` of `hyperparameter` (the run's other settings kept): what a live slider shows."""
    return {_race_line(objective, runs, name): stop_labels(runs[name], hyperparameter, values)}


def stop_labels(trajectory: Trajectory, hyperparameter: str, values: Sequence[float]) -> list[str]:
    """`run_label(trajectory)` at each of `values` of `hyperparameter`, the others kept."""
    settings = settings_of(trajectory)
    return [
        f"{trajectory.name} ({describe_hyperparameters({**settings, hyperparameter: v})})"
        for v in values
    ]


def race_scrub_traces(
    objective: Objective, runs: Mapping[str, Trajectory], name: str, paths: np.ndarray
) -> dict[int, dict[str, np.ndarray]]:
    """What a live slider swaps into `race_figure(objective, …, runs)` at each of its stops,
    for the run `name`: `paths` (stops, steps + 1, 2) are that run's paths at the stops.

    Returns trace index -> attribute -> one array per stop: the run's path line (thinned to
    `SCRUB_POINTS` points, first and last kept) and the current-position markers, where only
    this run's marker moves (to the end of its path).
    """
    line, heads = _race_line(objective, runs, name), _race_heads(objective, runs)
    order = list(runs).index(name)
    keep = spaced(paths.shape[1], SCRUB_POINTS)
    ends = np.array([t.params[-1] for t in runs.values()])  # (runs, 2)
    ends = np.repeat(ends[None], paths.shape[0], axis=0)
    ends[:, order] = paths[:, -1]
    return {
        line: {"x": _f32(paths[:, keep, 0]), "y": _f32(paths[:, keep, 1])},
        heads: {"x": _f32(ends[:, :, 0]), "y": _f32(ends[:, :, 1])},
    }


# Milliseconds to wait between frames. Plotly.js starts each frame on the first display
# refresh after the wait (60 Hz: every 16.7 ms), so 10 ms shows a frame on every refresh: 1×
# plays 241 frames at 60 frames/s, in about four seconds. 20 ms lands on every second refresh
# (½×, 30 frames/s) and 55 ms on every fourth (¼×, 15 frames/s), each with room for a refresh
# running late. 2× shows every second frame at 60 frames/s: Plotly.js can show at most one
# frame per refresh, so it must skip frames, and the chart does that from the current frame
# (`execute: False` hands the button to ui/chart/frontend/chart.js).
_SPEEDS = {"¼×": 55, "½×": 20, "1×": 10}
_FAST = 10  # 2×: every second frame, one per refresh


def _play_buttons(shown: np.ndarray) -> dict:
    def play(duration: int, names: list[str] | None = None) -> list:
        return [
            names,
            {
                "frame": {"duration": duration, "redraw": False},
                "transition": {"duration": 0},
                "fromcurrent": True,
                "mode": "immediate",
            },
        ]

    # Short labels, so that the row fits a narrow column: "▶ Play" plays at 1×, the
    # others play at their speed; "❚❚" pauses.
    buttons = [{"label": "▶ Play", "method": "animate", "args": play(_SPEEDS["1×"])}]
    buttons.append(
        {
            "label": "❚❚",
            "method": "animate",
            "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}],
        }
    )
    buttons += [
        {"label": label, "method": "animate", "args": play(ms)}
        for label, ms in _SPEEDS.items()
        if label != "1×"
    ]
    # 2×: the chart plays the listed frames after the current one. A standalone copy of the
    # figure (viz.exports.figure_html) lets Plotly.js play them itself, from the first.
    every_second = [str(step) for step in shown[::2]]
    if every_second[-1] != str(shown[-1]):
        every_second.append(str(shown[-1]))
    buttons.append(
        {"label": "2×", "method": "animate", "execute": False, "args": play(_FAST, every_second)}
    )
    return {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0,
        "y": -0.1,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": 0, "r": 8},
        "buttons": buttons,
    }


SLIDER_STOPS = 30  # the scrubbing slider stops at every few frames: each stop is DOM to draw


def _frame_slider(shown: np.ndarray) -> dict:
    stops = shown[np.unique(np.linspace(0, len(shown) - 1, SLIDER_STOPS + 1).round().astype(int))]
    return {
        "active": int(len(stops) - 1),
        "x": 0,
        "len": 1,
        "y": -0.17,
        "yanchor": "top",
        "currentvalue": {
            "prefix": "step ",
            "font": {"size": 13, "color": "#222"},
            "xanchor": "right",
        },
        # One tick per frame is too many to label; the current step is shown above the slider.
        "font": {"color": "rgba(0,0,0,0)"},
        "ticklen": 3,
        "pad": {"t": 0},
        "steps": [
            {
                "label": str(step),
                "method": "animate",
                "args": [
                    [str(step)],
                    {
                        "mode": "immediate",
                        "frame": {"duration": 0, "redraw": False},
                        "transition": {"duration": 0},
                    },
                ],
            }
            for step in stops
        ],
    }


def surface_figure(
    objective: Objective, landscape: Landscape, runs: Mapping[str, Trajectory], *, title: str = ""
) -> go.Figure:
    """The landscape as a 3-D surface, with every path lying on it.

    Where f spans decades the height is log₁₀(f − f_low + δ), the scale of the contour levels,
    so the valley floor is visible instead of flattened by the walls.
    """
    stride = max(1, landscape.x.size // 50)
    x, y = landscape.x[::stride], landscape.y[::stride]
    z = landscape.z[::stride, ::stride]
    low = float(np.nanmin(landscape.z))
    delta = float(landscape.levels[0] - low) if landscape.log else 0.0

    def height(values: np.ndarray) -> np.ndarray:
        if landscape.log:
            return np.log10(np.maximum(values - low, 0) + delta)
        return values

    traces: list[dict] = [
        {
            "type": "surface",
            "x": _f32(x),
            "y": _f32(y),
            "z": _f32(height(z)),
            "colorscale": "Blues_r",
            "opacity": 0.92,
            "showscale": False,
            "hovertemplate": "x = %{x:.3f}<br>y = %{y:.3f}<extra></extra>",
            "contours": {"z": {"show": True, "usecolormap": True, "project": {"z": True}}},
            "name": "f",
        }
    ]
    for index, (name, trajectory) in enumerate(runs.items()):
        # At most ~400 points per path: a 3-D line cannot show more, and they cost bytes.
        path = trajectory.params[:: max(1, trajectory.params.shape[0] // 400)]
        inside = (
            (path[:, 0] >= x[0])
            & (path[:, 0] <= x[-1])
            & (path[:, 1] >= y[0])
            & (path[:, 1] <= y[-1])
        )
        path = path[inside]
        traces.append(
            {
                "type": "scatter3d",
                "x": _f32(path[:, 0]),
                "y": _f32(path[:, 1]),
                "z": _f32(height(objective.value(path))),
                "mode": "lines",
                "line": {"color": color_of(name, index), "width": 6},
                "name": run_label(trajectory),
            }
        )
    z_title = f"log₁₀(f − {format_number(low)} + {format_number(delta)})" if landscape.log else "f"
    layout = base_layout(
        title={"text": title, "x": 0.01},
        height=640,
        margin={"l": 0, "r": 0, "t": 60, "b": 0},
        scene={
            "xaxis": {"title": {"text": "x"}},
            "yaxis": {"title": {"text": "y"}},
            "zaxis": {"title": {"text": z_title}},
            "camera": {"eye": {"x": -1.4, "y": -1.6, "z": 1.1}},
            "aspectmode": "manual",
            "aspectratio": {"x": 1, "y": 1, "z": 0.6},
        },
        uirevision=objective.name,
    )
    layout["legend"].update(orientation="h", y=1.02, x=0)
    return figure(traces, layout)
