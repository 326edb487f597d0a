"""Built-in objectives: values against textbook formulas, gradients against central differences,
minima against their known values, and the kernel contract the optimizers rely on."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.builtin import BUILTINS, UnknownFunctionError, get_function, list_functions
from functions.objective import Objective

OBJECTIVES = list(BUILTINS.values())
each_objective = pytest.mark.parametrize("objective", OBJECTIVES, ids=lambda o: o.name)
with_minima = pytest.mark.parametrize(
    "objective", [o for o in OBJECTIVES if o.minima], ids=lambda o: o.name
)

REQUIRED = {
    "rosenbrock",
    "himmelblau",
    "beale",
    "booth",
    "rastrigin",
    "ackley",
    "six_hump_camel",
    "goldstein_price",
    "rotated_quadratic",
    "saddle",
    "sphere",
    "matyas",
    "three_hump_camel",
    "styblinski_tang",
}

SQRT_HALF = math.sqrt(0.5)

# The textbook definitions, written plainly and independently of the kernels.
REFERENCE = {
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "himmelblau": lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    # Curvature 10 along (1, 1)/√2 and 0.2 along (1, -1)/√2.
    "rotated_quadratic": lambda x, y: (
        0.5 * (10 * ((x + y) * SQRT_HALF) ** 2 + 0.2 * ((x - y) * SQRT_HALF) ** 2)
    ),
    "elongated_bowl": lambda x, y: 5 * x**2 + 0.05 * y**2,
    "saddle": lambda x, y: x**2 - y**2,
    "sphere": lambda x, y: x**2 + y**2,
    "booth": lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    "matyas": lambda x, y: 0.26 * (x**2 + y**2) - 0.48 * x * y,
    "beale": lambda x, y: (
        (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2
    ),
    "three_hump_camel": lambda x, y: 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2,
    "six_hump_camel": lambda x, y: (
        (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2
    ),
    "goldstein_price": lambda x, y: (
        (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2))
        * (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2))
    ),
    "styblinski_tang": lambda x, y: 0.5 * sum(v**4 - 16 * v**2 + 5 * v for v in (x, y)),
    "rastrigin": lambda x, y: 20 + sum(v**2 - 10 * math.cos(2 * math.pi * v) for v in (x, y)),
    "ackley": lambda x, y: (
        -20 * math.exp(-0.2 * math.sqrt(0.5 * (x**2 + y**2)))
        - math.exp(0.5 * (math.cos(2 * math.pi * x) + math.cos(2 * math.pi * y)))
        + math.e
        + 20
    ),
}

# Values at every listed minimum, sorted: the global ones from the literature, the local ones
# from Newton's method in 40-digit arithmetic on the textbook formulas.
MINIMUM_VALUES = {
    "rosenbrock": [0.0],
    "himmelblau": [0.0] * 4,
    "rotated_quadratic": [0.0],
    "elongated_bowl": [0.0],
    "saddle": [],
    "sphere": [0.0],
    "booth": [0.0],
    "matyas": [0.0],
    "beale": [0.0],
    "three_hump_camel": [0.0, 0.29863844223685982, 0.29863844223685982],
    "six_hump_camel": [-1.031628453489877] * 2
    + [-0.21546382438371764] * 2
    + [2.1042503103112583] * 2,
    "goldstein_price": [3.0, 30.0, 84.0, 840.0],
    "styblinski_tang": [
        -78.33233140754282,
        -64.19561235905536,
        -64.19561235905536,
        -50.058893310567885,
    ],
    "rastrigin": [0.0],
    "ackley": [0.0],
}

# Eigenvalues of the (constant) Hessian of the quadratic bowls, which their notes rely on.
CURVATURES = {
    "rotated_quadratic": (0.2, 10.0),
    "elongated_bowl": (0.1, 10.0),
    "matyas": (0.04, 1.0),
    "sphere": (2.0, 2.0),
    "booth": (2.0, 18.0),
    "saddle": (-2.0, 2.0),
}


def random_points(objective: Objective, n: int, seed: int = 0) -> np.ndarray:
    (xmin, xmax), (ymin, ymax) = objective.domain
    rng = np.random.default_rng(seed)
    return np.column_stack((rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)))


def central_difference_gradient(objective: Objective, p: np.ndarray) -> np.ndarray:
    """∇f at points (n, 2) from central differences of `value`, h scaled to each coordinate."""
    gradient = np.empty_like(p)
    for axis in range(2):
        h = 1e-6 * np.maximum(1.0, np.abs(p[:, axis]))
        plus, minus = p.copy(), p.copy()
        plus[:, axis] += h
        minus[:, axis] -= h
        # The representable step, not the nominal one.
        step = plus[:, axis] - minus[:, axis]
        gradient[:, axis] = (objective.value(plus) - objective.value(minus)) / step
    return gradient


def central_difference_hessian(objective: Objective, p: tuple[float, float]) -> np.ndarray:
    """Hessian at one point from central differences of the analytic gradient, symmetrised."""
    p = np.asarray(p, dtype=float)
    h = 1e-5 * np.maximum(1.0, np.abs(p))
    columns = []
    for axis in range(2):
        e = np.zeros(2)
        e[axis] = h[axis]
        columns.append((objective.gradient(p + e) - objective.gradient(p - e)) / (2 * h[axis]))
    hessian = np.column_stack(columns)
    return 0.5 * (hessian + hessian.T)


# --- values and gradients -------------------------------------------------------------------


@each_objective
def test_value_matches_textbook_formula(objective: Objective) -> None:
    reference = REFERENCE[objective.name]
    p = random_points(objective, 300, seed=1)
    expected = np.array([reference(float(x), float(y)) for x, y in p])
    np.testing.assert_allclose(objective.value(p), expected, rtol=1e-11, atol=1e-12)


@each_objective
def test_gradient_matches_central_differences(objective: Objective) -> None:
    p = np.vstack(
        (random_points(objective, 400), np.reshape(objective.minima, (-1, 2)), [objective.start])
    )
    f, analytic = objective.value_and_gradient(p)
    numeric = central_difference_gradient(objective, p)
    # Truncation error is O(h²) relative to the gradient, round-off about ε|f|/h.
    tolerance = 1e-6 * np.abs(analytic).max(axis=1) + 1e-7 * (1.0 + np.abs(f))
    error = np.abs(analytic - numeric).max(axis=1)
    worst = np.argmax(error / tolerance)
    assert np.all(error <= tolerance), (
        f"at {p[worst]}: analytic {analytic[worst]}, central differences {numeric[worst]}"
    )


def test_rosenbrock_against_textbook_gradient() -> None:
    rosenbrock = get_function("rosenbrock")
    rng = np.random.default_rng(7)
    x = rng.uniform(-3, 3, (50, 3))
    y = rng.uniform(-2, 4, (50, 3))
    f, gx, gy = rosenbrock.kernel(x, y)
    np.testing.assert_allclose(f, (1 - x) ** 2 + 100 * (y - x**2) ** 2, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(gx, -2 * (1 - x) - 400 * x * (y - x**2), rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(gy, 200 * (y - x**2), rtol=1e-13, atol=1e-12)
    assert rosenbrock.kernel(np.array(1.0), np.array(1.0)) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("name", sorted(CURVATURES))
def test_quadratic_curvatures(name: str) -> None:
    objective = get_function(name)
    for point in [(0.0, 0.0), objective.start]:
        eigenvalues = np.linalg.eigvalsh(central_difference_hessian(objective, point))
        np.testing.assert_allclose(eigenvalues, CURVATURES[name], rtol=1e-7, atol=1e-9)


# --- minima ---------------------------------------------------------------------------------


@each_objective
def test_minimum_values(objective: Objective) -> None:
    values = objective.value(np.reshape(objective.minima, (-1, 2)))
    expected = MINIMUM_VALUES[objective.name]
    np.testing.assert_allclose(np.sort(values), expected, rtol=1e-13, atol=1e-13)
    if expected:
        assert objective.min_value == pytest.approx(expected[0], rel=1e-13, abs=1e-13)
        assert objective.min_value == np.min(values)
        # Global minima come first, then the local ones by depth.
        assert np.all(np.diff(values) >= -1e-12), values
    else:
        assert objective.minima == ()
        assert objective.min_value is None


@with_minima
def test_minima_are_stationary_to_twelve_digits(objective: Objective) -> None:
    for point in objective.minima:
        gradient = objective.gradient(np.asarray(point))
        hessian = central_difference_hessian(objective, point)
        assert np.linalg.norm(gradient) <= 1e-6 * max(1.0, np.linalg.norm(hessian)), point
        # One Newton step would move a minimum that is accurate to 12 digits by less than that.
        newton_step = np.linalg.solve(hessian, gradient)
        assert np.linalg.norm(newton_step) <= 1e-12 * max(1.0, np.linalg.norm(point)), point


@with_minima
def test_minima_have_positive_definite_hessian(objective: Objective) -> None:
    for point in objective.minima:
        eigenvalues = np.linalg.eigvalsh(central_difference_hessian(objective, point))
        assert eigenvalues.min() > 1e-6 * eigenvalues.max(), (point, eigenvalues)


def test_saddle_is_stationary_but_not_a_minimum() -> None:
    saddle = get_function("saddle")
    np.testing.assert_array_equal(saddle.gradient(np.zeros(2)), [0.0, 0.0])
    eigenvalues = np.linalg.eigvalsh(central_difference_hessian(saddle, (0.0, 0.0)))
    assert eigenvalues.min() < 0 < eigenvalues.max()


# --- the kernel contract --------------------------------------------------------------------

SHAPES = [
    ((), ()),
    ((5,), (5,)),
    ((3, 4), (3, 4)),
    ((), (5,)),
    ((5,), ()),
    ((3, 4), ()),
    ((3, 1), (1, 4)),
]


@each_objective
@pytest.mark.parametrize(("x_shape", "y_shape"), SHAPES, ids=str)
def test_kernel_shapes_dtype_and_inputs(
    objective: Objective, x_shape: tuple[int, ...], y_shape: tuple[int, ...]
) -> None:
    (xmin, xmax), (ymin, ymax) = objective.domain
    rng = np.random.default_rng(3)
    x = rng.uniform(xmin, xmax, x_shape)
    y = rng.uniform(ymin, ymax, y_shape)
    x_before, y_before = x.copy(), y.copy()
    # A kernel that writes into its inputs fails here rather than corrupting a caller's arrays.
    x.flags.writeable = False
    y.flags.writeable = False

    result = objective.kernel(x, y)

    shape = np.broadcast_shapes(x_shape, y_shape)
    assert len(result) == 3
    for array in result:
        assert isinstance(array, np.ndarray)
        assert array.dtype == np.float64
        assert array.shape == shape
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(y, y_before)
    full = objective.kernel(*(np.broadcast_to(v, shape).copy() for v in (x, y)))
    for array, expected in zip(result, full, strict=True):
        np.testing.assert_allclose(array, expected, rtol=1e-15, atol=0)


@each_objective
def test_kernel_outputs_are_fresh_arrays(objective: Objective) -> None:
    x, y = random_points(objective, 6).T.copy()
    f, gx, gy = objective.kernel(x, y)
    assert not any(np.shares_memory(a, b) for a in (f, gx, gy) for b in (x, y))
    assert not (np.shares_memory(f, gx) or np.shares_memory(f, gy) or np.shares_memory(gx, gy))


@each_objective
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_batch_equals_single_points(objective: Objective, data: st.DataObject) -> None:
    (xmin, xmax), (ymin, ymax) = objective.domain
    size = data.draw(st.integers(1, 8), label="size")
    xs = data.draw(st.lists(st.floats(xmin, xmax), min_size=size, max_size=size), label="x")
    ys = data.draw(st.lists(st.floats(ymin, ymax), min_size=size, max_size=size), label="y")
    batch = np.column_stack(objective.kernel(np.array(xs), np.array(ys)))
    single = np.array(
        [np.stack(objective.kernel(np.array(x), np.array(y))) for x, y in zip(xs, ys, strict=True)]
    )
    np.testing.assert_allclose(batch, single, rtol=1e-14, atol=1e-300)


@each_objective
def test_value_and_gradient_agree_with_kernel(objective: Objective) -> None:
    p = random_points(objective, 24, seed=5).reshape(2, 3, 4, 2)
    f, gx, gy = objective.kernel(p[..., 0], p[..., 1])
    value = objective.value(p)
    gradient = objective.gradient(p)
    both = objective.value_and_gradient(p)
    assert value.shape == (2, 3, 4) and gradient.shape == (2, 3, 4, 2)
    np.testing.assert_array_equal(value, f)
    np.testing.assert_array_equal(gradient, np.stack((gx, gy), axis=-1))
    np.testing.assert_array_equal(both[0], f)
    np.testing.assert_array_equal(both[1], gradient)
    single = objective.gradient(p[1, 2, 3])
    assert single.shape == (2,)
    np.testing.assert_array_equal(single, gradient[1, 2, 3])


@each_objective
def test_no_floating_point_warnings_over_the_domain(objective: Objective) -> None:
    (xmin, xmax), (ymin, ymax) = objective.domain
    x, y = np.meshgrid(np.linspace(xmin, xmax, 101), np.linspace(ymin, ymax, 101))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(divide="raise", over="raise", invalid="raise"):
            result = objective.kernel(x, y)
    assert all(np.isfinite(array).all() for array in result)


def test_ackley_gradient_at_and_near_the_origin() -> None:
    ackley = get_function("ackley")
    x = np.array([0.0, 0.0, 5e-324, 1e-200, 0.0, -1e-170])
    y = np.array([0.0, -0.0, 0.0, 0.0, 1e-310, 1e-170])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(divide="raise", over="raise", invalid="raise"):
            f, gx, gy = ackley.kernel(x, y)
            origin = ackley.kernel(np.array(0.0), np.array(0.0))
    assert origin == (0.0, 0.0, 0.0)
    assert f[0] == 0.0 and gx[0] == 0.0 and gy[0] == 0.0
    assert gx[1] == 0.0 and gy[1] == 0.0
    # Off the origin the cone term has slope 2√2 towards it however close the point is, and
    # squaring those coordinates would underflow to 0.
    cone = 2 * math.sqrt(2)
    np.testing.assert_allclose(np.hypot(gx[2:], gy[2:]), cone, rtol=1e-12)
    np.testing.assert_allclose(gx[2:4], cone, rtol=1e-12)
    np.testing.assert_allclose(gy[4], cone, rtol=1e-12)
    np.testing.assert_allclose([gx[5], gy[5]], [-cone * SQRT_HALF, cone * SQRT_HALF], rtol=1e-12)


# --- what the app shows ---------------------------------------------------------------------


def inside(point: tuple[float, float], domain: tuple[tuple[float, float], ...]) -> bool:
    (xmin, xmax), (ymin, ymax) = domain
    return xmin < point[0] < xmax and ymin < point[1] < ymax


@each_objective
def test_start_and_minima_inside_domain(objective: Objective) -> None:
    (xmin, xmax), (ymin, ymax) = objective.domain
    assert xmin < xmax and ymin < ymax
    assert inside(objective.start, objective.domain)
    for point in objective.minima:
        assert inside(point, objective.domain), point
        assert all(type(c) is float for c in point), point
    assert objective.start not in objective.minima


@each_objective
def test_texts(objective: Objective) -> None:
    assert objective.title and objective.title == objective.title.strip()
    note = objective.note
    assert note == note.strip() and note[0].isupper() and note.endswith(".")
    assert re.search(r"[.!?]\s", note) is None, "the note must be one sentence"
    assert len(note) <= 300
    for latex in (objective.latex, *objective.gradient_latex):
        assert latex.strip()
        assert latex.count("{") == latex.count("}")
        assert latex.count(r"\left") == latex.count(r"\right")
    assert len(objective.gradient_latex) == 2


# --- registry -------------------------------------------------------------------------------


def test_registry_names_and_order() -> None:
    names = list_functions()
    assert names == list(BUILTINS)
    assert len(names) >= 10
    assert set(names) >= REQUIRED
    assert names[:2] == ["rosenbrock", "himmelblau"]
    for name in names:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name)
        assert get_function(name) is BUILTINS[name]
        assert BUILTINS[name].name == name
    assert len({BUILTINS[name].title for name in names}) == len(names)


def test_unknown_function_names_the_valid_ones() -> None:
    with pytest.raises(KeyError) as info:
        get_function("rosenbrok")
    assert isinstance(info.value, UnknownFunctionError)
    message = str(info.value)
    assert message.startswith("Unknown function: 'rosenbrok'")
    assert all(name in message for name in BUILTINS)
