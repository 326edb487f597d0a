"""`optim.inside`: bias-correction steps, one step's numbers, and the claims of the presets."""

from __future__ import annotations

import math

import numpy as np
import pytest

from functions import get_function
from lessons.adam import PRESETS_BY_KEY
from optim import SGD, Adam, run
from optim.inside import (
    ADAM_VARIANTS,
    SCHEDULES,
    InsideSettings,
    convention_gaps,
    convention_runs,
    correction_factor,
    decay_terms,
    first_moment_example,
    first_step,
    inside_runs,
    make_schedule,
    nearest_step,
    rate_comparison,
    series,
    settle_step,
    step_numbers,
    step_ratio,
)
from tests.inside_settings import DEFAULT, START, setup

ROSENBROCK = get_function("rosenbrock")


def brute_force_settle_step(beta: float, threshold: float) -> int:
    t = 1
    while 1 / (1 - beta**t) >= threshold:
        t += 1
    return t


# -- bias correction ------------------------------------------------------------------------
def test_settle_steps_of_the_defaults():
    assert settle_step(0.9) == 44
    assert settle_step(0.999) == 4613


@pytest.mark.parametrize("threshold", [1.001, 1.01, 1.1, 2.0])
@pytest.mark.parametrize(
    "beta", [0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999]
)
def test_settle_step_closed_form_matches_brute_force(beta, threshold):
    t = settle_step(beta, threshold)
    assert t == brute_force_settle_step(beta, threshold)
    assert correction_factor(beta, t) < threshold
    if t > 1:
        assert correction_factor(beta, t - 1) >= threshold


@pytest.mark.parametrize(("beta", "threshold"), [(1.0, 1.01), (-0.1, 1.01), (0.9, 1.0)])
def test_settle_step_refuses_invalid_arguments(beta, threshold):
    with pytest.raises(ValueError, match="Invalid"):
        settle_step(beta, threshold)


def test_step_ratio_starts_at_the_textbook_value_and_tends_to_one():
    assert step_ratio(0.9, 0.999, 1) == pytest.approx(0.1 / math.sqrt(0.001))
    assert step_ratio(0.9, 0.999, 10**6) == pytest.approx(1.0)


def test_first_moment_example_is_the_course_one():
    m, m_hat = first_moment_example(0.9)
    assert m == pytest.approx(0.01)
    assert m_hat == pytest.approx(0.1)


def test_first_step_is_alpha_with_and_about_three_alpha_without_correction():
    runs = inside_runs(setup(5, "Adam", DEFAULT))
    first = first_step(runs.corrected, runs.uncorrected)
    np.testing.assert_allclose(first.with_correction, 0.02, rtol=1e-6)
    np.testing.assert_allclose(first.without_correction, 0.02 * 0.1 / math.sqrt(0.001), rtol=1e-6)
    assert first.ratio == pytest.approx(3.1623, rel=1e-4)


# -- the step inspector reproduces the run --------------------------------------------------
CASES = [
    (variant, convention, bias, schedule)
    for variant in ADAM_VARIANTS
    for convention in ("pytorch", "keras", "optax")
    for bias in (True, False)
    for schedule in ("constant", "warmup")
] + [("Adam", "pytorch", True, schedule) for schedule in ("step", "exponential", "cosine")]


def _close(actual, expected, scale, rtol=1e-12):
    """|actual − expected| ≤ rtol·scale, elementwise (scale: the size of the terms involved)."""
    assert np.all(np.abs(actual - expected) <= rtol * scale), (actual, expected)


