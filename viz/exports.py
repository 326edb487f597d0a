"""Files to take away: per-step CSV and JSON, a standalone HTML figure, an animated GIF."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from PIL import Image, ImageDraw, ImageFont

from functions import Objective
from optim import Trajectory
from viz.landscape import Landscape, band_image
from viz.paths import frame_steps
from viz.style import color_of, describe_hyperparameters
from viz.tables import settings_of

_AXES = ("x", "y")


def _optional(value: Any) -> Any:
    return None if value is None or value < 0 else int(value)


def steps_table(runs: Mapping[str, Trajectory]) -> pd.DataFrame:
    """Every step of every run in long form: one row per (optimizer, step).

    Row 0 of a run is its start θ_0 (no gradient yet); row t holds θ_t and f(θ_t) with what
    step t used and produced: the gradient g_t (taken at θ_{t−1}), the update θ_t − θ_{t−1},
    the effective learning rate, the scheduled α_t and the optimizer state after the step.
    """
    frames = []
    for name, t in runs.items():
        steps = t.params.shape[0]
        columns: dict[str, Any] = {
            "optimizer": name,
            "settings": describe_hyperparameters(settings_of(t)),
            "convention": t.optimizer.convention,
            "step": np.arange(steps),
        }
        columns.update(settings_of(t))
        columns.update({"x": t.params[:, 0], "y": t.params[:, 1], "f": t.loss})
        per_step = {
            "gradient": t.gradients,
            "update": t.updates,
            "effective_lr": t.effective_lr,
            **t.state,
        }
        for key, values in per_step.items():
            for axis, label in enumerate(_AXES):
                columns[f"{key}_{label}"] = np.concatenate(([np.nan], values[:, axis]))
        columns["learning_rate_t"] = np.concatenate(([np.nan], t.learning_rate))
        frames.append(pd.DataFrame(columns))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def to_csv(runs: Mapping[str, Trajectory]) -> bytes:
    return steps_table(runs).to_csv(index=False, float_format="%.17g").encode()


def to_json(objective: Objective, runs: Mapping[str, Trajectory]) -> bytes:
    """The same data as JSON, one object per run whose series are the CSV's columns (steps
    0 … T; null where a per-step value has no step 0). Strictly valid: no NaN or Infinity.

    Columns, not one record per step: a list of numbers is what numpy, pandas and a plotting
    script load directly, and 8 runs of 5 000 steps build in about a second.
    """
    document: dict[str, Any] = {
        "function": {
            "name": objective.name,
            "title": objective.title,
            "expression": objective.source,  # the typed-in text, whole ("" for built-ins)
            "latex": objective.latex,  # "" when too long to display
            "minima": [list(m) for m in objective.minima],
        },
        "runs": [],
    }
    table = steps_table(runs)
    for name, t in runs.items():
        rows = table[table["optimizer"] == name]
        series = {
            column: _json_list(rows[column].to_numpy())
            for column in rows.columns
            if column not in ("optimizer", "settings", "convention")
            and column not in settings_of(t)
        }
        document["runs"].append(
            {
                "optimizer": name,
                "class": t.optimizer.name,
                "convention": t.optimizer.convention,
                "hyperparameters": {
                    k: v for k, v in t.optimizer.hyperparameters().items() if k != "convention"
                },
                "steps": t.steps,
                "diverged_at": _optional(t.diverged_at),
                "converged_at": _optional(t.converged_at),
                "series": series,
            }
        )
    return json.dumps(document, allow_nan=False, separators=(",", ":")).encode()


def _json_list(values: np.ndarray) -> list:
    """A column as a JSON list: NaN (no value) becomes null."""
    if values.dtype.kind != "f":
        return values.tolist()
    return [None if v != v else v for v in values.tolist()]


def figure_html(figure: go.Figure, title: str) -> bytes:
    """A standalone page with Plotly.js embedded: plays offline, waits for Play.

    Buttons the app's chart plays itself (`execute: False`, the Playground's 2×) are handed
    back to Plotly.js, which plays their listed frames from the first.
    """
    spec = figure.to_dict()
    for menu in spec["layout"].get("updatemenus", []):
        for button in menu.get("buttons", []):
            button["execute"] = True
    return (
        pio.to_html(
            spec,
            validate=False,
            include_plotlyjs=True,
            full_html=True,
            auto_play=False,
            config={"displaylogo": False, "responsive": True},
            div_id="adam-lab-figure",
        )
        .replace("<head>", f"<head><title>{title}</title>", 1)
        .encode()
    )


# -- animated GIF ---------------------------------------------------------------------------

_ASCII = str.maketrans({"–": "-", "−": "-", "²": "^2", "³": "^3", "·": "*", "×": "x", "θ": "theta"})


def _ascii(text: str) -> str:
    return text.translate(_ASCII).encode("ascii", "replace").decode()


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def race_gif(
    objective: Objective,
    landscape: Landscape,
    runs: Mapping[str, Trajectory],
    *,
    frames: int = 80,
    plot_size: int = 440,
    frame_ms: int = 70,
) -> bytes:
    """The race as an animated GIF for slides: paths grow over the landscape, step by step.

    Drawn with Pillow (already installed with Streamlit): no browser, about a second.
    """
    (x0, x1), (y0, y1) = landscape.domain
    aspect = (y1 - y0) / (x1 - x0)
    width, height = (
        (plot_size, round(plot_size * aspect))
        if aspect <= 1
        else (round(plot_size / aspect), plot_size)
    )
    font = ImageFont.load_default(size=14)
    small = ImageFont.load_default(size=12)
    margin, top = 16, 44
    legend_height = 20 * len(runs) + 12
    canvas_size = (max(width + 2 * margin, 520), top + height + legend_height + margin)
    left = (canvas_size[0] - width) // 2

    background = Image.fromarray(band_image(landscape)).resize(
        (width, height), Image.Resampling.LANCZOS
    )
    base = Image.new("RGB", canvas_size, "white")
    base.paste(background, (left, top))
    draw = ImageDraw.Draw(base)
    draw.rectangle((left - 1, top - 1, left + width, top + height), outline=(120, 120, 120))
    for index, (name, t) in enumerate(runs.items()):
        y = top + height + 10 + 20 * index
        draw.line((margin, y + 7, margin + 24, y + 7), fill=_rgb(color_of(name, index)), width=4)
        label = f"{name} ({describe_hyperparameters(settings_of(t), ascii_only=True)})"
        draw.text((margin + 32, y), _ascii(label), font=small, fill=(30, 30, 30))

    def pixels(points: np.ndarray) -> list[tuple[float, float]]:
        px = left + (points[:, 0] - x0) / (x1 - x0) * width
        py = top + (y1 - points[:, 1]) / (y1 - y0) * height
        # Far-away points (a run heading off) are pulled in so the drawing code stays in range.
        return list(zip(np.clip(px, -1e4, 1e4), np.clip(py, -1e4, 1e4), strict=True))

    steps = next(iter(runs.values())).steps if runs else 0
    images = []
    for step in frame_steps(steps, frames):
        frame = base.copy()
        layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        paint = ImageDraw.Draw(layer)
        for index, (name, t) in enumerate(runs.items()):
            color = _rgb(color_of(name, index))
            points = [(px - left, py - top) for px, py in pixels(t.params[: step + 1])]
            if len(points) > 1:
                paint.line(points, fill=(*color, 255), width=3, joint="curve")
            sx, sy = points[0]
            paint.ellipse((sx - 6, sy - 6, sx + 6, sy + 6), outline=(*color, 255), width=3)
            hx, hy = points[-1]
            paint.ellipse(
                (hx - 6, hy - 6, hx + 6, hy + 6),
                fill=(*color, 255),
                outline=(255, 255, 255, 255),
                width=2,
            )
        for mx, my in pixels(np.asarray(objective.minima).reshape(-1, 2)):
            paint.regular_polygon(
                (mx - left, my - top, 7), 5, fill=(255, 255, 255, 255), outline=(30, 30, 30, 255)
            )
        frame.paste(layer, (left, top), layer)
        text = ImageDraw.Draw(frame)
        text.text((margin, 8), _ascii(objective.title), font=font, fill=(20, 20, 20))
        text.text((margin, 26), f"step {step} of {steps}", font=small, fill=(70, 70, 70))
        images.append(frame)

    # One palette for all frames, built so that every optimizer's colour is in it exactly:
    # the last frame plus a large swatch of each colour.
    swatches = Image.new("RGB", (images[-1].width, 60 * len(runs) + 1), "white")
    for index, name in enumerate(runs):
        swatches.paste(
            _rgb(color_of(name, index)), (0, 60 * index, swatches.width, 60 * index + 60)
        )
    source = Image.new("RGB", (images[-1].width, images[-1].height + swatches.height))
    source.paste(images[-1], (0, 0))
    source.paste(swatches, (0, images[-1].height))
    palette = source.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    quantized = [image.quantize(palette=palette, dither=Image.Dither.NONE) for image in images]
    durations = [frame_ms] * (len(quantized) - 1) + [1500]  # linger on the finished race
    buffer = io.BytesIO()
    quantized[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=quantized[1:],
        duration=durations,
        loop=0,
        optimize=True,
    )
    return buffer.getvalue()
