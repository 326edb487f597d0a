"""`run()`: shapes, divergence, the meaning of each recorded array, batching, noise."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functions import get_function, parse_expression
from optim import SGD, Adagrad, Adam, AdamW, RMSProp, run, schedules

ROSENBROCK = get_function("rosenbrock")
OPTIMIZERS = {
    "Adam": Adam(learning_rate=0.05),
    "AMSGrad": Adam(learning_rate=0.05, amsgrad=True),
    "AdamW": AdamW(learning_rate=0.05),
    "SGD": SGD(learning_rate=2e-3),
    "Momentum": SGD(learning_rate=1e-3, momentum=0.9),
    "Nesterov": SGD(learning_rate=1e-3, momentum=0.9, nesterov=True),
    "RMSProp": RMSProp(learning_rate=1e-2),
    "Adagrad": Adagrad(learning_rate=0.3),
}
STATE_NAMES = {
    "Adam": {"m", "v", "m_hat", "v_hat"},
    "AMSGrad": {"m", "v", "v_max", "m_hat", "v_hat"},
    "AdamW": {"m", "v", "m_hat", "v_hat"},
    "SGD": set(),
    "Momentum": {"momentum_buffer"},
    "Nesterov": {"momentum_buffer"},
    "RMSProp": {"square_avg"},
    "Adagrad": {"accumulator"},
}
SUMMARY = ("final_params", "final_loss", "best_loss", "converged_at", "diverged_at")


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("batch", [(), (3,), (2, 3)], ids=["single", "B=3", "2x3"])
def test_full_record_shapes_and_no_nonfinite_values(name, batch):
    rng = np.random.default_rng(1)
    x0 = rng.uniform(-2, 2, size=(*batch, 2))
    t = run(OPTIMIZERS[name], ROSENBROCK, x0, 50)
    assert t.params.shape == (51, *batch, 2)
    assert t.loss.shape == (51, *batch)
    for array in (t.gradients, t.updates, t.effective_lr):
        assert array.shape == (50, *batch, 2)
    assert t.learning_rate.shape == (50, *batch)
    assert set(t.state) == STATE_NAMES[name]
    for array in [t.params, t.loss, t.gradients, t.updates, t.effective_lr, *t.state.values()]:
        assert np.all(np.isfinite(array))
    np.testing.assert_array_equal(t.params[0], x0)
    np.testing.assert_array_equal(t.loss, ROSENBROCK.value(t.params))
    assert t.final_params.shape == (*batch, 2) and t.diverged_at.shape == batch


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_final_record_gives_the_same_summary_as_full(name):
    # Starts chosen so that some trajectories diverge (SGD on Rosenbrock far out) and some don't.
    x0 = np.array([[-1.5, 2.5], [0.0, 0.0], [1.2, 1.2], [2.0, -1.0], [-2.0, 3.0], [0.9, 0.8]])
    optimizer = OPTIMIZERS[name]
    full = run(optimizer, ROSENBROCK, x0, 300, tolerance=1e-2)
    final = run(optimizer, ROSENBROCK, x0, 300, tolerance=1e-2, record="final")
    for field in SUMMARY:
        np.testing.assert_array_equal(getattr(final, field), getattr(full, field), err_msg=field)
    assert final.params is None and final.state == {}


def _plain_sgd(x0, lr, steps, bound=1e6):
    """Independent SGD on Rosenbrock: the first step whose point is bad, and the path."""
    path = [np.array(x0, float)]
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            x, y = path[-1]
            g = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
            p = path[-1] - lr * g
            f = (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
            if not (np.all(np.isfinite(p)) and np.all(np.abs(p) <= bound) and np.isfinite(f)):
                return t, path
            path.append(p)
    return -1, path


def test_divergence_stops_the_trajectory_at_its_last_finite_point():
    x0 = np.array([[0.0, 0.0], [1.2, 1.2], [1.0, 1.0]])  # the last sits at the minimum
    lr = 0.01
    t = run(SGD(learning_rate=lr), ROSENBROCK, x0, 200)
    for i in range(3):
        d, path = _plain_sgd(x0[i], lr, 200)
        assert t.diverged_at[i] == d
        if d == -1:
            np.testing.assert_allclose(t.params[:, i], path, rtol=1e-12)
            continue
        assert d > 1
        np.testing.assert_allclose(t.params[:d, i], path, rtol=1e-12)
        np.testing.assert_array_equal(
            t.params[d:, i], np.broadcast_to(t.params[d - 1, i], (201 - d, 2))
        )
        np.testing.assert_array_equal(t.final_params[i], t.params[d - 1, i])
        assert np.all(t.updates[d - 1 :, i] == 0) and np.all(t.gradients[d - 1 :, i] == 0)
        assert np.all(t.effective_lr[d - 1 :, i] == 0)
    assert set(t.diverged_at.tolist()) - {-1}, "the table must contain a diverging start"
    assert -1 in t.diverged_at


def test_divergence_by_leaving_the_bound_and_by_non_finite_loss():
    saddle = get_function("saddle")  # SGD on x² − y²: y grows by (1 + 2α) per step
    t = run(SGD(learning_rate=0.1), saddle, (0.5, 1.0), 200, record="final")
    expected = int(np.ceil(np.log(1e6) / np.log(1.2)))  # first step with 1.2^t > 1e6
    assert t.diverged_at == expected
    assert abs(t.final_params[1]) == pytest.approx(1.2 ** (expected - 1), rel=1e-9)

    # log(x) is finite for x > 0 only: a big step to x < 0 gives a non-finite loss.
    logarithm = parse_expression("log(x) + y^2")
    t = run(SGD(learning_rate=1.0), logarithm, (0.5, 0.0), 10)
    assert t.diverged_at == 1  # θ1 = 0.5 − 1/0.5 < 0
    np.testing.assert_array_equal(t.final_params, (0.5, 0.0))
    assert np.all(np.isfinite(t.loss))


def test_start_where_the_function_is_undefined_is_a_clear_error():
    with pytest.raises(ValueError, match=r"not finite at the start point \(-1, 0\)"):
        run(Adam(), parse_expression("log(x)"), (-1.0, 0.0), 10)
    with pytest.raises(ValueError, match="x0 must have shape"):
        run(Adam(), ROSENBROCK, (1.0, 2.0, 3.0), 10)
    with pytest.raises(ValueError, match="Invalid steps"):
        run(Adam(), ROSENBROCK, (1.0, 2.0), -1)
    with pytest.raises(ValueError, match="Invalid record"):
        run(Adam(), ROSENBROCK, (1.0, 2.0), 1, record="some")


def test_zero_steps():
    t = run(Adam(), ROSENBROCK, (1.0, 2.0), 0)
    assert t.params.shape == (1, 2) and t.updates.shape == (0, 2)
    assert t.final_loss == pytest.approx(100.0)


def test_effective_learning_rate_is_the_factor_on_m_hat_or_the_gradient():
    x0 = (-1.5, 2.5)
    for convention in ("pytorch", "keras", "optax"):
        for amsgrad in (False, True):
            t = run(
                Adam(learning_rate=0.01, amsgrad=amsgrad, convention=convention),
                ROSENBROCK,
                x0,
                100,
            )
            np.testing.assert_allclose(
                t.updates, -t.effective_lr * t.state["m_hat"], rtol=1e-9, atol=1e-15
            )
    t = run(Adam(learning_rate=0.01), ROSENBROCK, x0, 100)
    # The bias corrections as PyTorch computes them, in Python floats (C's pow), step by step;
    # the recorded history takes βᵗ from NumPy's power, within an ulp of it (1 − 0.999⁷ ≈ 0.007
    # turns that ulp into 2e-14 relative).
    bc1 = np.array([[1 - 0.9**step] for step in range(1, 101)])
    bc2 = np.array([[1 - 0.999**step] for step in range(1, 101)])
    np.testing.assert_allclose(t.state["m_hat"], t.state["m"] / bc1, rtol=1e-13)
    np.testing.assert_allclose(t.state["v_hat"], t.state["v"] / bc2, rtol=1e-13)
    np.testing.assert_allclose(
        t.effective_lr, 0.01 / (np.sqrt(t.state["v_hat"]) + 1e-8), rtol=1e-12
    )  # α_t/(√v̂_t + ε), the factor the course describes
    for optimizer in (
        RMSProp(learning_rate=0.01),
        Adagrad(learning_rate=0.1),
        SGD(learning_rate=1e-4),
    ):
        t = run(optimizer, ROSENBROCK, x0, 100)
        np.testing.assert_allclose(t.updates, -t.effective_lr * t.gradients, rtol=1e-9, atol=1e-15)
    t = run(SGD(learning_rate=1e-4), ROSENBROCK, x0, 10)
    np.testing.assert_array_equal(t.effective_lr, 1e-4)


HIMMELBLAU_STARTS = {
    (3.0, 2.0): (3.5, 3.0),
    (-2.805118086952745, 3.131312518250573): (-2.0, 4.0),
    (-3.779310253377747, -3.283185991286170): (-3.0, -4.0),
    (3.584428340330492, -1.848126526964404): (3.0, -3.0),
}


@pytest.mark.parametrize("name", ["Adam", "Momentum", "RMSProp"])
def test_converges_to_each_of_himmelblaus_four_minima(name):
    optimizer = {
        "Adam": Adam(learning_rate=0.02),
        "Momentum": SGD(learning_rate=2e-3, momentum=0.9),
        "RMSProp": RMSProp(learning_rate=3e-3),
    }[name]
    himmelblau = get_function("himmelblau")
    starts = np.array(list(HIMMELBLAU_STARTS.values()))
    t = run(optimizer, himmelblau, starts, 3000, schedule=schedules.Cosine(3000), record="final")
    np.testing.assert_allclose(t.final_params, list(HIMMELBLAU_STARTS), atol=1e-4)
    assert np.all(t.converged_at > 0) and np.all(t.diverged_at == -1)


def test_converged_at_is_the_first_step_within_tolerance():
    t = run(SGD(learning_rate=0.05), "booth", (-5.0, 5.0), 400, tolerance=1e-6)
    below = np.flatnonzero(t.loss <= 1e-6)
    assert below.size and t.converged_at == below[0]
    t = run(SGD(learning_rate=0.05), "saddle", (1.0, 0.0), 5)  # no minimum to reach
    assert t.converged_at == -1


def test_schedule_scales_the_learning_rate_of_each_step():
    schedule = schedules.Warmup(5, schedules.StepDecay(3, 0.5), start_factor=0.2)
    t = run(Adam(learning_rate=0.1), ROSENBROCK, (-1.0, 1.0), 12, schedule=schedule)
    expected = 0.1 * np.array([0.2, 0.36, 0.52, 0.68, 0.84, 1, 1, 1, 0.5, 0.5, 0.5, 0.25])
    np.testing.assert_allclose(t.learning_rate, expected, rtol=1e-14)


# ---- batching: one call equals the same runs one at a time --------------------------------

MAKERS = {
    "Adam": lambda h: Adam(learning_rate=h["lr"], beta1=h["b1"]),
    "AdamW-keras": lambda h: AdamW(learning_rate=h["lr"], beta1=h["b1"], convention="keras"),
    "SGD": lambda h: SGD(learning_rate=h["lr"] / 10, momentum=h["b1"]),
    "RMSProp": lambda h: RMSProp(learning_rate=h["lr"], rho=h["b1"], momentum=h["b1"] / 2),
    "Adagrad-optax": lambda h: Adagrad(learning_rate=h["lr"], convention="optax"),
}


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(sorted(MAKERS)),
    size=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
    noisy=st.booleans(),
    record=st.sampled_from(["full", "final"]),
)
def test_batch_equals_separate_runs(name, size, seed, noisy, record):
    rng = np.random.default_rng(seed)
    x0 = rng.uniform(-2.5, 2.5, size=(size, 2))
    h = {"lr": 10 ** rng.uniform(-3, 0, size), "b1": rng.uniform(0, 0.99, size)}
    noise = rng.uniform(0, 3, size) if noisy else 0.0
    sparsity = rng.uniform(0, 0.5, size) if noisy else 0.0
    seeds = rng.integers(0, 1000, size)
    schedule = schedules.Cosine(60, floor=0.1)
    batch = run(
        MAKERS[name](h),
        ROSENBROCK,
        x0,
        60,
        noise=noise,
        sparsity=sparsity,
        seed=seeds,
        schedule=schedule,
        record=record,
    )
    for i in range(size):
        one = {k: float(v[i]) for k, v in h.items()}
        single = run(
            MAKERS[name](one),
            ROSENBROCK,
            x0[i],
            60,
            schedule=schedule,
            record=record,
            noise=float(noise[i]) if noisy else 0.0,
            sparsity=float(sparsity[i]) if noisy else 0.0,
            seed=int(seeds[i]),
        )
        for field in SUMMARY:  # batch axis first
            np.testing.assert_array_equal(getattr(batch, field)[i], getattr(single, field), field)
        if record == "full":  # step axis first, then the batch
            for field in ("params", "loss", "gradients", "effective_lr", "learning_rate"):
                np.testing.assert_array_equal(
                    getattr(batch, field)[:, i], getattr(single, field), field
                )
            for key, values in batch.state.items():
                np.testing.assert_array_equal(values[:, i], single.state[key], key)


def test_inputs_are_not_modified():
    x0 = np.array([[1.0, 2.0], [-1.0, 0.5]])
    lr = np.array([0.1, 0.2])
    seeds = np.array([3, 4])
    copies = x0.copy(), lr.copy(), seeds.copy()
    optimizer = Adam(learning_rate=lr)
    for record in ("full", "final"):
        run(optimizer, ROSENBROCK, x0, 20, noise=0.5, sparsity=0.1, seed=seeds, record=record)
    for original, copy in zip((x0, lr, seeds), copies, strict=True):
        np.testing.assert_array_equal(original, copy)


# ---- noise and sparsity --------------------------------------------------------------------


def test_noise_and_sparsity_are_reproducible_and_seeded():
    def gradients(**kwargs):
        return run(SGD(learning_rate=1e-3), ROSENBROCK, (-1.0, 1.0), 30, **kwargs).gradients

    np.testing.assert_array_equal(gradients(noise=1.0, seed=7), gradients(noise=1.0, seed=7))
    assert not np.array_equal(gradients(noise=1.0, seed=7), gradients(noise=1.0, seed=8))
    np.testing.assert_array_equal(gradients(sparsity=0.5, seed=2), gradients(sparsity=0.5, seed=2))


def test_noise_has_the_requested_spread_and_sparsity_the_requested_rate():
    sphere = get_function("sphere")
    x0 = np.zeros((200, 2))  # gradient 0 everywhere it stays: what is recorded is the noise
    t = run(SGD(learning_rate=0.0), sphere, x0, 100, noise=0.5, seed=np.arange(200))
    noise = t.gradients.ravel()
    assert abs(noise.mean()) < 0.01
    assert noise.std() == pytest.approx(0.5, rel=0.02)
    assert abs(np.corrcoef(noise[:-1], noise[1:])[0, 1]) < 0.02
    x0 = np.ones((200, 2))
    t = run(SGD(learning_rate=0.0), sphere, x0, 100, sparsity=0.3, seed=np.arange(200))
    assert np.mean(t.gradients == 0) == pytest.approx(0.3, abs=0.01)
    assert set(np.unique(t.gradients)) == {0.0, 2.0}


def test_one_seed_gives_every_trajectory_the_same_draws():
    t = run(SGD(learning_rate=0.0), "sphere", np.zeros((3, 2)), 10, noise=1.0, seed=5)
    np.testing.assert_array_equal(t.gradients[:, 0], t.gradients[:, 2])


@pytest.mark.parametrize("record", ["full", "final"])
def test_progress_reports_fractions_up_to_one(record):
    seen = []
    run(Adam(), ROSENBROCK, np.zeros((3, 2)), 120, record=record, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and 0 < seen[0] < 1


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_path_record_keeps_the_full_records_path_and_loss(name):
    x0 = np.array([[-1.5, 2.5], [0.0, 0.0], [2.0, -1.0], [-2.0, 3.0]])  # some diverge
    full = run(OPTIMIZERS[name], ROSENBROCK, x0, 80)
    path = run(OPTIMIZERS[name], ROSENBROCK, x0, 80, record="path")
    np.testing.assert_array_equal(path.params, full.params)
    np.testing.assert_array_equal(path.loss, full.loss)
    for field in SUMMARY:
        np.testing.assert_array_equal(getattr(path, field), getattr(full, field))
    assert path.gradients is None and path.state == {}