@pytest.mark.parametrize(
    ("variant", "convention", "bias", "schedule"),
    CASES,
    ids=[f"{v}-{c}-{'bc' if b else 'nobc'}-{s}" for v, c, b, s in CASES],
)
def test_inspector_numbers_reproduce_the_next_point(variant, convention, bias, schedule):
    settings = {**DEFAULT, "epsilon": 1e-3}
    if variant == "AdamW":
        settings["weight_decay"] = 0.1
    runs = inside_runs(setup(120, variant, settings, convention, bias, schedule))
    trajectory = runs.main
    for t in (1, 2, 3, 10, 57, 120):
        n = step_numbers(trajectory, t)
        # The moments, from the displayed previous values and gradient.
        m = n.beta1 * n.m_prev + (1 - n.beta1) * n.gradient
        v = n.beta2 * n.v_prev + (1 - n.beta2) * n.gradient**2
        _close(m, n.m, np.abs(n.beta1 * n.m_prev) + np.abs((1 - n.beta1) * n.gradient))
        _close(v, n.v, np.abs(n.beta2 * n.v_prev) + (1 - n.beta2) * n.gradient**2)
        bc1 = 1 - n.beta1**t if bias else 1.0
        bc2 = 1 - n.beta2**t if bias else 1.0
        assert (n.terms.bc1, n.terms.bc2) == (bc1, bc2)
        decay = n.learning_rate * n.weight_decay * n.theta_prev if variant == "AdamW" else 0.0
        _close(n.decay, decay, np.abs(decay))
        m_hat = n.m / bc1
        _close(m_hat, n.terms.m_hat, np.abs(m_hat))
        if convention == "keras":
            # Keras's own form (the paper's "efficient" version): α·√bc2/bc1 · m / (√v + ε̂)
            second = n.v_max if n.amsgrad else n.v
            step = n.learning_rate * math.sqrt(bc2) / bc1 * n.m / (np.sqrt(second) + n.epsilon)
        else:
            if n.amsgrad and convention == "optax":
                v_max = np.maximum(n.v_max_prev, n.v / bc2)  # max of the corrected v̂
                _close(v_max, n.v_max, np.abs(v_max))
                second = v_max
            elif n.amsgrad:
                v_max = np.maximum(n.v_max_prev, n.v)  # max of the raw v
                _close(v_max, n.v_max, np.abs(v_max))
                second = v_max / bc2
            else:
                second = n.v / bc2
            _close(second, n.v_hat_used, np.abs(second))
            step = n.learning_rate * m_hat / (np.sqrt(second) + n.epsilon)
        _close(step, n.terms.step, np.abs(step))
        theta = n.theta_prev - decay - step
        expected = trajectory.params[t]
        _close(theta, expected, np.abs(n.theta_prev) + np.abs(step) + np.abs(decay))
        np.testing.assert_allclose(theta, expected, rtol=1e-12, atol=1e-15)
        assert not n.frozen


def test_inspector_reads_the_scheduled_learning_rate():
    runs = inside_runs(setup(100, "Adam", DEFAULT, schedule="warmup"))
    assert step_numbers(runs.main, 1).learning_rate == pytest.approx(0.002)
    assert step_numbers(runs.main, 11).learning_rate == pytest.approx(0.02)


def test_inspector_refuses_what_it_cannot_show():
    trajectory = run(Adam(learning_rate=0.02), ROSENBROCK, START, 10)
    for t in (0, 11):
        with pytest.raises(ValueError, match="Invalid step"):
            step_numbers(trajectory, t)
    with pytest.raises(ValueError, match="Only Adam"):
        step_numbers(run(SGD(learning_rate=1e-3), ROSENBROCK, START, 3), 1)
    with pytest.raises(ValueError, match="single run"):
        step_numbers(run(Adam(), ROSENBROCK, np.zeros((2, 2)), 3), 1)
    with pytest.raises(ValueError, match="record"):
        step_numbers(run(Adam(), ROSENBROCK, START, 3, record="final"), 1)


def test_a_diverged_step_is_flagged():
    trajectory = run(Adam(learning_rate=1.0), ROSENBROCK, START, 50, bound=3.0)
    assert trajectory.diverged_at > 0
    assert step_numbers(trajectory, int(trajectory.diverged_at)).frozen
    assert not step_numbers(trajectory, 1).frozen


# -- series ---------------------------------------------------------------------------------
def test_decay_terms_and_adaptive_steps_add_up_to_the_update():
    settings = {**DEFAULT, "weight_decay": 0.3}
    trajectory = inside_runs(setup(50, "AdamW", settings)).main
    decay = decay_terms(trajectory)
    np.testing.assert_allclose(decay, 0.02 * 0.3 * trajectory.params[:-1], rtol=1e-12)
    adaptive = np.array([step_numbers(trajectory, t).terms.step for t in range(1, 51)])
    np.testing.assert_allclose(-decay - adaptive, trajectory.updates, rtol=1e-9, atol=1e-15)
    plain = inside_runs(setup(5, "Adam", DEFAULT)).main
    assert not decay_terms(plain).any()


def test_convention_gaps_optax_is_pytorch_keras_is_not():
    conventions = convention_runs(setup(100, "Adam", DEFAULT))
    gaps = convention_gaps(conventions)
    assert set(gaps) == {"keras", "optax"}
    assert gaps["optax"].max() < 1e-12
    assert 0 < gaps["keras"][-1] < 1e-6


def test_nearest_step_finds_the_point_clicked():
    trajectory = inside_runs(setup(80, "Adam", DEFAULT)).main
    for t in (1, 17, 80):
        x, y = trajectory.params[t]
        assert nearest_step(trajectory, x + 1e-9, y) == t
    x0, y0 = trajectory.params[0]
    assert nearest_step(trajectory, x0, y0) == 1  # the start has no step of its own


