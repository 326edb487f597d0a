"""Bounded formulas and bounded work: LaTeX past `MAX_LATEX` is not kept (and not even produced
past `LATEX_NODES`), SymPy's time is capped, and the kernel works either way."""

from __future__ import annotations

import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions import MAX_LATEX, Formula, get_function, isolated, list_functions, parser, symbolic
from functions.parser import ExpressionError, parse_expression
from functions.tape import OPERATIONS, Tape, kernel_from_tape
from tests.functions.corpus import CORPUS, Case


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """Parse without the cache, and leave nothing in it that a changed limit produced."""
    parser._outcome.cache_clear()
    yield
    parser._outcome.cache_clear()


def _sympy(text: str) -> sympy.Expr:
    source, tree = parser._checked_tree(text)
    return symbolic._Builder(source).build(tree.body)


# --- Formula and MAX_LATEX --------------------------------------------------------------------


def test_bound_is_in_the_documented_range_and_documented() -> None:
    assert 2_000 <= MAX_LATEX <= 4_000
    assert f"{MAX_LATEX:,}".replace(",", " ") in parser.__doc__
    assert f"{MAX_LATEX:,}".replace(",", " ") in parse_expression.__doc__


@pytest.mark.parametrize(
    ("length", "displayable"),
    [(1, True), (MAX_LATEX, True), (MAX_LATEX + 1, False), (84_000, False)],
)
def test_formula_is_displayable_up_to_the_bound(length: int, displayable: bool) -> None:
    formula = Formula.from_latex("∂f/∂x", "x" * length)
    assert formula.length == length
    assert formula.displayable is displayable
    assert formula.latex == ("x" * length if displayable else "")


def test_notice_is_a_plain_sentence_with_the_size() -> None:
    assert Formula("∂f/∂x", "", 84_000, False).notice == (
        "∂f/∂x is too long to display — 84 000 characters"
    )
    assert Formula("∂f/∂y", "", 12_345, False, exact=False).notice == (
        "∂f/∂y is too long to display — more than 12 345 characters"
    )


@pytest.mark.parametrize("name", list_functions())
def test_builtin_formulas_are_displayable(name: str) -> None:
    objective = get_function(name)
    formulas = objective.formulas()
    assert [f.label for f in formulas] == ["f(x, y)", "∂f/∂x", "∂f/∂y"]
    assert [f.latex for f in formulas] == [objective.latex, *objective.gradient_latex]
    assert all(f.displayable and f.exact and f.length == len(f.latex) for f in formulas)


# --- The corpus of slow and huge inputs -------------------------------------------------------

PARSED = [pytest.param(case, id=case.name) for case in CORPUS if case.parsed]
REFUSED = [pytest.param(case, id=case.name) for case in CORPUS if not case.parsed]


def test_corpus_is_large_and_within_the_limits() -> None:
    assert len(CORPUS) >= 15
    for case in CORPUS:
        assert len(case.text) <= parser.MAX_LENGTH, case.name
        parser._checked_tree(case.text)  # within MAX_NODES, MAX_DEPTH and the rest


def _central_differences(objective, x: np.ndarray, y: np.ndarray) -> tuple:
    h = 1e-6
    f = objective.kernel
    with np.errstate(all="ignore"):
        return (
            (f(x + h, y)[0] - f(x - h, y)[0]) / (2 * h),
            (f(x, y + h)[0] - f(x, y - h)[0]) / (2 * h),
        )


