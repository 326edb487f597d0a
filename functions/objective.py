"""The `Objective` record: a 2-D test function with its gradient, plotting domain and minima,
and `Formula`, its LaTeX as the app may show it, bounded by `MAX_LATEX`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

# kernel(x, y) -> (f, df/dx, df/dy), all broadcast to the shape of x and y, float64.
Kernel = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]
Domain = tuple[tuple[float, float], tuple[float, float]]
Point = tuple[float, float]

MAX_LATEX = 2_000
"""Characters of one LaTeX formula that the app renders; longer formulas get a short notice.

KaTeX's work grows faster than the text. Measured in Chromium with KaTeX 0.16 on SymPy's own
output (on a busy 2-core machine), formulas of about 1 000 characters render in about 0.1 s and
about 2 000 in 0.15-0.35 s (some 130 KB of HTML), while 3 600 characters take 0.6-0.8 s,
18 000 take 1.2-2 s and 40 000 take 3-4 s (2.6 MB of HTML), with the browser tab blocked all
the while. A page shows up to three formulas (f, ∂f/∂x, ∂f/∂y), so 2 000 characters each keeps
the worst case near a second. Past about 1 000 characters a formula is also wider than the
page, and past 2 000 several pages wide, which helps nobody read it.
"""

LABELS = ("f(x, y)", "∂f/∂x", "∂f/∂y")


class Formula(NamedTuple):
    """One of f, ∂f/∂x, ∂f/∂y as LaTeX, with its size and whether the app may render it.

    `latex` is "" when the formula is not displayable. `length` counts the characters of its
    LaTeX; when even producing that LaTeX would have been slow (`exact` is False), it is a lower
    bound computed from the size of the expression instead.

    >>> formula = Formula.from_latex("∂f/∂x", r"2 x")
    >>> formula.displayable, formula.length
    (True, 3)
    >>> Formula("∂f/∂x", "", 84_000, displayable=False).notice
    '∂f/∂x is too long to display — 84 000 characters'
    """

    label: str
    latex: str
    length: int
    displayable: bool
    exact: bool = True

    @classmethod
    def from_latex(cls, label: str, latex: str) -> Formula:
        """The formula for `latex`, displayable when it has at most `MAX_LATEX` characters."""
        displayable = len(latex) <= MAX_LATEX
        return cls(label, latex if displayable else "", len(latex), displayable)

    @property
    def notice(self) -> str:
        """A plain-text sentence to show instead of a formula that is not displayable."""
        count = f"{self.length:,}".replace(",", " ")
        size = f"{count} characters" if self.exact else f"more than {count} characters"
        return f"{self.label} is too long to display — {size}"


@dataclass(frozen=True)
class Objective:
    """A function f(x, y) to minimise, with everything the app needs to teach with it.

    `kernel(x, y)` returns the value and both partial derivatives at once, on arrays of any
    shape; built-ins write it by hand (subexpressions shared, as scipy's `rosen_der` does) and
    typed-in functions get it from SymPy. `value` and `gradient` are the array API on top of it:
    points are `(..., 2)` arrays, reduced over the last axis.

    Objectives pickle by name (built-ins) or by their text (typed-in functions): the
    `functions` package registers how to rebuild them, since a kernel is a closure.

    >>> from functions import get_function
    >>> rosenbrock = get_function("rosenbrock")
    >>> float(rosenbrock.value(np.array([1.0, 1.0])))
    0.0
    >>> rosenbrock.gradient(np.array([[0.0, 0.0], [0.5, 1.0]]))
    array([[  -2.,    0.],
           [-151.,  150.]])
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
    # Formulas whose LaTeX was too long to keep: `latex` or `gradient_latex` holds "" for them,
    # and `formulas()` reports these records (label, length) in their place.
    too_long: tuple[Formula, ...] = ()
    # Local minima that are not global are listed in `minima` too; `min_value` is the lowest
    # value among them (None when no minimum is known, e.g. a saddle or a typed-in function).
    min_value: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.minima:
            with np.errstate(all="ignore"):
                values = self.value(np.asarray(self.minima, dtype=float))
            object.__setattr__(self, "min_value", float(np.min(values)))

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
        """(f, ∇f) at points `p` of shape (..., 2), from one kernel call.

        >>> from functions import get_function
        >>> f, g = get_function("sphere").value_and_gradient(np.array([3.0, -4.0]))
        >>> float(f), g.tolist()
        (25.0, [6.0, -8.0])
        """
        p = np.asarray(p, dtype=float)
        f, gx, gy = self.kernel(p[..., 0], p[..., 1])
        return f, np.stack((gx, gy), axis=-1)

    def formulas(self) -> tuple[Formula, Formula, Formula]:
        """f, ∂f/∂x and ∂f/∂y as the app may show them, each bounded by `MAX_LATEX`.

        A page renders `formula.latex` where `formula.displayable`, and `formula.notice`
        (plain text) otherwise; nothing else about the objective depends on it.

        >>> from functions import get_function
        >>> [(f.label, f.latex, f.displayable) for f in get_function("sphere").formulas()]
        [('f(x, y)', 'x^2 + y^2', True), ('∂f/∂x', '2x', True), ('∂f/∂y', '2y', True)]
        """
        omitted = {formula.label: formula for formula in self.too_long}
        f, fx, fy = (
            omitted.get(label) or Formula.from_latex(label, latex)
            for label, latex in zip(LABELS, (self.latex, *self.gradient_latex), strict=True)
        )
        return f, fx, fy

    def nearest_minimum(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Index of the nearest listed minimum and the distance to it, for points (..., 2).

        Returns index -1 and distance NaN when the function has no listed minimum.

        >>> from functions import get_function
        >>> index, distance = get_function("himmelblau").nearest_minimum(np.array([2.9, 2.0]))
        >>> int(index), round(float(distance), 6)
        (0, 0.1)
        """
        p = np.asarray(p, dtype=float)
        if not self.minima:
            shape = p.shape[:-1]
            return np.full(shape, -1), np.full(shape, np.nan)
        minima = np.asarray(self.minima, dtype=float)
        distances = np.linalg.norm(p[..., None, :] - minima, axis=-1)
        index = np.argmin(distances, axis=-1)
        return index, np.take_along_axis(distances, index[..., None], axis=-1)[..., 0]