@pytest.mark.parametrize("kind", SCHEDULES)
def test_schedules_scale_alpha_between_zero_and_one(kind):
    schedule = make_schedule(kind, 200)
    if kind == "constant":
        assert schedule is None
        return
    factors = np.asarray(schedule(np.arange(200)))
    assert np.all((factors >= 0) & (factors <= 1))
    assert factors.max() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="Invalid schedule"):
        make_schedule("linear", 10)


def test_series_has_one_row_per_step_and_every_drawn_quantity():
    runs = inside_runs(setup(40, "AMSGrad", DEFAULT, schedule="cosine"))
    columns = series(runs, convention_runs(setup(40, "AMSGrad", DEFAULT)))
    assert {len(values) for values in columns.values()} == {41}
    for name in (
        "x",
        "effective_lr_x",
        "rmsprop_effective_lr_y",
        "m_hat_x",
        "v_max_y",
        "decay_x",
        "bias_factor_2",
        "uncorrected_x",
        "constant_lr_y",
        "gap_keras_vs_pytorch",
        "gap_optax_vs_pytorch",
    ):
        assert name in columns
    assert np.isnan(columns["m_x"][0])
    assert columns["bias_factor_1"][1] == pytest.approx(10.0)


# -- what the presets promise ----------------------------------------------------------------
def preset_runs(key: str):
    """The runs of an Inside Adam scenario, and its settings record."""
    scenario = PRESETS_BY_KEY[key]
    ((variant, hyperparameters),) = scenario.optimizers
    settings = InsideSettings(
        function=scenario.function,
        start=scenario.start,
        steps=scenario.steps,
        variant=variant,
        hyperparameters=hyperparameters,
        convention=scenario.convention,
        bias_correction=scenario.bias_correction,
        schedule=scenario.schedule,
    )
    return inside_runs(settings), settings


def test_preset_defaults_x_gets_about_a_third_of_ys_rate():
    runs, _ = preset_runs("defaults")
    for t in (10, 100, 300):
        assert 2.5 < rate_comparison(runs.main, t).ratio < 3.6


def test_preset_epsilon_keras_drifts_optax_does_not():
    _, settings = preset_runs("epsilon")
    assert settings.convention == "keras" and dict(settings.hyperparameters)["epsilon"] == 0.1
    gaps = convention_gaps(convention_runs(settings))
    assert 0.01 < gaps["keras"][-1] < 0.04
    assert gaps["optax"].max() < 1e-12
    beta2 = dict(settings.hyperparameters)["beta2"]
    assert 1 / math.sqrt(1 - beta2) == pytest.approx(31.6, rel=0.01)  # "32 times"


def test_preset_beta2_gets_much_closer_to_the_minimum():
    default, _ = preset_runs("defaults")
    short, _ = preset_runs("beta2")
    near = ROSENBROCK.nearest_minimum(short.main.params[-1])[1]
    far = ROSENBROCK.nearest_minimum(default.main.params[-1])[1]
    assert near < 0.1 < far


def test_preset_no_bias_correction_steps_about_three_times_longer():
    runs, _ = preset_runs("no-bias")
    assert not runs.main.optimizer.bias_correction
    first = first_step(runs.corrected, runs.uncorrected)
    assert first.without_correction / first.with_correction == pytest.approx([3.16, 3.16], 0.01)
    lengths = np.linalg.norm(runs.main.updates, axis=1) / np.linalg.norm(runs.ghost.updates, axis=1)
    assert 2 < np.median(lengths[:100]) < 4  # "about three times too long for hundreds of steps"
    assert settle_step(0.999) == 4613


def test_preset_amsgrad_v_max_holds_the_largest_v_and_optax_leaves_pytorch():
    runs, settings = preset_runs("amsgrad")
    state = runs.main.state
    np.testing.assert_array_equal(state["v_max"], np.maximum.accumulate(state["v"], axis=0))
    gaps = convention_gaps(convention_runs(settings))
    assert gaps["optax"][10] > 1e-3


def test_preset_adamw_decay_dominates_x_and_the_run_ends_near_the_origin():
    runs, _ = preset_runs("adamw")
    decay, adaptive = (
        np.abs(decay_terms(runs.main)),
        np.abs(-runs.main.updates - decay_terms(runs.main)),
    )
    assert np.mean(decay[:100, 0] > adaptive[:100, 0]) > 0.8
    assert np.linalg.norm(runs.main.params[-1]) < 0.1


def test_preset_warmup_starts_at_a_tenth_and_reaches_alpha_after_30_steps():
    runs, _ = preset_runs("warmup")
    rates = runs.main.learning_rate
    assert rates[0] == pytest.approx(0.002)
    assert rates[30] == pytest.approx(0.02)
    assert np.all(np.diff(rates[:31]) > 0)
    assert runs.unscheduled is not None
