"""Figures and equations of Inside Adam: valid Plotly, the right traces, small payloads, and
LaTeX whose printed numbers are consistent at their printed precision."""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from functions import get_function
from optim.inside import (
    convention_gaps,
    convention_runs,
    inside_runs,
    step_numbers,
)
from tests.inside_settings import DEFAULT, setup
from viz.inside import (
    CLICK_TARGETS,
    bias_figure,
    conventions_figure,
    decay_figure,
    path_figure,
    runs_csv,
    schedule_figure,
    step_latex,
    step_lines,
    steps_figure,
    tex_number,
)
from viz.landscape import evaluate
from viz.paths import background_uri
from viz.style import TINY

ROSENBROCK = get_function("rosenbrock")


PAYLOAD_LIMIT = 300 * 1024  # bytes of figure JSON per slider change


@pytest.fixture(scope="module")
def landscape():
    picture = evaluate(ROSENBROCK, resolution=300)
    return picture, background_uri(picture)


def validated(figure: go.Figure) -> go.Figure:
    """`figure`, after building it again with Plotly's validation (which raises on any invalid
    property); the original keeps its NumPy arrays for the assertions."""
    go.Figure(figure.to_dict())
    return figure


def traces_by_name(figure: go.Figure) -> dict:
    return {trace.name: trace for trace in figure.data}


# -- figures ------------------------------------------------------------------------------------
def test_path_figure_marks_the_step_and_offers_click_targets(landscape):
    runs = inside_runs(setup(300, "Adam", DEFAULT, schedule="cosine"))
    figure = validated(path_figure(ROSENBROCK, *landscape, runs, 25))
    names = traces_by_name(figure)
    assert {"Adam", "Adam without bias correction", "Adam at a constant α"} <= set(names)
    assert names["RMSProp (ρ = β2)"].visible == "legendonly"
    assert len(names["Adam"].x) == 301
    assert names["Adam"].x.dtype == np.float32
    marker = names["step 25: θ_24 → θ_25"]
    np.testing.assert_allclose(marker.x, runs.main.params[24:26, 0], rtol=1e-12)
    targets = names["click a point to inspect its step"]
    assert len(targets.x) <= CLICK_TARGETS + 1
    assert list(targets.customdata[:3]) == [0, 2, 4]
    np.testing.assert_allclose(targets.x[1], runs.main.params[2, 0], rtol=1e-6)
    assert figure.layout.images[0].source.startswith("data:image/png;base64,")


def test_steps_figure_has_four_rows_and_one_step_line():
    runs = inside_runs(setup(300, "AMSGrad", DEFAULT))
    figure = validated(steps_figure(runs, 40))
    rows = {}
    for trace in figure.data:
        rows.setdefault(trace.yaxis, []).append(trace.name)
    assert list(rows) == ["y", "y2", "y3", "y4"]
    assert rows["y"].count("Adam") == 0  # named after the variant
    assert rows["y"].count("AMSGrad") == 2  # x and y
    assert rows["y"].count("SGD (= α)") == 1  # one α for both
    assert rows["y3"].count("v_max,t") == 2
    assert len(figure.data) == 17
    for trace in figure.data:
        assert trace.x0 == 1 and trace.dx == 1
        assert len(trace.y) == 300
    assert figure.layout.yaxis.type == "log" and figure.layout.yaxis3.type == "log"
    (line,) = figure.layout.shapes
    assert line.x0 == line.x1 == 40
    assert figure.layout.legend4.title.text == "<b>update</b>"
    rates = [t for t in figure.data if t.name == "AMSGrad"]
    np.testing.assert_allclose(rates[0].y, runs.main.effective_lr[:, 0], rtol=1e-6)


def test_steps_figure_thins_long_runs():
    runs = inside_runs(setup(1000, "Adam", DEFAULT))
    figure = validated(steps_figure(runs, 1))
    assert {len(trace.y) for trace in figure.data} == {500}
    assert {trace.dx for trace in figure.data} == {2}


def test_bias_figure_labels_the_settle_steps():
    figure = validated(bias_figure(0.9, 0.999, 300))
    labels = [trace.text[0] for trace in figure.data if trace.mode == "markers+text"]
    assert labels == ["t = 44", "t = 4 613"]
    assert figure.layout.xaxis.type == "log"
    assert all(shape.type != "line" or shape.xref == "paper" for shape in figure.layout.shapes)
    marked = validated(bias_figure(0.9, 0.999, 300, step=7))
    assert any(shape.x0 == 7 for shape in marked.layout.shapes)


def test_conventions_figure_draws_exact_agreement_at_the_floor():
    gaps = convention_gaps(convention_runs(setup(50, "Adam", DEFAULT)))
    figure = validated(conventions_figure(gaps, 5))
    names = traces_by_name(figure)
    assert set(names) == {"Keras − PyTorch", "Optax − PyTorch"}
    assert np.all(names["Optax − PyTorch"].y == np.float32(TINY))
    assert names["Keras − PyTorch"].y[-1] > 1e-12


def test_variant_figures():
    runs = inside_runs(setup(200, "AdamW", {**DEFAULT, "weight_decay": 0.3}, schedule="step"))
    schedule = validated(schedule_figure(runs, 3))
    assert schedule.data[0].name == "α_t (scheduled)"
    assert schedule.data[0].y[0] == pytest.approx(0.02) and schedule.data[0].y[-1] < 0.003
    decay = validated(decay_figure(runs.main, 3))
    assert len(decay.data) == 4


