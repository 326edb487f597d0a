"""The built-in test functions: each an `Objective` whose kernel computes f and its hand-derived
gradient together, written for speed on large batches of points."""

from __future__ import annotations

import functools
import math

import numpy as np

from functions.objective import Kernel, Objective

_TAU = 2.0 * math.pi


def _kernel(raw: Kernel) -> Kernel:
    """Adapt a kernel written for equal-shape arrays with ndim ≥ 1 to the full kernel contract.

    The raw kernels reuse temporaries through `out=`, which needs real arrays of the final shape:
    broadcasting x against y first makes every intermediate full-shape (so a partial derivative
    that depends on one variable only still comes back full-shape), and 0-d inputs go through as
    shape (1,) because ufuncs on 0-d arrays return scalars that `out=` cannot write into.
    """

    @functools.wraps(raw)
    def kernel(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if x.shape != y.shape:
            x, y = np.broadcast_arrays(x, y)
        if x.ndim == 0:
            f, gx, gy = raw(x.reshape(1), y.reshape(1))
            return f.reshape(()), gx.reshape(()), gy.reshape(())
        return raw(x, y)

    return kernel


@_kernel
def _rosenbrock(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = x * x
    np.subtract(y, t, out=t)  # t = y - x²
    gy = t * 200.0
    f = gy * t
    f *= 0.5  # 100 t²
    a = 1.0 - x
    np.multiply(a, a, out=t)
    f += t
    gx = np.multiply(x, gy, out=t)
    gx += a
    gx *= -2.0  # -2(1 - x) - 400 x t
    return f, gx, gy


@_kernel
def _himmelblau(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = x * x
    a += y
    a -= 11.0  # a = x² + y - 11
    b = y * y
    b += x
    b -= 7.0  # b = x + y² - 7
    f = a * a
    gx = b * b
    f += gx
    np.multiply(x, a, out=gx)
    gx *= 2.0
    gx += b
    gx *= 2.0  # 4 x a + 2 b
    gy = y * b
    gy *= 2.0
    gy += a
    gy *= 2.0  # 2 a + 4 y b
    return f, gx, gy


@_kernel
def _beale(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Each term is c_k - x + x y^k = c_k + x u_k with u_k = y^k - 1 = ∂(term)/∂x.
    y2 = y * y
    u1 = y - 1.0
    u2 = y2 - 1.0
    u3 = y2 * y
    u3 -= 1.0
    t1 = x * u1
    t1 += 1.5
    t2 = x * u2
    t2 += 2.25
    t3 = x * u3
    t3 += 2.625
    f = t1 * t1
    tmp = t2 * t2
    f += tmp
    np.multiply(t3, t3, out=tmp)
    f += tmp
    gx = np.multiply(t1, u1, out=u1)
    gx += np.multiply(t2, u2, out=u2)
    gx += np.multiply(t3, u3, out=u3)
    gx *= 2.0
    # ∂f/∂y = 2x (t1 + 2y t2 + 3y² t3), evaluated inside out.
    gy = np.multiply(y2, t3, out=y2)
    gy *= 1.5
    gy += np.multiply(y, t2, out=tmp)
    gy *= 2.0
    gy += t1
    gy *= x
    gy *= 2.0
    return f, gx, gy


@_kernel
def _booth(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = y * 2.0
    a += x
    a -= 7.0  # x + 2y - 7
    b = x * 2.0
    b += y
    b -= 5.0  # 2x + y - 5
    f = a * a
    gx = b * b
    f += gx
    np.multiply(b, 2.0, out=gx)
    gx += a
    gx *= 2.0  # 2a + 4b
    gy = a * 2.0
    gy += b
    gy *= 2.0  # 4a + 2b
    return f, gx, gy


@_kernel
def _rastrigin(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    px = x * _TAU
    py = y * _TAU
    f = np.cos(px)
    f += np.cos(py)
    f *= -10.0
    f += 20.0
    gx = x * x
    f += gx
    np.multiply(y, y, out=gx)
    f += gx
    gx = np.sin(px, out=px)
    gx *= 10.0 * _TAU
    gx += x
    gx += x  # 2x + 20π sin 2πx
    gy = np.sin(py, out=py)
    gy *= 10.0 * _TAU
    gy += y
    gy += y
    return f, gx, gy


# -20 exp(-0.2 sqrt((x² + y²)/2)) = -20 exp(-c ρ) with ρ = hypot(x, y); hypot keeps ρ > 0 for
# every point but the origin, even where x² + y² would underflow to 0.
_ACKLEY_C = 0.2 / math.sqrt(2.0)


@_kernel
def _ackley(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rho = np.hypot(x, y)
    a = rho * -_ACKLEY_C
    np.exp(a, out=a)  # A = exp(-c ρ)
    px = x * _TAU
    py = y * _TAU
    b = np.cos(px)
    b += np.cos(py)
    b *= 0.5
    np.exp(b, out=b)  # B = exp((cos 2πx + cos 2πy) / 2)
    # Grouped so that f is exactly 0 at the origin, where A = 1 and B = e.
    f = 1.0 - a
    f *= 20.0
    f += math.e
    f -= b
    # The cone term has gradient 20 c A (x, y) / ρ, undefined only at the origin, where 0 is a
    # valid subgradient: ρ is replaced by 1 there and x = y = 0 makes the term vanish. Dividing
    # x and y (not A) by ρ keeps the quotients within [-1, 1] even for subnormal ρ.
    rho += rho == 0.0
    a *= 20.0 * _ACKLEY_C
    b *= math.pi  # π B
    gx = np.divide(x, rho)
    gx *= a
    gx += np.multiply(np.sin(px, out=px), b, out=px)
    gy = np.divide(y, rho, out=rho)
    gy *= a
    gy += np.multiply(np.sin(py, out=py), b, out=py)
    return f, gx, gy


@_kernel
def _six_hump_camel(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x2 = x * x
    y2 = y * y
    f = x2 * (1.0 / 3.0)
    f -= 2.1
    f *= x2
    f += 4.0
    f *= x2  # (4 - 2.1x² + x⁴/3) x²
    tmp = y2 - 1.0
    tmp *= y2
    tmp *= 4.0  # (-4 + 4y²) y²
    f += tmp
    f += np.multiply(x, y, out=tmp)
    gx = x2 * 2.0
    gx -= 8.4
    gx *= x2
    gx += 8.0
    gx *= x
    gx += y  # 8x - 8.4x³ + 2x⁵ + y
    gy = np.multiply(y2, 16.0, out=y2)
    gy -= 8.0
    gy *= y
    gy += x  # x - 8y + 16y³
    return f, gx, gy


@_kernel
def _goldstein_price(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Both brackets depend on one combination each: f = A(u) B(t) with u = x + y, t = 2x - 3y,
    # A(u) = 1 + (u + 1)² (3u² - 14u + 19), B(t) = 30 + t² (3t² - 16t + 18), and the derivatives
    # factor exactly: A'(u) = 12 (u² - 1)(u - 2), B'(t) = 12 t (t - 1)(t - 3). The factored
    # forms are exact at the minima, where the expanded polynomials would cancel.
    u = x + y
    t = y * -1.5
    t += x
    t *= 2.0
    a = u * 3.0
    a -= 14.0
    a *= u
    a += 19.0
    tmp = u + 1.0
    tmp *= tmp
    a *= tmp
    a += 1.0
    b = t * 3.0
    b -= 16.0
    b *= t
    b += 18.0
    np.multiply(t, t, out=tmp)
    b *= tmp
    b += 30.0
    da = u * u
    da -= 1.0
    np.subtract(u, 2.0, out=u)
    da *= u
    da *= 12.0
    db = t - 1.0
    np.subtract(t, 3.0, out=tmp)
    db *= tmp
    db *= t
    db *= 12.0
    f = a * b
    da *= b  # A' B
    db *= a  # A B'
    gx = np.multiply(db, 2.0, out=a)
    gx += da
    gy = np.multiply(db, -3.0, out=b)
    gy += da
    return f, gx, gy


def _quadratic_form(h_xx: float, h_xy: float, h_yy: float) -> Kernel:
    """Kernel of f = ½ pᵀ H p for the symmetric H = [[h_xx, h_xy], [h_xy, h_yy]]."""

    @_kernel
    def quadratic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        gx = x * h_xx
        tmp = y * h_xy
        gx += tmp  # H p, first row
        gy = y * h_yy
        gy += np.multiply(x, h_xy, out=tmp)
        f = x * gx
        f += np.multiply(y, gy, out=tmp)
        f *= 0.5  # ½ pᵀ (H p)
        return f, gx, gy

    return quadratic


# Eigenvalues 10 across the valley (direction (1, 1)) and 0.2 along it (direction (1, -1)):
# H = R diag(10, 0.2) Rᵀ with R the rotation by 45°, condition number 50.
_BOWL_HESSIAN = ((5.1, 4.9), (4.9, 5.1))


@_kernel
def _three_hump_camel(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x2 = x * x
    f = x2 * (1.0 / 6.0)
    f -= 1.05
    f *= x2
    f += 2.0
    f *= x2  # 2x² - 1.05x⁴ + x⁶/6
    gy = x + y
    gy *= y
    f += gy  # + xy + y²
    gx = x2 - 4.2
    gx *= x2
    gx += 4.0
    gx *= x
    gx += y  # 4x - 4.2x³ + x⁵ + y
    np.multiply(y, 2.0, out=gy)
    gy += x  # x + 2y
    return f, gx, gy


@_kernel
def _styblinski_tang(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x2 = x * x
    y2 = y * y
    f = x2 - 16.0
    f *= x2
    tmp = y2 - 16.0
    tmp *= y2
    f += tmp
    np.add(x, y, out=tmp)
    tmp *= 5.0
    f += tmp
    f *= 0.5  # ½ Σ (x⁴ - 16x² + 5x)
    gx = np.multiply(x2, 2.0, out=x2)
    gx -= 16.0
    gx *= x
    gx += 2.5  # 2x³ - 16x + 2.5
    gy = np.multiply(y2, 2.0, out=y2)
    gy -= 16.0
    gy *= y
    gy += 2.5
    return f, gx, gy


BUILTINS: dict[str, Objective] = {
    objective.name: objective
    for objective in (
        Objective(
            name="rosenbrock",
            title="Rosenbrock",
            kernel=_rosenbrock,
            domain=((-2.0, 2.0), (-1.0, 3.0)),
            minima=((1.0, 1.0),),
            start=(-1.5, 2.5),
            latex=r"(1 - x)^2 + 100\,(y - x^2)^2",
            gradient_latex=(r"-2\,(1 - x) - 400\,x\,(y - x^2)", r"200\,(y - x^2)"),
            note=(
                "A long, curved, narrow valley: plain gradient descent zig-zags between its walls "
                "and crawls along the floor, while momentum and adaptive steps follow the floor "
                "towards the minimum at (1, 1)."
            ),
        ),
        Objective(
            name="himmelblau",
            title="Himmelblau",
            kernel=_himmelblau,
            domain=((-5.0, 5.0), (-5.0, 5.0)),
            minima=(
                (3.0, 2.0),
                (-2.805118086952745, 3.131312518250573),
                (-3.779310253377747, -3.2831859912861696),
                (3.5844283403304917, -1.8481265269644036),
            ),
            start=(-4.0, 4.0),
            latex=r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            gradient_latex=(
                r"4x\,(x^2 + y - 11) + 2\,(x + y^2 - 7)",
                r"2\,(x^2 + y - 11) + 4y\,(x + y^2 - 7)",
            ),
            note=(
                "Four minima of exactly the same depth, so which one an optimizer reaches is "
                "decided by where it starts and how it steps, not by any of them being better."
            ),
        ),
        Objective(
            name="rotated_quadratic",
            title="Ill-conditioned bowl (rotated)",
            kernel=_quadratic_form(_BOWL_HESSIAN[0][0], _BOWL_HESSIAN[0][1], _BOWL_HESSIAN[1][1]),
            domain=((-3.0, 3.0), (-3.0, 3.0)),
            minima=((0.0, 0.0),),
            start=(-2.5, 1.0),
            latex=(
                r"\tfrac12\,\mathbf{p}^\top H\,\mathbf{p} = 2.55\,x^2 + 4.9\,xy + 2.55\,y^2,"
                r"\quad H = \begin{pmatrix} 5.1 & 4.9 \\ 4.9 & 5.1 \end{pmatrix}"
            ),
            gradient_latex=(r"5.1\,x + 4.9\,y", r"4.9\,x + 5.1\,y"),
            note=(
                "Fifty times steeper across its diagonal valley than along it, so a learning rate "
                "that is stable across the valley crawls along it; momentum closes that gap, but "
                "per-coordinate step sizes cannot, because the valley is not aligned with the "
                "axes."
            ),
        ),
        Objective(
            name="elongated_bowl",
            title="Ill-conditioned bowl (axis-aligned)",
            kernel=_quadratic_form(10.0, 0.0, 0.1),
            domain=((-3.0, 3.0), (-3.0, 3.0)),
            minima=((0.0, 0.0),),
            start=(-2.5, 2.5),
            latex=r"5\,x^2 + 0.05\,y^2",
            gradient_latex=(r"10\,x", r"0.1\,y"),
            note=(
                "A hundred times steeper in x than in y, along the axes: one learning rate for "
                "both is either unstable in x or crawls in y, while Adam's per-parameter step "
                "sizes move both coordinates at the same pace."
            ),
        ),
        Objective(
            name="saddle",
            title="Saddle x² − y²",
            kernel=_quadratic_form(2.0, 0.0, -2.0),
            domain=((-2.0, 2.0), (-2.0, 2.0)),
            minima=(),
            start=(-1.8, 0.02),
            latex=r"x^2 - y^2",
            gradient_latex=(r"2x", r"-2y"),
            note=(
                "The gradient vanishes at the origin although it is no minimum, so a run that "
                "starts almost on the x-axis slows to a near stop there until the tiny y-offset "
                "grows enough to carry it away, and normalised steps escape much sooner."
            ),
        ),
        Objective(
            name="sphere",
            title="Sphere",
            kernel=_quadratic_form(2.0, 0.0, 2.0),
            domain=((-2.0, 2.0), (-2.0, 2.0)),
            minima=((0.0, 0.0),),
            start=(-1.5, 1.8),
            latex=r"x^2 + y^2",
            gradient_latex=(r"2x", r"2y"),
            note=(
                "A perfectly round bowl whose gradient points straight at the minimum, the "
                "baseline where every method converges and only the step sizes differ."
            ),
        ),
        Objective(
            name="booth",
            title="Booth",
            kernel=_booth,
            domain=((-10.0, 10.0), (-10.0, 10.0)),
            minima=((1.0, 3.0),),
            start=(-6.0, -8.0),
            latex=r"(x + 2y - 7)^2 + (2x + y - 5)^2",
            gradient_latex=(
                r"2\,(x + 2y - 7) + 4\,(2x + y - 5)",
                r"4\,(x + 2y - 7) + 2\,(2x + y - 5)",
            ),
            note=(
                "A mildly elongated, tilted bowl with a single minimum at (1, 3), a sanity check "
                "that every optimizer should pass."
            ),
        ),
        Objective(
            name="matyas",
            title="Matyas",
            kernel=_quadratic_form(0.52, -0.48, 0.52),
            domain=((-10.0, 10.0), (-10.0, 10.0)),
            minima=((0.0, 0.0),),
            start=(-6.0, -3.0),
            latex=r"0.26\,(x^2 + y^2) - 0.48\,xy",
            gradient_latex=(r"0.52\,x - 0.48\,y", r"0.52\,y - 0.48\,x"),
            note=(
                "A shallow valley along y = x whose floor is 25 times flatter than its walls, so "
                "the gradient nearly vanishes long before the minimum and plain gradient descent "
                "slows to a crawl there."
            ),
        ),
        Objective(
            name="beale",
            title="Beale",
            kernel=_beale,
            domain=((-4.5, 4.5), (-4.5, 4.5)),
            minima=((3.0, 0.5),),
            start=(1.0, 1.5),
            latex=r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
            gradient_latex=(
                r"2\,(1.5 - x + xy)(y - 1) + 2\,(2.25 - x + xy^2)(y^2 - 1)"
                r" + 2\,(2.625 - x + xy^3)(y^3 - 1)",
                r"2x\left[(1.5 - x + xy) + 2y\,(2.25 - x + xy^2)"
                r" + 3y^2\,(2.625 - x + xy^3)\right]",
            ),
            note=(
                "Steep walls and nearly flat plateaus whose slopes differ by orders of magnitude, "
                "so one fixed step size is either unstable on the walls or far too timid on the "
                "plateaus."
            ),
        ),
        Objective(
            name="three_hump_camel",
            title="Three-hump camel",
            kernel=_three_hump_camel,
            domain=((-2.0, 2.0), (-2.0, 2.0)),
            minima=(
                (0.0, 0.0),
                (-1.7475523458302888, 0.8737761729151444),
                (1.7475523458302888, -0.8737761729151444),
            ),
            start=(-1.9, 1.5),
            latex=r"2x^2 - 1.05\,x^4 + \tfrac{x^6}{6} + xy + y^2",
            gradient_latex=(r"4x - 4.2\,x^3 + x^5 + y", r"x + 2y"),
            note=(
                "Two shallow side basins flank the global minimum at the origin, so a run that "
                "starts out on a flank can settle in a local minimum and stop there."
            ),
        ),
        Objective(
            name="six_hump_camel",
            title="Six-hump camel",
            kernel=_six_hump_camel,
            domain=((-2.0, 2.0), (-1.0, 1.0)),
            minima=(
                (0.08984201310031806, -0.7126564030207396),
                (-0.08984201310031806, 0.7126564030207396),
                (-1.703606714969981, 0.7960835686726251),
                (1.703606714969981, -0.7960835686726251),
                (1.6071047529201972, 0.5686514548841314),
                (-1.6071047529201972, -0.5686514548841314),
            ),
            start=(-1.5, -0.8),
            latex=r"\left(4 - 2.1\,x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2",
            gradient_latex=(r"8x - 8.4\,x^3 + 2x^5 + y", r"x - 8y + 16y^3"),
            note=(
                "Six basins of three different depths, so nearby starts can end in different "
                "minima and momentum can carry a run over a low ridge into a deeper one."
            ),
        ),
        Objective(
            name="goldstein_price",
            title="Goldstein–Price",
            kernel=_goldstein_price,
            domain=((-2.0, 2.0), (-2.0, 2.0)),
            minima=((0.0, -1.0), (-0.6, -0.4), (1.8, 0.2), (1.2, 0.8)),
            start=(-1.5, 1.5),
            latex=(
                r"\left[1 + (x + y + 1)^2\,(19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\right]"
                r"\left[30 + (2x - 3y)^2\,(18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\right]"
            ),
            gradient_latex=(
                r"A'(u)\,B(t) + 2\,A(u)\,B'(t),\quad u = x + y,\ t = 2x - 3y,\ "
                r"A'(u) = 12\,(u^2 - 1)(u - 2),\ B'(t) = 12\,t\,(t - 1)(t - 3)",
                r"A'(u)\,B(t) - 3\,A(u)\,B'(t),\quad A(u),\ B(t) \text{ the two brackets}",
            ),
            note=(
                "Values range from 3 to about a million and four minima compete, so raw gradient "
                "steps are explosive on the walls and timid near the floor, while Adam's "
                "normalised steps hardly notice the scale."
            ),
        ),
        Objective(
            name="styblinski_tang",
            title="Styblinski–Tang",
            kernel=_styblinski_tang,
            domain=((-5.0, 5.0), (-5.0, 5.0)),
            minima=(
                (-2.903534027771177, -2.903534027771177),
                (-2.903534027771177, 2.746802770990837),
                (2.746802770990837, -2.903534027771177),
                (2.746802770990837, 2.746802770990837),
            ),
            start=(0.5, 0.5),
            latex=r"\tfrac12\left(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y\right)",
            gradient_latex=(r"2x^3 - 16x + 2.5", r"2y^3 - 16y + 2.5"),
            note=(
                "Four basins on a grid, one per choice of sign for each coordinate, and only the "
                "one at (−2.90, −2.90) is global, so the start alone decides how good the answer "
                "is."
            ),
        ),
        Objective(
            name="rastrigin",
            title="Rastrigin",
            kernel=_rastrigin,
            domain=((-5.12, 5.12), (-5.12, 5.12)),
            minima=((0.0, 0.0),),
            start=(-3.3, 2.7),
            latex=r"20 + x^2 - 10\cos(2\pi x) + y^2 - 10\cos(2\pi y)",
            gradient_latex=(r"2x + 20\pi\sin(2\pi x)", r"2y + 20\pi\sin(2\pi y)"),
            note=(
                "A bowl covered in regular bumps whose hundred-odd local minima trap every local "
                "method, so where a run ends depends on its start far more than on the optimizer."
            ),
        ),
        Objective(
            name="ackley",
            title="Ackley",
            kernel=_ackley,
            domain=((-5.0, 5.0), (-5.0, 5.0)),
            minima=((0.0, 0.0),),
            start=(-3.2, 2.8),
            latex=(
                r"-20\exp\!\left(-0.2\sqrt{\tfrac12(x^2 + y^2)}\right)"
                r" - \exp\!\left(\tfrac12(\cos 2\pi x + \cos 2\pi y)\right) + e + 20"
            ),
            gradient_latex=(
                r"\frac{2\sqrt2\,x}{\sqrt{x^2 + y^2}}\,e^{-0.2\sqrt{(x^2 + y^2)/2}}"
                r" + \pi\sin(2\pi x)\,e^{(\cos 2\pi x + \cos 2\pi y)/2}",
                r"\frac{2\sqrt2\,y}{\sqrt{x^2 + y^2}}\,e^{-0.2\sqrt{(x^2 + y^2)/2}}"
                r" + \pi\sin(2\pi y)\,e^{(\cos 2\pi x + \cos 2\pi y)/2}",
            ),
            note=(
                "A bumpy, nearly flat plateau around one deep funnel at the origin, where the "
                "ripples' gradients drown out the gentle slope towards the minimum and stall "
                "local methods far from it."
            ),
        ),
    )
}


class UnknownFunctionError(KeyError):
    """A built-in name that does not exist; `str()` gives the plain message, unlike `KeyError`."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def list_functions() -> list[str]:
    """Names of the built-in functions, in the order the app shows them.

    >>> list_functions()[:3]
    ['rosenbrock', 'himmelblau', 'rotated_quadratic']
    """
    return list(BUILTINS)


def get_function(name: str) -> Objective:
    """The built-in `Objective` called `name`; raises `UnknownFunctionError` (a `KeyError`).

    Like scipy's `rosen` and `rosen_der`, value and gradient take points on the last axis:

    >>> rosenbrock = get_function("rosenbrock")
    >>> float(rosenbrock.value(np.array([1.0, 1.0])))
    0.0
    >>> rosenbrock.value(np.array([[0.0, 0.0], [-1.0, 1.0]])).tolist()
    [1.0, 4.0]
    >>> rosenbrock.gradient(np.array([0.0, 0.0])).tolist()
    [-2.0, 0.0]
    >>> rosenbrock.minima, rosenbrock.min_value
    (((1.0, 1.0),), 0.0)
    >>> get_function("rosenbrok")
    Traceback (most recent call last):
    ...
    functions.builtin.UnknownFunctionError: Unknown function: 'rosenbrok' (valid names: ...)
    """
    try:
        return BUILTINS[name]
    except KeyError:
        valid = ", ".join(BUILTINS)
        raise UnknownFunctionError(f"Unknown function: {name!r} (valid names: {valid})") from None
