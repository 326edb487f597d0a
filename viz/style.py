"""One look for every figure: each optimizer's colour, fonts, margins and the chart toolbar."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import plotly.graph_objects as go

from optim.catalog import SYMBOLS

# Each optimizer keeps its colour on every page, in every figure and in the GIF.
OPTIMIZER_COLORS: dict[str, str] = {
    "Adam": "#d62728",
    "AdamW": "#ff7f0e",
    "AMSGrad": "#8c564b",
    "SGD": "#1f1f1f",
    "SGD + momentum": "#9467bd",
    "Nesterov": "#e377c2",
    "RMSProp": "#2ca02c",
    "Adagrad": "#b8860b",
}
EXTRA_COLORS = ("#17becf", "#7f7f7f", "#bcbd22", "#1f77b4")

FONT = {"family": "Inter, Helvetica, Arial, sans-serif", "size": 13, "color": "#222"}


def color_of(name: str, index: int = 0) -> str:
    """The optimizer's colour; unknown names (e.g. "Adam (Keras)") use their base name's."""
    for known, color in OPTIMIZER_COLORS.items():
        if name == known or name.startswith(known + " ("):
            return color
    return EXTRA_COLORS[index % len(EXTRA_COLORS)]


# The floor of every log axis: a value of exactly 0 (f = f*, no gap at all) is drawn here.
TINY = 1e-16


def format_number(value: float, digits: int | None = None, *, latex: bool = False) -> str:
    """The one way the app writes a number.

    Without `digits`, short text for a hyperparameter or a coordinate: six significant digits
    between 1e-4 and 1e4, three in scientific notation outside. With `digits`, that many
    significant digits, and at least three of 1 − value just below 1 (so 0.999978 does not
    read as 1). `latex` writes powers of ten as LaTeX.

    >>> format_number(0.001), format_number(1e-8), format_number(0.99999)
    ('0.001', '1e-08', '0.99999')
    >>> format_number(0.99997812, 4), format_number(-58.635812051234, 10)
    ('0.9999781', '-58.63581205')
    >>> print(format_number(1e-8, 10, latex=True))
    1 \\times 10^{-8}
    """
    value = float(value)
    if value == 0:
        return "0"
    if digits is None:
        text = f"{value:.6g}" if 1e-4 <= abs(value) < 1e4 else f"{value:.3g}"
    else:
        if 0.9 <= abs(value) < 1:
            digits = max(digits, int(-math.log10(1 - abs(value))) + 3)
        text = f"{value:.{digits}g}"
    if latex and "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def describe_hyperparameters(hyperparameters: Mapping[str, Any], ascii_only: bool = False) -> str:
    """ "α=0.001, β1=0.9, β2=0.999, ε=1e-08" (or "lr=0.001, beta1=0.9, …" in plain ASCII)."""
    parts = []
    for name, value in hyperparameters.items():
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.floating):
            continue
        symbol = {"learning_rate": "lr", "epsilon": "eps"}.get(name, name) if ascii_only else None
        parts.append(f"{symbol or SYMBOLS.get(name, name)}={format_number(float(value))}")
    return ", ".join(parts)


_AXIS = {
    "gridcolor": "#e6e6e6",
    "zerolinecolor": "#cfcfcf",
    "linecolor": "#9a9a9a",
    "ticks": "outside",
}
# A small template of our own: Plotly's named templates add about 7 KB to every figure sent.
TEMPLATE = {
    "layout": {
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "colorway": list(OPTIMIZER_COLORS.values()),
    }
}


def base_layout(**overrides: Any) -> dict[str, Any]:
    """Layout shared by all figures: white background, readable font, tight margins."""
    layout: dict[str, Any] = {
        "template": TEMPLATE,
        "font": FONT,
        "margin": {"l": 60, "r": 20, "t": 70, "b": 50},
        "legend": {"bgcolor": "rgba(255,255,255,0.85)", "bordercolor": "#ccc", "borderwidth": 1},
        "hoverlabel": {"namelength": -1},
    }
    layout.update(overrides)
    return layout


def spaced(length: int, points: int) -> np.ndarray:
    """Indices of at most `points` evenly spaced items of `length`, the first and last kept:
    how a long series is thinned for a preview.

    >>> spaced(1001, 5).tolist()
    [0, 250, 500, 750, 1000]
    """
    return np.unique(np.linspace(0, length - 1, min(length, points)).round().astype(int))


def log_ticks(values: np.ndarray, labels: int = 6) -> dict[str, Any]:
    """Tick spacing for a log axis: whole decades, at most about `labels` of them labelled.

    Plotly labels 2 and 5 between decades on short ranges and every decade on long ones; a
    loss that falls through 15 decades would crowd the axis with 15 labels.
    """
    positive = np.asarray(values, dtype=float)
    positive = positive[np.isfinite(positive) & (positive > 0)]
    if positive.size == 0:
        return {}
    span = np.log10(positive.max() / positive.min())
    if span < 1.5:
        return {}
    return {"dtick": int(max(1, np.ceil(span / labels)))}


def chart_config(filename: str, image_format: str = "png") -> dict[str, Any]:
    """Plotly.js config: the toolbar's camera button downloads PNG or SVG under `filename`."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": image_format,
            "filename": filename,
            "width": 1200,
            "height": 800,
            "scale": 2 if image_format == "png" else 1,
        },
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    }


def figure(data: Sequence[dict], layout: dict, frames: Sequence[dict] = ()) -> go.Figure:
    """A Figure from plain dicts, skipping Plotly's per-property validation.

    Validation is the slow part of building a figure (about 1 ms per animation frame), and
    Streamlit serialises a Figure with `to_dict()` without validating it again. Frames cannot
    skip validation through the public API, so they are attached as the `_props` records
    `Figure.to_dict()` reads (plotly 7). The tests validate every builder's output in full.
    """
    result = go.Figure(data=list(data), layout=layout, _validate=False)
    result._frame_objs = tuple(SimpleNamespace(_props=frame) for frame in frames)
    return result
