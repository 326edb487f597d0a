"""The `Objective` record: a 2-D test function with its gradient, plotting domain and minima."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# kernel(x, y) -> (f, df/dx, df/dy), all broadcast to the shape of x and y, float64.
Kernel = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]
Domain = tuple[tuple[float, float], tuple[float, float]]
Point = tuple[float, float]


@dataclass(frozen=True)
class Objective:
    """A function f(x, y) to minimise, with everything the app needs to teach with it.

    `kernel(x, y)` returns the value and both partial derivatives at once, on arrays of any
    shape; built-ins write it by hand (subexpressions shared, as scipy's `rosen_der` does) and
    typed-in functions get it from SymPy. `value` and `gradient` are the array API on top of it:
    points are `(..., 2)` arrays, reduced over the last axis.
    """

    name: str
    title: str
    kernel: Kernel = field(repr=False, compare=False)
    domain: Domain
    minima: tuple[Point, ...]
    start: Point
    latex: str
    note: str
    gradient_latex: tuple[str, str] = ("", "")
    source: str = ""  # the text a typed-in function was parsed from ("" for built-ins)
    # Local minima that are not global are listed in `minima` too; `min_value` is the lowest
    # value among them (None when no minimum is known, e.g. a saddle or a typed-in function).
    min_value: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.minima:
            with np.errstate(all="ignore"):
                values = self.value(np.asarray(self.minima, dtype=float))
            object.__setattr__(self, "min_value", float(np.min(values)))

    def __reduce__(self) -> tuple:
        # Kernels are closures (SymPy's lambdify, the quadratic forms), which pickle cannot
        # store; an objective is rebuilt from its name or its text instead, so that results
        # holding one can go through a cache that pickles.
        if self.source:
            from functions.parser import parse_expression

            return _parsed, (parse_expression, self.source, self.domain, self.start)
        from functions.builtin import get_function

        return get_function, (self.name,)

    def value(self, p: np.ndarray) -> np.ndarray:
        """f at points `p` of shape (..., 2) -> (...)."""
        p = np.asarray(p, dtype=float)
        return self.kernel(p[..., 0], p[..., 1])[0]

    def gradient(self, p: np.ndarray) -> np.ndarray:
        """∇f at points `p` of shape (..., 2) -> (..., 2)."""
        p = np.asarray(p, dtype=float)
        _, gx, gy = self.kernel(p[..., 0], p[..., 1])
        return np.stack((gx, gy), axis=-1)

    def value_and_gradient(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(f, ∇f) at points `p` of shape (..., 2), from one kernel call."""
        p = np.asarray(p, dtype=float)
        f, gx, gy = self.kernel(p[..., 0], p[..., 1])
        return f, np.stack((gx, gy), axis=-1)

    def nearest_minimum(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Index of the nearest listed minimum and the distance to it, for points (..., 2).

        Returns index -1 and distance NaN when the function has no listed minimum.
        """
        p = np.asarray(p, dtype=float)
        if not self.minima:
            shape = p.shape[:-1]
            return np.full(shape, -1), np.full(shape, np.nan)
        minima = np.asarray(self.minima, dtype=float)
        distances = np.linalg.norm(p[..., None, :] - minima, axis=-1)
        index = np.argmin(distances, axis=-1)
        return index, np.take_along_axis(distances, index[..., None], axis=-1)[..., 0]


def _parsed(parse: Callable[..., Objective], text: str, domain: Domain, start: Point) -> Objective:
    return parse(text, domain=domain, start=start)