@pytest.mark.parametrize("steps", [300, 1000])
def test_figures_of_one_slider_change_stay_small(landscape, steps):
    runs = inside_runs(setup(steps, "AMSGrad", DEFAULT, schedule="warmup"))
    figures = [
        path_figure(ROSENBROCK, *landscape, runs, 10),
        steps_figure(runs, 10),
        bias_figure(0.9, 0.999, steps),
    ]
    size = sum(len(pio.to_json(figure, validate=False)) for figure in figures)
    assert size < PAYLOAD_LIMIT


# -- LaTeX -------------------------------------------------------------------------------------
def test_tex_number():
    assert tex_number(0.9) == "0.9"
    assert tex_number(-58.635812051234) == "-58.63581205"
    assert tex_number(1e-8) == r"1 \times 10^{-8}"
    assert tex_number(0.00099999999) == "0.00099999999"


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:\s*\\times\s*10\^\{-?\d+\})?")


def numbers_in(text: str) -> list[float]:
    """Every number printed in a line, with 'a \\times 10^{b}' read as one number."""
    values = []
    for token in NUMBER.findall(text):
        mantissa, _, exponent = token.partition(r"\times 10^{")
        value = float(mantissa)
        if exponent:
            value *= 10.0 ** int(exponent.rstrip("}"))
        values.append(value)
    return values


def near(actual: float, expected: float, scale: float, digits: int = 10) -> bool:
    """Equal up to the rounding of numbers printed to `digits` significant digits."""
    return abs(actual - expected) <= 10.0 ** (2 - digits) * scale


CASES = [
    ("Adam", "pytorch", True),
    ("Adam", "pytorch", False),
    ("AMSGrad", "pytorch", True),
    ("AMSGrad", "optax", True),
    ("AdamW", "keras", True),
    ("AdamW", "optax", False),
]


@pytest.mark.parametrize(("variant", "convention", "bias"), CASES)
def test_printed_numbers_are_consistent_at_their_precision(variant, convention, bias):
    settings = {**DEFAULT, "weight_decay": 0.1} if variant == "AdamW" else DEFAULT
    runs = inside_runs(setup(60, variant, settings, convention, bias))
    for t in (1, 9, 60):
        n = step_numbers(runs.main, t)
        for axis in (0, 1):
            checked = set()
            for symbolic, numeric in step_lines(n, axis):
                values = numbers_in(numeric)
                head = symbolic.split("&")[0].strip()
                if head == "g_t":
                    (g,) = values
                    assert near(g, n.gradient[axis], abs(g))
                elif head == "m_t":
                    b1, m_prev, c1, g, m = values
                    assert near(b1 * m_prev + c1 * g, m, abs(b1 * m_prev) + abs(c1 * g))
                    assert near(m, n.m[axis], abs(m))
                elif head == "v_t":
                    b2, v_prev, c2, g, power, v = values
                    assert power == 2
                    assert near(b2 * v_prev + c2 * g**2, v, b2 * v_prev + c2 * g**2)
                elif head == r"v^{\max}_t":
                    previous, current, v_max = values
                    assert near(max(previous, current), v_max, v_max)
                elif head == r"\hat m_t" and bias:
                    m, one, b1, exponent, m_again, bc1, m_hat = values  # m/(1 − β1^t) = m/bc1
                    assert (one, exponent, m_again) == (1, t, m)
                    assert near(1 - b1**t, bc1, 1) and near(m / bc1, m_hat, abs(m_hat))
                elif head == r"\hat v_t" and bias:
                    v, one, b2, exponent, _, bc2, v_hat = values
                    assert (one, exponent) == (1, t)
                    assert near(1 - b2**t, bc2, 1) and near(v / bc2, v_hat, v_hat)
                elif head in (r"\hat m_t", r"\hat v_t"):
                    assert len(values) == 1
                elif head == r"\epsilon_t":
                    eps, bc2, eps_t = values  # Keras: ε̂ / √(1 − β2ᵗ)
                    assert near(eps / math.sqrt(bc2), eps_t, eps_t)
                elif head == r"\theta_t":
                    if n.weight_decay_mode == "decoupled":
                        before, alpha, lam, before_again, size, first, second, eps, after = values
                        decay = alpha * lam * before_again
                    else:
                        before, size, first, second, eps, after = values
                        decay = 0.0
                    step = size * first / (math.sqrt(second) + eps)
                    assert near(before - decay - step, after, abs(before) + abs(step) + 1e-300)
                    assert near(after, n.theta[axis], abs(after))
                else:
                    raise AssertionError(f"unexpected line {symbolic}")
                checked.add(head)
            assert {"g_t", "m_t", "v_t", r"\theta_t"} <= checked


def test_step_latex_shows_both_coordinates_under_each_equation():
    runs = inside_runs(setup(20, "Adam", DEFAULT))
    latex = step_latex(step_numbers(runs.main, 20))
    assert latex.startswith(r"\begin{aligned}") and latex.endswith(r"\end{aligned}")
    assert latex.count("{x:}") == latex.count("{y:}") == 6
    assert tex_number(runs.main.params[20, 0]) in latex
    assert tex_number(runs.main.params[20, 1]) in latex


# -- export ------------------------------------------------------------------------------------
def test_csv_holds_every_series_at_full_precision():
    runs = inside_runs(setup(30, "Adam", DEFAULT))
    conventions = convention_runs(setup(30, "Adam", DEFAULT))
    table = pd.read_csv(io.BytesIO(runs_csv(runs, conventions)))
    assert len(table) == 31
    assert table["step"].tolist() == list(range(31))
    np.testing.assert_array_equal(table["x"].to_numpy(), runs.main.params[:, 0])
    assert "gap_keras_vs_pytorch" in table and "rmsprop_effective_lr_x" in table
