"""The landscape under the paths: f on a grid, contour levels, and a filled-contour picture.

The animated path figure shows the landscape as a picture (`layout.images`) rather than as a
Plotly contour trace, because a contour trace vanishes when frames animate with
`redraw: False` (plotly.js#4491), and redrawing every frame costs 30+ ms. The picture is drawn
here from the same levels a contour plot would use, with NumPy and Pillow.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from functions import Objective

# Light, low-saturation bands (low f -> high f) so that coloured paths stand out on them.
_ANCHORS = np.array(
    [
        (82, 139, 176),
        (122, 172, 201),
        (170, 208, 223),
        (214, 234, 226),
        (244, 243, 222),
        (252, 252, 247),
    ],
    dtype=float,
)
_LINE = np.array((90, 100, 110), dtype=float)


@dataclass(frozen=True, eq=False)
class Landscape:
    """f sampled on a regular grid over the plotting domain, with contour levels."""

    x: np.ndarray  # (nx,)
    y: np.ndarray  # (ny,)
    z: np.ndarray  # (ny, nx): f(x[j], y[i]); NaN where f is not finite
    levels: np.ndarray  # increasing contour levels in f's own units
    log: bool  # levels spaced logarithmically above the grid's minimum

    @property
    def domain(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return (float(self.x[0]), float(self.x[-1])), (float(self.y[0]), float(self.y[-1]))


def contour_levels(z: np.ndarray, count: int = 24) -> tuple[np.ndarray, bool]:
    """`count` levels for values `z`: log-spaced above the minimum when z spans decades.

    Rosenbrock on its usual box runs from 0 to about 2500 with the interesting valley below 1;
    evenly spaced levels would put one line in the valley, log-spaced ones put a dozen there.
    """
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.linspace(0.0, 1.0, count), False
    low, high = float(finite.min()), float(finite.max())
    if high <= low:
        return np.linspace(low - 1.0, high + 1.0, count), False
    above = finite - low
    floor = float(np.percentile(above[above > 0], 1)) if np.any(above > 0) else 0.0
    if floor > 0 and (high - low) / floor > 100:
        return low + np.geomspace(floor, high - low, count), True
    return np.linspace(low, high, count + 2)[1:-1], False


def evaluate(objective: Objective, resolution: int = 400) -> Landscape:
    """f on a `resolution` x `resolution` grid over `objective.domain`."""
    (x0, x1), (y0, y1) = objective.domain
    x = np.linspace(x0, x1, resolution)
    y = np.linspace(y0, y1, resolution)
    with np.errstate(all="ignore"):
        z = objective.value(np.stack(np.meshgrid(x, y), axis=-1))
    z = np.where(np.isfinite(z), z, np.nan)
    levels, log = contour_levels(z)
    return Landscape(x=x, y=y, z=z, levels=levels, log=log)


def _palette(count: int) -> np.ndarray:
    """`count` colours interpolated along the anchors."""
    positions = np.linspace(0, len(_ANCHORS) - 1, count)
    low = np.floor(positions).astype(int).clip(0, len(_ANCHORS) - 2)
    weight = (positions - low)[:, None]
    return (1 - weight) * _ANCHORS[low] + weight * _ANCHORS[low + 1]


def band_image(landscape: Landscape) -> np.ndarray:
    """An RGB picture (rows from the top, i.e. y descending) of filled bands with level lines,
    one pixel per grid point."""
    z = landscape.z
    bands = np.digitize(np.nan_to_num(z, nan=np.inf), landscape.levels)
    colours = _palette(len(landscape.levels) + 1)
    image = colours[bands]
    image[np.isnan(z)] = (235, 235, 235)
    edge = np.zeros(bands.shape, dtype=bool)
    edge[:, 1:] |= bands[:, 1:] != bands[:, :-1]
    edge[1:, :] |= bands[1:, :] != bands[:-1, :]
    image[edge] = 0.45 * image[edge] + 0.55 * _LINE
    return np.ascontiguousarray(image[::-1].round().astype(np.uint8))


def png_bytes(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb, mode="RGB").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
