"""train(): the pinned minibatch rule, batches of models, what History records, divergence,
schedules, purity and reproducibility."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nets.training as training
from nets import MLP, QUANTILES, ConstantThenExponential, compare, grid_search, train
from nets.data import moons, regression
from optim import SGD, Adam, RMSProp
from optim.catalog import make_optimizer
from optim.schedules import StepDecay

MODEL = MLP((2, 5, 1), hidden="tanh")


@pytest.fixture(scope="module")
def data():
    d = moons(size=50, noise=0.2, validation=0.2, seed=3)
    return d.X, d.y, d.validation


def reference_run(model, optimizer, X, y, epochs, batch_size, seed, theta0, lr=None):
    """The documented rule, written out: θ after every step, each minibatch's loss, and the
    effective rates after every step."""
    rng = np.random.default_rng(seed)
    theta, state = theta0.copy(), optimizer.init(theta0)
    thetas, losses, rates = [theta], [], []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start : start + batch_size]
            loss, grad = model.loss_and_gradient(theta, X[rows], y[rows])
            alpha = None if lr is None else lr[len(losses)]
            losses.append(loss)
            kwargs = {} if alpha is None else {"learning_rate": alpha}
            theta, state = optimizer.step(theta, grad, state, **kwargs)
            thetas.append(theta)
            if any(isinstance(x, np.ndarray) for x in state):
                rates.append(optimizer.effective_learning_rate(state, **kwargs))
    return np.array(thetas), np.array(losses), np.array(rates) if rates else None


@pytest.mark.parametrize(
    "optimizer",
    [
        SGD(learning_rate=0.1),
        SGD(learning_rate=0.05, momentum=0.9),
        Adam(learning_rate=0.01),
        RMSProp(learning_rate=0.01),
    ],
    ids=["SGD", "momentum", "Adam", "RMSProp"],
)
def test_follows_the_pinned_minibatch_rule(data, optimizer):
    X, y, _ = data  # 40 rows, batch 16: minibatches of 16, 16 and 8
    theta0 = MODEL.init(seed=4)
    thetas, losses, rates = reference_run(MODEL, optimizer, X, y, 3, 16, 9, theta0)
    history = train(MODEL, optimizer, X, y, epochs=3, batch_size=16, seed=9, theta0=theta0)
    assert history.steps_per_epoch == 3 and history.steps == 9
    np.testing.assert_allclose(history.step_loss, losses, rtol=1e-13)
    np.testing.assert_allclose(history.params, thetas[-1], rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(history.snapshot_steps, np.arange(10))
    np.testing.assert_allclose(history.snapshot_params, thetas, rtol=1e-13, atol=1e-15)
    if rates is None:  # plain SGD: every parameter's rate is α
        rates = np.full((9, MODEL.n_parameters), 0.1)
    for k, layer in enumerate(MODEL.layer_slices()):
        expected = np.quantile(rates[:, layer], QUANTILES, axis=1).T
        np.testing.assert_allclose(history.rate_quantiles[:, k], expected, rtol=1e-13)
    W1 = MODEL.blocks[0]
    np.testing.assert_array_equal(history.w1_steps, np.arange(1, 10))
    np.testing.assert_allclose(
        history.w1_rates, rates[:, W1.slice].reshape(9, *W1.shape).astype(np.float32), rtol=1e-7
    )


def test_quantiles_do_not_depend_on_how_steps_are_buffered(data, monkeypatch):
    X, y, _ = data
    whole = train(MODEL, Adam(learning_rate=0.02), X, y, epochs=4, batch_size=8)
    # A budget of three steps' rates forces four reductions of partial chunks.
    monkeypatch.setattr(training, "CHUNK_BUDGET", 3 * 8 * MODEL.n_parameters)
    chunked = train(MODEL, Adam(learning_rate=0.02), X, y, epochs=4, batch_size=8)
    np.testing.assert_array_equal(whole.rate_quantiles, chunked.rate_quantiles)


def test_epoch_metrics_are_evaluations_of_the_whole_sets(data):
    X, y, validation = data
    history = train(
        MODEL, Adam(learning_rate=0.05), X, y, epochs=5, batch_size=10, validation=validation
    )
    assert history.train_loss.shape == history.validation_accuracy.shape == (6,)
    loss, accuracy = MODEL.evaluate(history.params, X, y)
    assert history.train_loss[-1] == pytest.approx(loss, rel=1e-13)
    assert history.train_accuracy[-1] == accuracy
    val_loss, val_accuracy = MODEL.evaluate(history.params, *validation)
    assert history.validation_loss[-1] == pytest.approx(val_loss, rel=1e-13)
    assert history.validation_accuracy[-1] == val_accuracy
    start = MODEL.evaluate(history.theta0, X, y)
    assert history.train_loss[0] == pytest.approx(start[0], rel=1e-13)
    # Keras's running "loss": the row-weighted mean of each epoch's minibatch losses.
    weights = np.array([10, 10, 10, 10])
    expected = (history.step_loss.reshape(5, 4) * weights).sum(axis=1) / 40
    np.testing.assert_allclose(history.running_loss(), expected, rtol=1e-13)


def test_regression_has_no_accuracy():
    d = regression(rows=60, seed=1)
    model = MLP((10, 4, 1), output="linear")
    history = train(model, Adam(), d.X, d.y, epochs=2, validation=d.validation)
    assert history.train_accuracy is None and history.validation_accuracy is None
    assert history.validation_loss.shape == (3,)


def test_running_loss_weights_a_smaller_last_batch(data):
    X, y, _ = data  # 40 rows in batches of 16, 16, 8
    history = train(MODEL, SGD(learning_rate=0.1), X, y, epochs=2, batch_size=16)
    expected = (history.step_loss.reshape(2, 3) * [16, 16, 8]).sum(axis=1) / 40
    np.testing.assert_allclose(history.running_loss(), expected, rtol=1e-13)


# -- batches of models ------------------------------------------------------------------
def assert_model_equals_single(batch, k, single):
    np.testing.assert_allclose(batch.step_loss[:, k], single.step_loss, rtol=1e-12)
    np.testing.assert_allclose(batch.params[k], single.params, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(batch.train_loss[:, k], single.train_loss, rtol=1e-12)
    np.testing.assert_allclose(batch.learning_rate[:, k], single.learning_rate, rtol=1e-15)
    np.testing.assert_allclose(batch.rate_quantiles[:, k], single.rate_quantiles, rtol=1e-12)
    np.testing.assert_allclose(batch.w1_rates[:, k], single.w1_rates, rtol=1e-6)
    np.testing.assert_allclose(
        batch.snapshot_params[:, k], single.snapshot_params, rtol=1e-12, atol=1e-15
    )
    assert batch.diverged_at[k] == single.diverged_at


@settings(max_examples=12, deadline=None)
@given(
    learning_rate=st.lists(st.floats(1e-4, 0.3), min_size=2, max_size=4),
    beta1=st.floats(0.0, 0.99),
    beta2=st.floats(0.5, 0.9999),
)
def test_a_batch_of_adam_models_equals_single_runs(learning_rate, beta1, beta2):
    d = moons(size=40, seed=1)
    B = len(learning_rate)
    beta2s = np.linspace(beta2, 0.999, B)
    batch = train(
        MODEL,
        Adam(learning_rate=np.array(learning_rate), beta1=beta1, beta2=beta2s),
        d.X,
        d.y,
        epochs=2,
        batch_size=8,
        seed=5,
    )
    assert batch.step_loss.shape == (8, B) and batch.params.shape == (B, MODEL.n_parameters)
    assert batch.rate_quantiles.shape == (8, B, 2, 5)
    for k in range(B):
        single = train(
            MODEL,
            Adam(learning_rate=learning_rate[k], beta1=beta1, beta2=float(beta2s[k])),
            d.X,
            d.y,
            epochs=2,
            batch_size=8,
            seed=5,
        )
        assert_model_equals_single(batch, k, single)


@pytest.mark.parametrize(
    ("variant", "values"),
    [
        ("SGD", {"learning_rate": [0.01, 0.5]}),
        ("SGD + momentum", {"learning_rate": [0.01, 0.1], "momentum": [0.5, 0.95]}),
        ("RMSProp", {"learning_rate": [1e-3, 3e-2], "rho": [0.9, 0.99]}),
    ],
)
def test_a_batch_equals_single_runs_for_other_optimizers(data, variant, values):
    X, y, _ = data
    arrays = {k: np.array(v) for k, v in values.items()}
    schedule = StepDecay(step_size=3, gamma=0.5)
    batch = train(
        MODEL, make_optimizer(variant, arrays), X, y, epochs=3, batch_size=16, schedule=schedule
    )
    for k in range(2):
        single = train(
            MODEL,
            make_optimizer(variant, {n: v[k] for n, v in values.items()}),
            X,
            y,
            epochs=3,
            batch_size=16,
            schedule=schedule,
        )
        assert_model_equals_single(batch, k, single)


def test_a_batch_of_starting_points_with_shared_hyperparameters(data):
    X, y, _ = data
    theta0 = np.stack([MODEL.init(seed=s) for s in range(3)])
    batch = train(MODEL, Adam(learning_rate=0.01), X, y, epochs=2, batch_size=16, theta0=theta0)
    assert batch.params.shape == (3, MODEL.n_parameters)
    for k in range(3):
        single = train(
            MODEL, Adam(learning_rate=0.01), X, y, epochs=2, batch_size=16, theta0=theta0[k]
        )
        assert_model_equals_single(batch, k, single)


def assert_same_run(first, second):
    for name in (
        "step_loss",
        "params",
        "train_loss",
        "validation_loss",
        "learning_rate",
        "rate_quantiles",
        "w1_rates",
        "snapshot_params",
        "theta0",
    ):
        a, b = getattr(first, name), getattr(second, name)
        assert (a is None) == (b is None), name
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15, err_msg=name)
    assert first.diverged_at == second.diverged_at


def test_compare_equals_one_train_call_per_optimizer(data):
    X, y, validation = data
    optimizers = {
        "Adam": Adam(learning_rate=0.02),
        "SGD": SGD(learning_rate=0.1),
        "RMSProp": RMSProp(learning_rate=0.01),
        "momentum": SGD(learning_rate=0.05, momentum=0.9),
    }
    settings = {"epochs": 3, "batch_size": 16, "seed": 2, "validation": validation}
    runs = compare(MODEL, optimizers, X, y, **settings, schedule=StepDecay(4, 0.5))
    assert list(runs) == list(optimizers)
    for name, optimizer in optimizers.items():
        assert_same_run(
            runs[name], train(MODEL, optimizer, X, y, **settings, schedule=StepDecay(4, 0.5))
        )
        np.testing.assert_array_equal(runs[name].theta0, MODEL.init(seed=2))


def test_compare_keeps_a_diverging_optimizer_to_itself():
    d = regression(rows=64, seed=2)
    model = MLP((10, 8, 1), output="linear")
    optimizers = {"calm": SGD(learning_rate=0.01), "wild": SGD(learning_rate=3.0), "Adam": Adam()}
    runs = compare(model, optimizers, d.X, d.y, epochs=5, batch_size=16)
    assert (
        runs["wild"].diverged_at > 0 and runs["calm"].diverged_at == runs["Adam"].diverged_at == -1
    )
    for name, optimizer in optimizers.items():
        assert_same_run(runs[name], train(model, optimizer, d.X, d.y, epochs=5, batch_size=16))


def test_compare_accepts_a_batched_optimizer(data):
    X, y, _ = data
    runs = compare(
        MODEL, {"grid": Adam(learning_rate=np.array([0.01, 0.1])), "SGD": SGD()}, X, y, epochs=2
    )
    assert runs["grid"].step_loss.shape == (4, 2) and runs["SGD"].step_loss.shape == (4,)
    single = train(MODEL, Adam(learning_rate=0.1), X, y, epochs=2)
    assert_model_equals_single(runs["grid"], 1, single)
    with pytest.raises(ValueError, match="Invalid optimizers: none given"):
        compare(MODEL, {}, X, y)


def test_batch_sizes_must_agree(data):
    X, y, _ = data
    with pytest.raises(ValueError, match=r"Batch sizes disagree \(learning_rate: 2, theta0: 3\)"):
        train(
            MODEL,
            Adam(learning_rate=np.array([0.1, 0.2])),
            X,
            y,
            theta0=np.zeros((3, MODEL.n_parameters)),
        )


def test_grid_search_is_the_course_grid_in_one_batch(data):
    X, y, validation = data
    search = grid_search(MODEL, X, y, epochs=2, batch_size=16, validation=validation)
    assert len(search.settings) == 12
    assert search.settings[0] == {"learning_rate": 0.001, "beta1": 0.9, "beta2": 0.999}
    assert search.settings[-1] == {"learning_rate": 0.1, "beta1": 0.95, "beta2": 0.9999}
    assert search.history.step_loss.shape == (6, 12)
    assert search.history.rate_quantiles is None  # a grid search needs only its losses
    for k in (0, 7, 11):
        single = train(
            MODEL, Adam(**search.settings[k]), X, y, epochs=2, batch_size=16, validation=validation
        )
        np.testing.assert_allclose(search.history.step_loss[:, k], single.step_loss, rtol=1e-12)
        assert search.final_loss[k] == pytest.approx(single.train_loss[-1], rel=1e-12)
        assert search.final_validation_loss[k] == pytest.approx(
            single.validation_loss[-1], rel=1e-12
        )
    ranking = search.ranking()
    assert sorted(ranking) == list(range(12))
    assert np.all(np.diff(search.final_loss[ranking]) >= 0)


# -- schedules --------------------------------------------------------------------------
def test_constant_then_exponential_values():
    schedule = ConstantThenExponential(constant_epochs=50, rate=0.1)
    factors = schedule(np.arange(53))
    np.testing.assert_array_equal(factors[:50], 1.0)
    np.testing.assert_allclose(factors[50:], np.exp(-0.1 * np.array([1, 2, 3])), rtol=1e-15)
    # Keras's LearningRateScheduler example applied epoch after epoch to the previous rate.
    lr, keras = 0.01, []
    for epoch in range(53):
        lr = lr if epoch < 50 else lr * np.exp(-0.1)
        keras.append(lr)
    np.testing.assert_allclose(0.01 * factors, keras, rtol=1e-13)
    assert "50 epochs" in schedule.describe()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"constant_epochs": -1}, "constant_epochs"),
        ({"rate": -0.1}, "rate"),
        ({"rate": float("nan")}, "rate"),
    ],
)
def test_constant_then_exponential_checks(kwargs, message):
    with pytest.raises(ValueError, match=f"Invalid {message}"):
        ConstantThenExponential(**kwargs)


def test_epoch_schedule_sets_every_step_of_an_epoch(data):
    X, y, _ = data
    schedule = ConstantThenExponential(constant_epochs=2, rate=0.5)
    history = train(
        MODEL, Adam(learning_rate=0.1), X, y, epochs=4, batch_size=16, schedule=schedule
    )
    expected = 0.1 * np.repeat([1.0, 1.0, np.exp(-0.5), np.exp(-1.0)], 3)
    np.testing.assert_allclose(history.learning_rate, expected, rtol=1e-15)
    _, losses, _ = reference_run(
        MODEL, Adam(learning_rate=0.1), X, y, 4, 16, 0, MODEL.init(0), expected
    )
    np.testing.assert_allclose(history.step_loss, losses, rtol=1e-13)


def test_step_schedule_is_called_with_completed_steps(data):
    X, y, _ = data
    history = train(
        MODEL,
        SGD(learning_rate=0.2),
        X,
        y,
        epochs=2,
        batch_size=16,
        schedule=StepDecay(step_size=2, gamma=0.5),
    )
    np.testing.assert_allclose(history.learning_rate, 0.2 * 0.5 ** (np.arange(6) // 2))
    # SGD's effective rate of every parameter is the scheduled α_t.
    np.testing.assert_allclose(
        history.rate_quantiles, np.broadcast_to(history.learning_rate[:, None, None], (6, 2, 5))
    )


def test_unknown_schedule_is_refused(data):
    X, y, _ = data
    with pytest.raises(ValueError, match="Invalid schedule"):
        train(MODEL, SGD(), X, y, schedule=lambda t: 1.0)


# -- divergence -------------------------------------------------------------------------
def test_a_diverging_model_stops_at_its_last_finite_parameters():
    d = regression(rows=64, seed=2)
    model = MLP((10, 8, 1), output="linear")
    optimizer = SGD(learning_rate=3.0)
    history = train(model, optimizer, d.X, d.y, epochs=20, batch_size=16, validation=d.validation)
    # The reference: the same SGD steps until θ leaves |θ| ≤ bound or stops being finite.
    thetas, losses, _ = reference_run(model, optimizer, d.X, d.y, 20, 16, 0, model.init(0))
    bad = ~np.all(np.isfinite(thetas) & (np.abs(thetas) <= history.bound), axis=1)
    first = int(np.argmax(bad))
    assert bad.any() and history.diverged_at == first
    assert history.diverged_epoch == (first - 1) // history.steps_per_epoch + 1
    np.testing.assert_allclose(history.params, thetas[first - 1], rtol=1e-13)
    np.testing.assert_allclose(history.step_loss[:first], losses[:first], rtol=1e-13)
    arrays = [
        history.step_loss,
        history.params,
        history.train_loss,
        history.validation_loss,
        history.rate_quantiles,
        history.w1_rates,
        history.snapshot_params,
        history.learning_rate,
    ]
    assert all(np.all(np.isfinite(a)) for a in arrays)
    # It no longer moves: later snapshots repeat θ_{d−1} and its rates are 0.
    later = history.snapshot_steps >= first
    np.testing.assert_array_equal(
        history.snapshot_params[later],
        np.broadcast_to(history.params, (later.sum(), model.n_parameters)),
    )
    assert np.all(history.rate_quantiles[first - 1 :] == 0)
    assert np.all(history.rate_quantiles[: first - 1] > 0)
    # Later losses are those of θ_{d−1}, on each later minibatch and on the whole sets.
    final_loss, _ = model.evaluate(history.params, d.X, d.y)
    assert history.train_loss[-1] == pytest.approx(final_loss, rel=1e-13)


def test_in_a_batch_only_the_diverging_model_stops():
    d = regression(rows=64, seed=2)
    model = MLP((10, 8, 1), output="linear")
    batch = train(
        model, SGD(learning_rate=np.array([0.01, 3.0])), d.X, d.y, epochs=5, batch_size=16
    )
    assert batch.diverged_at[0] == -1 and batch.diverged_at[1] > 0
    np.testing.assert_array_equal(batch.diverged_epoch, [-1, (batch.diverged_at[1] - 1) // 4 + 1])
    single = train(model, SGD(learning_rate=0.01), d.X, d.y, epochs=5, batch_size=16)
    assert_model_equals_single(batch, 0, single)
    diverging = train(model, SGD(learning_rate=3.0), d.X, d.y, epochs=5, batch_size=16)
    assert_model_equals_single(batch, 1, diverging)


def test_a_smaller_bound_counts_as_divergence(data):
    X, y, _ = data
    history = train(MODEL, SGD(learning_rate=0.1), X, y, epochs=2, batch_size=16, bound=0.5)
    assert history.diverged_at == 1  # Glorot weights reach √(6/7) ≈ 0.93 > 0.5 after one step
    np.testing.assert_array_equal(history.params, history.theta0)


# -- purity, reproducibility, checks ---------------------------------------------------------
def test_inputs_are_untouched(data):
    X, y, validation = data
    theta0 = MODEL.init(seed=2)
    optimizer = Adam(learning_rate=np.array([0.01, 0.02]))
    copies = [a.copy() for a in (X, y, *validation, theta0, optimizer.learning_rate)]
    train(MODEL, optimizer, X, y, epochs=2, theta0=theta0, validation=validation)
    for before, after in zip(
        copies, (X, y, *validation, theta0, optimizer.learning_rate), strict=True
    ):
        np.testing.assert_array_equal(before, after)


def test_same_seed_same_run_other_seed_other_batches(data):
    X, y, _ = data
    first = train(MODEL, Adam(learning_rate=0.01), X, y, epochs=3, seed=4)
    again = train(MODEL, Adam(learning_rate=0.01), X, y, epochs=3, seed=4)
    other = train(MODEL, Adam(learning_rate=0.01), X, y, epochs=3, seed=5, theta0=first.theta0)
    np.testing.assert_array_equal(first.step_loss, again.step_loss)
    np.testing.assert_array_equal(first.params, again.params)
    np.testing.assert_array_equal(first.theta0, MODEL.init(seed=4))  # θ_0 from the seed
    assert not np.array_equal(first.step_loss, other.step_loss)


def test_a_history_survives_pickling(data):
    # Streamlit's st.cache_data pickles what it caches.
    X, y, validation = data
    history = train(
        MODEL, Adam(learning_rate=np.array([0.01, 0.1])), X, y, epochs=2, validation=validation
    )
    again = pickle.loads(pickle.dumps(history))
    np.testing.assert_array_equal(again.step_loss, history.step_loss)
    assert again.model == MODEL and again.model.n_parameters == MODEL.n_parameters
    np.testing.assert_array_equal(again.optimizer.learning_rate, [0.01, 0.1])


def test_progress_reports_every_epoch_up_to_one(data):
    X, y, _ = data
    seen = []
    train(MODEL, Adam(), X, y, epochs=4, progress=seen.append)
    assert seen == [0.25, 0.5, 0.75, 1.0]


def test_snapshots_are_bounded_and_even(data):
    X, y, _ = data
    history = train(MODEL, Adam(), X, y, epochs=100, batch_size=8)  # 500 steps
    assert len(history.snapshot_steps) == 60 and len(history.w1_steps) == 60
    assert history.snapshot_steps[0] == 0 and history.snapshot_steps[-1] == 500
    assert history.w1_steps[0] == 1 and history.w1_steps[-1] == 500
    assert history.w1_rates.dtype == np.float32 and history.w1_rates.shape == (60, 2, 5)
    np.testing.assert_array_equal(history.snapshot_params[-1], history.params)


def test_snapshot_memory_budget(data, monkeypatch):
    X, y, _ = data
    monkeypatch.setattr(training, "SNAPSHOT_BUDGET", 10 * 8 * MODEL.n_parameters)
    monkeypatch.setattr(training, "W1_BUDGET", 5 * 4 * 10)
    history = train(MODEL, Adam(), X, y, epochs=20, batch_size=8)
    assert len(history.snapshot_steps) == 10 and len(history.w1_steps) == 5


def test_without_rates_nothing_about_rates_is_kept(data):
    X, y, _ = data
    history = train(MODEL, Adam(), X, y, epochs=2, rates=False)
    assert history.rate_quantiles is None and history.w1_rates is None
    assert history.w1_steps.shape == (0,)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 0}, r"Invalid epochs: 0 \(must be an integer ≥ 1 and ≤ 10,000\)"),
        ({"epochs": 2.0}, r"Invalid epochs: 2.0"),
        ({"batch_size": 0}, r"Invalid batch_size: 0"),
        ({"seed": -1}, r"Invalid seed: -1"),
        ({"bound": 0}, r"Invalid bound: 0"),
        ({"snapshots": 1}, r"Invalid snapshots: 1"),
        ({"theta0": np.zeros(3)}, r"Invalid theta0 shape: \(3,\)"),
        ({"theta0": np.full(21, np.nan)}, r"Invalid theta0: it holds NaN"),
        ({"validation": (np.zeros((3, 2)),)}, r"Invalid validation"),
        ({"validation": (np.zeros((3, 3)), np.zeros((3, 1)))}, r"Invalid validation X shape"),
    ],
)
def test_invalid_settings_are_refused(data, kwargs, message):
    X, y, _ = data
    with pytest.raises(ValueError, match=message):
        train(MODEL, Adam(), X, y, **kwargs)


def test_runs_longer_than_max_steps_are_refused(data, monkeypatch):
    X, y, _ = data
    monkeypatch.setattr(training, "MAX_STEPS", 100)
    with pytest.raises(ValueError, match=r"Invalid run: 3 epochs of 40 minibatches are 120 steps"):
        train(MODEL, Adam(), X, y, epochs=3, batch_size=1)


def test_models_and_optimizers_are_checked(data):
    X, y, _ = data
    with pytest.raises(ValueError, match="Invalid model"):
        train("MLP", Adam(), X, y)
    with pytest.raises(ValueError, match="Invalid optimizer"):
        train(MODEL, "adam", X, y)
