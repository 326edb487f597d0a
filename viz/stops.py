"""What a live slider swaps into a figure, from the same figure built at each of its stops.

A page that can build its figure for any value of a hyperparameter builds it at a few stops
around the current value; `figure_arrays` takes from each what can change from stop to stop
(every scatter trace's x and y, thinned, every heatmap's z, and the title's texts), and
`stops_of` keeps what does change:
the arrays and texts a `ui.chart.Scrub` sends ahead, so that the browser redraws a stop
without a rerun.
"""

from __future__ import annotations

import base64
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from viz.style import spaced

TEXTS = ("title.text", "title.subtitle.text")  # the texts that may name a stop's value


class FigureArrays:
    """One figure's swappable content: trace index -> {"x", "y"} of a scatter trace or {"z"}
    of a heatmap (float32), and TEXTS."""

    def __init__(self, traces: dict[int, dict[str, np.ndarray]], texts: dict[str, str]) -> None:
        self.traces = traces
        self.texts = texts


def _array(value: Any) -> np.ndarray:
    """A trace's array as float32, also from plotly.py's typed-array spec {dtype, bdata}."""
    if isinstance(value, Mapping) and "bdata" in value:
        value = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value, dtype=np.float32).ravel()


def _grid(value: Any) -> np.ndarray:
    """A heatmap's z as a 2-D float32 array, also from a typed-array spec with its shape."""
    if isinstance(value, Mapping) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(n) for n in str(value.get("shape", len(flat))).split(",")]
        return flat.astype(np.float32).reshape(shape)
    return np.asarray(value, dtype=np.float32)


def _text(layout: Mapping[str, Any], path: str) -> str:
    value: Any = layout
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value if isinstance(value, str) else ""


def figure_arrays(
    fig: go.Figure | Mapping[str, Any],
    points: int | None = None,
    *,
    skip: Collection[str] = (),
) -> FigureArrays:
    """The x and y of every scatter trace of `fig` with a y array, at most `points` of them
    (evenly spaced, first and last kept; all when None), and the z of every heatmap; a trace
    drawn from x0/dx gets its x at those points. Traces with per-point data that thinning
    would misalign (customdata, text) are never thinned. Traces named in `skip` are left out
    (a layer that only carries hover values, say)."""
    spec = fig.to_dict() if isinstance(fig, go.Figure) else fig
    traces: dict[int, dict[str, np.ndarray]] = {}
    for index, trace in enumerate(spec.get("data", [])):
        kind = trace.get("type", "scatter")
        if trace.get("name") in skip:
            continue
        if kind == "heatmap" and trace.get("z") is not None:
            traces[index] = {"z": _grid(trace["z"])}
        if kind != "scatter" or trace.get("y") is None:
            continue
        y = _array(trace["y"])
        if trace.get("x") is not None:
            x = _array(trace["x"])
        else:
            x = np.float32(trace.get("x0", 0)) + np.float32(trace.get("dx", 1)) * np.arange(
                len(y), dtype=np.float32
            )
        keep = np.arange(len(y))
        aligned = trace.get("customdata") is None and not isinstance(trace.get("text"), list)
        if points is not None and len(y) > points and aligned:
            keep = spaced(len(y), points)
        traces[index] = {"x": x[keep], "y": y[keep]}
    layout = spec.get("layout", {})
    return FigureArrays(traces, {path: _text(layout, path) for path in TEXTS})


def stops_of(
    stops: Sequence[FigureArrays],
) -> tuple[dict[int, dict[str, list[np.ndarray]]], dict[str, list[str]]]:
    """The traces and texts that differ between `stops` (one FigureArrays per stop, of the
    same figure): trace -> attribute -> one array per stop, and text path -> one per stop,
    ready for `Scrub(traces=..., layout=...)`. A trace whose arrays are the same at every stop
    is left out, as is an unchanged text."""
    traces: dict[int, dict[str, list[np.ndarray]]] = {}
    for index in stops[0].traces:
        per_stop = [stop.traces.get(index) for stop in stops]
        if any(arrays is None for arrays in per_stop):
            continue
        first = per_stop[0]
        if any(a.keys() != first.keys() for a in per_stop):
            continue  # not the same kind of trace at every stop
        if all(
            all(np.array_equal(a[name], first[name], equal_nan=True) for name in first)
            for a in per_stop
        ):
            continue
        traces[index] = {name: [a[name] for a in per_stop] for name in first}
    texts = {
        path: [stop.texts[path] for stop in stops]
        for path in TEXTS
        if len({stop.texts[path] for stop in stops}) > 1
    }
    return traces, texts


def window(values: Sequence[float], current: float, reach: int) -> tuple[list[float], int]:
    """The stops of `values` within `reach` of the one nearest `current`, and where that one
    is among them."""
    nearest = min(range(len(values)), key=lambda k: abs(values[k] - current))
    low, high = max(0, nearest - reach), min(len(values), nearest + reach + 1)
    return list(values[low:high]), nearest - low
