"""A small page that exercises ui.chart; tests/browser/test_chart.py and bench/chart.py drive it.

    streamlit run tests/browser/chart_app.py            # the chart component
    ...?view=plotly                                     # the same figure in st.plotly_chart
    ...?view=bare                                       # the slider and text only
    ...?pieces=off                                      # resend every piece on every run
    ...?charts=1                                        # the main chart only

The figure is the Playground's kind: a 200 x 200 picture under three paths of 1 000 points,
an animated marker per path (60 frames, `redraw: False`), Play/Pause and a step slider, the
legend above the map. The "alpha" slider bends the first path only and is named in its
legend entry; the chart's live slider scrubs the same values.
"""

from __future__ import annotations

import base64
import io
import json
import sys
from pathlib import Path

import numpy as np
import streamlit as st
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ui.chart import Scrub, chart

ALPHAS = np.round(np.arange(1, 31) * 0.05, 2)  # the slider's 30 stops: 0.05 … 1.5
RANGE_X, RANGE_Y = (-2.0, 2.0), (-1.0, 3.0)
STEPS, FRAMES = 1000, 60
HEAT_X = np.linspace(0.0, 4.5, 10)  # heatmap cell centres
HEAT_Y = np.linspace(10.0, 17.0, 8)


@st.cache_resource
def background() -> str:
    """A 200 x 200 PNG of smooth bands with a little texture, as a data URI (~100 KB)."""
    x, y = np.meshgrid(np.linspace(*RANGE_X, 200), np.linspace(*RANGE_Y, 200))
    f = np.sin(3 * x) * np.cos(2 * y) + 0.1 * (x**2 + y**2)
    noise = np.random.default_rng(0).normal(0, 6, (200, 200, 3))
    bands = np.stack([120 + 60 * f, 170 + 40 * f, 210 - 30 * f], axis=-1) + noise
    picture = Image.fromarray(np.clip(bands, 0, 255).astype(np.uint8)[::-1])
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def path(alpha: float, k: int) -> np.ndarray:
    """(STEPS, 2): a spiral around (0, 1) that stays within radius 0.9 of it."""
    t = np.linspace(0.0, 1.0, STEPS)
    angle = 2 * np.pi * (1.5 + k) * t * (1 + alpha) + k
    radius = 0.9 * (1 - 0.8 * t)
    return np.stack([radius * np.cos(angle), 1 + radius * np.sin(angle)], axis=-1)


@st.cache_resource
def stops() -> np.ndarray:
    """(30, STEPS, 2): the first path at every stop of the slider, for the live slider."""
    return np.stack([path(a, 0) for a in ALPHAS])


def figure(alpha: float) -> dict:
    paths = [path(alpha, 0), path(0.5, 1), path(0.5, 2)]
    shown = np.linspace(0, STEPS - 1, FRAMES).round().astype(int)
    traces = [
        {
            "type": "scatter",
            "x": p[:, 0].astype(np.float32),
            "y": p[:, 1].astype(np.float32),
            "mode": "lines",
            "name": f"path {k}" + (f" (alpha={alpha:g})" if k == 0 else ""),
        }
        for k, p in enumerate(paths)
    ]
    traces.append(
        {
            "type": "scatter",
            "x": [float(p[-1, 0]) for p in paths],
            "y": [float(p[-1, 1]) for p in paths],
            "mode": "markers",
            "marker": {"size": 12},
            "name": "heads",
        }
    )
    frames = [
        {
            "name": str(step),
            "traces": [3],
            "data": [{"x": [float(p[step, 0]) for p in paths],
                      "y": [float(p[step, 1]) for p in paths]}],
        }
        for step in shown
    ]  # fmt: skip
    play = {"frame": {"duration": 25, "redraw": False}, "transition": {"duration": 0}}
    layout = {
        "title": {"text": "Chart test — three spirals", "x": 0.01, "y": 0.99, "yanchor": "top"},
        "height": 600,
        # The legend sits above the map, as on the Playground: a longer or shorter entry
        # then never changes the margins, which would cost a full redraw.
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "margin": {"l": 60, "r": 20, "t": 100, "b": 120},
        "xaxis": {"range": list(RANGE_X), "showgrid": False},
        "yaxis": {"range": list(RANGE_Y), "showgrid": False},
        "images": [
            {
                "source": background(),
                "xref": "x",
                "yref": "y",
                "x": RANGE_X[0],
                "y": RANGE_Y[1],
                "sizex": RANGE_X[1] - RANGE_X[0],
                "sizey": RANGE_Y[1] - RANGE_Y[0],
                "sizing": "stretch",
                "layer": "below",
            }
        ],
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "left",
                "x": 0,
                "y": -0.1,
                "xanchor": "left",
                "yanchor": "top",
                "buttons": [
                    {"label": "▶ Play", "method": "animate", "args": [None, play]},
                    {
                        "label": "❚❚",
                        "method": "animate",
                        "args": [[None], {"frame": {"duration": 0}, "mode": "immediate"}],
                    },
                ],
            }
        ],
        "sliders": [
            {
                "x": 0.2,
                "len": 0.8,
                "y": -0.1,
                "yanchor": "top",
                "steps": [
                    {
                        "label": str(step),
                        "method": "animate",
                        "args": [[str(step)], {**play, "mode": "immediate"}],
                    }
                    for step in shown[::6]
                ],
            }
        ],
    }
    return {"data": traces, "layout": layout, "frames": frames}