@pytest.mark.parametrize("case", PARSED)
def test_huge_inputs_parse_with_bounded_formulas_and_a_correct_gradient(case: Case) -> None:
    objective = parse_expression(case.text)
    formulas = objective.formulas()
    assert [f.latex for f in formulas] == [objective.latex, *objective.gradient_latex]
    nodes = parser._compiled(case.text).derived.nodes
    for formula, size in zip(formulas, nodes, strict=True):
        assert formula.length > 0
        assert len(formula.latex) <= MAX_LATEX
        # What LATEX_NODES relies on: every node prints at least half a character.
        assert formula.length >= size // 2
        if formula.displayable:
            assert formula.exact and len(formula.latex) == formula.length
        else:
            assert formula.latex == "" and formula.length > MAX_LATEX
            assert str(formula.length) in formula.notice.replace(" ", "")
    # The kernel does not depend on the formulas: values and a gradient that agrees with
    # central differences wherever the function is finite.
    rng = np.random.default_rng(7)
    x, y = rng.uniform(0.6, 1.4, size=(2, 12))
    f, gx, gy = objective.kernel(x, y)
    dx, dy = _central_differences(objective, x, y)
    finite = np.isfinite(f) & np.isfinite(gx) & np.isfinite(gy)
    assert finite.sum() >= 3, case.name
    np.testing.assert_allclose(gx[finite], dx[finite], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(gy[finite], dy[finite], rtol=1e-4, atol=1e-6)


def test_corpus_exercises_the_bound() -> None:
    hidden = []
    for case in CORPUS:
        if case.parsed:
            _, fx, fy = parse_expression(case.text).formulas()
            hidden += [f for f in (fx, fy) if not f.displayable]
    assert len(hidden) >= 16
    assert max(f.length for f in hidden) > 30_000  # the size that froze browsers


@pytest.mark.parametrize("name", ["tower-of-quotients", "nested-atan2", "product-of-sums"])
def test_reported_length_is_the_length_of_the_latex(name: str) -> None:
    # The length of the LaTeX that was measured and dropped, against SymPy's own printer.
    text = next(case.text for case in CORPUS if case.name == name)
    _, fx, fy = parse_expression(text).formulas()
    f = _sympy(text)
    x, y = symbolic.X, symbolic.Y
    assert fx.length == len(sympy.latex(sympy.diff(f, x)))
    assert fy.length == len(sympy.latex(sympy.diff(f, y)))


def test_past_the_node_bound_latex_is_not_produced(
    monkeypatch: pytest.MonkeyPatch, fresh_cache: None
) -> None:
    text = next(case.text for case in CORPUS if case.name == "tower-of-variables")
    monkeypatch.setattr(parser, "LATEX_NODES", 100)
    objective = parse_expression(text)
    nodes = parser._compiled(text).derived.nodes
    f, fx, fy = objective.formulas()
    assert nodes[0] <= 100 < min(nodes[1:])
    assert f.exact and f.displayable
    for formula, size in zip((fx, fy), nodes[1:], strict=True):
        assert not formula.exact and not formula.displayable and formula.latex == ""
        assert formula.length == size // 2
        assert formula.notice.startswith(f"{formula.label} is too long to display — more than")
    # The lower bound holds: the LaTeX that was not produced is longer still.
    assert len(sympy.latex(sympy.diff(_sympy(text), symbolic.X))) > fx.length
    # And the kernel is the same as ever.
    x, y = np.array([0.8, 1.2]), np.array([1.1, 0.9])
    _, gx, gy = objective.kernel(x, y)
    dx, dy = _central_differences(objective, x, y)
    np.testing.assert_allclose(gx, dx, rtol=1e-5)
    np.testing.assert_allclose(gy, dy, rtol=1e-5)


@pytest.mark.parametrize("case", REFUSED)
def test_inputs_that_keep_sympy_busy_are_refused_with_a_clear_message(
    case: Case, monkeypatch: pytest.MonkeyPatch, fresh_cache: None
) -> None:
    monkeypatch.setattr(parser, "SYMPY_SECONDS", 1)
    with pytest.raises(ExpressionError) as info:
        parse_expression(case.text)
    message = str(info.value)
    assert message.startswith("The expression takes too long to differentiate")
    assert "more than 1 s" in message and "shorter or simpler" in message
    assert info.value.column is None
    # The refusal is cached like a result, so a page that reruns does not wait again.
    hits = parser._outcome.cache_info().hits
    with pytest.raises(ExpressionError, match="too long to differentiate"):
        parse_expression(case.text)
    assert parser._outcome.cache_info().hits == hits + 1


def test_simultaneous_parses_of_one_text_do_the_work_once(fresh_cache: None) -> None:
    # Thirty students opening one link: one child process, the others wait for its result.
    text = "x^3 + y^3 - 3*x*y"
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: parser._compiled(text), range(6)))
    assert all(result is results[0] for result in results)
    assert parser._outcome.cache_info().misses == 1


def test_overlong_text_never_enters_the_cache(fresh_cache: None) -> None:
    with pytest.raises(ExpressionError, match="too long"):
        parse_expression("x" * 100_000)
    assert parser._outcome.cache_info().currsize == 0


# --- The child process ------------------------------------------------------------------------


def test_child_returns_the_value() -> None:
    assert isolated.call("math:hypot", 3.0, 4.0, cpu_seconds=5) == 5.0


def test_child_refusals_and_failures_are_told_apart() -> None:
    with pytest.raises(isolated.Refused) as info:
        isolated.call("math:sqrt", -1.0, cpu_seconds=5, refusals=("ValueError",))
    assert info.value.args == ("ValueError", "math domain error", None)
    with pytest.raises(isolated.Failed, match="ValueError"):
        isolated.call("math:sqrt", -1.0, cpu_seconds=5)