HEAT_Z = np.add.outer(np.arange(HEAT_Y.size) * 10.0, np.arange(HEAT_X.size))  # 10 row + col
SHIFTS = [0.0, 10.0, 20.0, 30.0, 40.0]  # the heatmap's live slider adds one of these to z


def heatmap(shift: float) -> dict:
    z = HEAT_Z + shift
    return {
        "data": [
            {
                "type": "heatmap",
                "x": HEAT_X,
                "y": HEAT_Y,
                "z": z,
                "colorscale": "Viridis",
                "zmin": 0,
                "zmax": 120,
            }
        ],
        "layout": {
            "title": {"text": "Heatmap cells"},
            "height": 360,
            "margin": {"l": 60, "r": 20, "t": 50, "b": 40},
            "xaxis": {"range": [-0.25, 4.75]},
            "yaxis": {"range": [9.5, 17.5]},
        },
    }


def curve(alpha: float) -> dict:
    """A loss-like curve whose axes autorange: its range follows alpha."""
    t = np.arange(200, dtype=float)
    return {
        "data": [{"type": "scatter", "x": t, "y": (1 + alpha) * np.exp(-t / 50), "name": "loss"}],
        "layout": {"title": {"text": "Autoranged curve"}, "height": 260},
    }


def surface() -> dict:
    x = np.linspace(-2, 2, 40)
    z = np.cos(x)[None, :] * np.sin(x)[:, None]
    return {
        "data": [{"type": "surface", "x": x, "y": x, "z": z}],
        "layout": {"title": {"text": "Surface"}, "height": 420},
    }


def remember_click(click: dict) -> None:
    st.session_state.clicks = [*st.session_state.get("clicks", []), click]


def take_scrub(values: dict) -> None:
    st.session_state.update(values)


st.set_page_config(page_title="Chart test", layout="wide")
view = st.query_params.get("view", "component")
st.session_state.runs = st.session_state.get("runs", 0) + 1
st.text(f"runs={st.session_state.runs}")
alpha = st.slider("alpha", 0.05, 1.5, 0.5, 0.05, key="alpha")
alpha = round(float(alpha), 2)
st.text(f"alpha={alpha:g}")

if view == "plotly":
    st.plotly_chart(figure(alpha), key="demo_plotly")
elif view == "component":
    left, right = st.columns([3, 2])
    image_format = right.selectbox("Toolbar saves", ["png", "svg"], key="format")
    hide = right.checkbox("Hide the main chart", key="hide")
    show_3d = right.checkbox("Show the 3-D surface", key="show_3d")
    note = right.checkbox("Show a note above the chart", key="note")
    if st.query_params.get("pieces") == "off":
        st.session_state.pop("_adam_lab_chart_sent", None)  # as if every piece were new
    if not hide:
        with left:
            if note:
                st.info("A note that moves the chart down one place in its column.")
            index = int(np.abs(ALPHAS - alpha).argmin())
            paths = stops()
            live = Scrub(
                name="alpha",
                label="alpha (live)",
                values=ALPHAS,
                index=index,
                traces={0: {"x": paths[:, :, 0], "y": paths[:, :, 1]}},
                text=[f"{a:g}" for a in ALPHAS],
            )
            value = chart(
                figure(alpha),
                key="demo",
                config={
                    "toImageButtonOptions": {
                        "format": image_format,
                        "filename": "chart-test",
                        "width": 900,
                        "height": 600,
                        "scale": 1,
                    }
                },
                on_click=remember_click,
                scrub=[live],
                on_scrub=take_scrub,
            )
            st.text(f"demo click={json.dumps(value['click'])}")
    with right:
        if st.query_params.get("charts") == "1":  # the main chart alone, for first loads
            st.stop()
        shift = st.session_state.get("heat_shift", 0.0)
        heat = chart(
            heatmap(shift),
            key="heat",
            on_click=remember_click,
            scrub=[
                Scrub(
                    name="heat_shift",
                    label="shift (live)",
                    values=SHIFTS,
                    index=SHIFTS.index(shift),
                    traces={0: {"z": [HEAT_Z + v for v in SHIFTS]}},
                )
            ],
            on_scrub=take_scrub,
        )
        st.text(f"heat click={json.dumps(heat['click'])}")
        st.text(f"heat_shift={shift:g}")
        chart(curve(alpha), key="curve")
        if show_3d:
            chart(surface(), key="surface")
    st.text(f"clicks={len(st.session_state.get('clicks', []))}")