def test_child_is_stopped_at_its_cpu_limit() -> None:
    # 10^8! takes minutes; one second of CPU time ends it.
    with pytest.raises(isolated.TooSlow, match="CPU time"):
        isolated.call("math:factorial", 10**8, cpu_seconds=1)


def test_child_that_waits_is_stopped_at_four_times_its_cpu_limit() -> None:
    with pytest.raises(isolated.TooSlow, match="no answer within 4 s"):
        isolated.call("time:sleep", 60, cpu_seconds=1)
    # The helper it ran in is still good for the next call.
    assert isolated.call("math:hypot", 6.0, 8.0, cpu_seconds=5) == 10.0


def test_a_helper_that_died_is_replaced() -> None:
    assert isolated.call("math:hypot", 1.0, 1.0, cpu_seconds=5) == math.sqrt(2)
    for helper in list(isolated._IDLE):
        helper.process.kill()
        helper.process.wait()
    assert isolated.call("math:hypot", 3.0, 4.0, cpu_seconds=5) == 5.0


def test_no_helper_is_a_refusal_that_is_not_cached(
    monkeypatch: pytest.MonkeyPatch, fresh_cache: None
) -> None:
    class Broken:
        def __init__(self) -> None:
            raise OSError("cannot start")

    monkeypatch.setattr(isolated, "_Helper", Broken)
    monkeypatch.setattr(isolated, "_IDLE", [])
    with pytest.raises(ExpressionError, match="could not be differentiated just now"):
        parse_expression("x^2 + 7*y")
    assert parser._outcome.cache_info().currsize == 0
    monkeypatch.undo()
    assert parse_expression("x^2 + 7*y").source == "x^2 + 7*y"


# --- The program that replaces generated code -------------------------------------------------


def test_symbolic_side_knows_every_function_the_parser_allows() -> None:
    assert set(symbolic.SYMBOLIC) == {function.name for function in parser.FUNCTIONS.values()}
    assert set(symbolic.OPERATION_NAMES.values()) <= set(OPERATIONS)


def test_malformed_tapes_are_refused() -> None:
    with pytest.raises(KeyError):
        kernel_from_tape(Tape((("x", (), None), ("frobnicate", (0,), None)), (1, 1, 1)))
    with pytest.raises(ValueError, match="not all of them before it"):
        kernel_from_tape(Tape((("sin", (1,), None), ("x", (), None)), (0, 0, 0)))
    with pytest.raises(ValueError, match="gives sin 2 arguments"):
        kernel_from_tape(Tape((("x", (), None), ("sin", (0, 0), None)), (1, 1, 1)))
    with pytest.raises(ValueError, match="not a number"):
        kernel_from_tape(Tape((("const", (), "1"),), (0, 0, 0)))


_LEAVES = st.sampled_from(["x", "y", "e", "pi", "2", "0.5", "-3.7", "(x+1)", "(y-2)"])
_UNARY = sorted({name for name, function in parser.FUNCTIONS.items() if function.arity == 1})


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds("({}){}({})".format, children, st.sampled_from("+-*/^"), children),
        st.builds("{}({})".format, st.sampled_from(_UNARY), children),
        st.builds("atan2({}, {})".format, children, children),
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(_LEAVES, _combine, max_leaves=6))
def test_program_agrees_with_sympys_own_numpy_printer(text: str) -> None:
    # lambdify is SymPy's reference for evaluating an expression with NumPy (with the common
    # subexpressions taken out, as the program does and as the parser once called it); the
    # program must give the same numbers, to rounding, and be finite at the same points.
    try:
        source, tree = parser._checked_tree(text)
        derived = symbolic.derive(source, tree, MAX_LATEX, parser.LATEX_NODES)
    except ExpressionError:
        return
    f = symbolic._Builder(source).build(tree.body)
    parts = [f, *(symbolic._without_dirac(sympy.diff(f, s)) for s in (symbolic.X, symbolic.Y))]
    reference = sympy.lambdify((symbolic.X, symbolic.Y), parts, modules="numpy", cse=True)
    x = np.array([0.3, -1.7, 2.5, 0.9])
    y = np.array([1.1, 0.4, -2.2, -0.6])
    with np.errstate(all="ignore"):
        expected = [np.broadcast_to(np.asarray(r, dtype=complex), x.shape) for r in reference(x, y)]
    for got, want in zip(kernel_from_tape(derived.tape)(x, y), expected, strict=True):
        real = np.where(want.imag == 0, want.real, np.nan)
        np.testing.assert_array_equal(np.isfinite(got), np.isfinite(real), err_msg=text)
        both = np.isfinite(real)
        np.testing.assert_allclose(got[both], real[both], rtol=1e-9, atol=1e-12, err_msg=text)
