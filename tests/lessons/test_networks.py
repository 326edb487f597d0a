"""Every claim the Networks page writes — scenario notices, data notes, captions and the
sentences built from a run — checked against real runs of the scenarios."""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
import pytest

from lessons.networks import (
    COURSE_DECAY,
    COURSE_DENSE,
    COURSE_REGRESSOR,
    COURSE_WORDS,
    DATA_NOTES,
    DEFAULT,
    DEFAULT_NOISE,
    DIGITS,
    DIVERGING,
    GENERALISATION,
    GENERALISATION_NOTE,
    OTHER_DEFAULTS,
    SCENARIOS,
    SCENARIOS_BY_KEY,
    TWO_DIMENSIONAL,
    matches,
    run_settings,
)
from nets import DATASETS, MLP, train
from nets.data import word_counts
from nets.runs import MAX_SECONDS, SCHEDULES, RunSettings, parse_hidden_sizes
from optim.catalog import VARIANTS, make_optimizer
from ui.hyperparameters import BETA2, EPSILONS, LEARNING_RATES
from viz.networks import (
    boundary_grids,
    divergence_text,
    generalisation_numbers,
    generalisation_verdict,
    grid_search_table,
    history_csv,
    rare_to_frequent,
    rate_spread,
    rate_spread_lines,
    word_groups,
)


@functools.cache
def runs_of(key: str, seed: int = 0):
    return run_settings(SCENARIOS_BY_KEY[key], seed).run()


# -- the scenarios are values the page's controls offer ---------------------------------------
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.key)
def test_scenarios_use_values_the_controls_offer(scenario):
    assert scenario.title and scenario.notice
    assert scenario.network.dataset in DATASETS and scenario.schedule in SCHEDULES
    assert 1 <= scenario.network.epochs <= 300 and scenario.network.batch_size in (
        1,
        2,
        3,
        4,
        8,
        16,
        32,
        64,
    )
    assert scenario.network.hidden in ("relu", "tanh")
    assert (
        parse_hidden_sizes(", ".join(map(str, scenario.network.hidden_sizes)))
        == scenario.network.hidden_sizes
    )
    for name, values in scenario.settings().items():
        assert set(values) <= set(VARIANTS[name].hyperparameters)
        assert values.get("learning_rate", 1e-3) in LEARNING_RATES
        assert values.get("beta2", 0.999) in BETA2 and values.get("epsilon", 1e-8) in EPSILONS
    settings = run_settings(scenario)
    *_, seconds = settings.prepare()
    assert seconds < MAX_SECONDS
    assert matches(scenario, settings)
    assert not matches(scenario, dataclasses.replace(settings, epochs=settings.epochs + 1))


def test_the_scenarios_are_the_courses_networks():
    assert SCENARIOS[0] is DEFAULT
    keys = ("course-dense", "course-regressor", "course-decay", "course-words")
    assert {s.key for s in SCENARIOS} >= set(keys)
    assert {key: runs_of(key).model.describe() for key in keys} == {
        "course-dense": "20→64→1 relu/sigmoid",
        "course-regressor": "10→64→32→1 relu/linear",
        "course-decay": "10→64→32→1 relu/linear",
        "course-words": "20→8→1 relu/sigmoid",
    }
    dense = run_settings(COURSE_DENSE)
    assert (dense.epochs, dense.batch_size) == (50, 32)
    assert runs_of(COURSE_DENSE.key).data.X.shape == (1000, 20)
    # "A network is just a long vector of parameters θ — thousands of them"
    assert runs_of(COURSE_DENSE.key).model.n_parameters > 1000


def test_every_optimizer_starts_from_the_same_weights_and_minibatches():
    """SHARED_START, METRICS_CAPTION's "epoch 0 is θ₀, the same for all", and GRID_NOTE."""
    histories = runs_of(DEFAULT.key).histories
    first = next(iter(histories.values()))
    for history in histories.values():
        np.testing.assert_array_equal(history.theta0, first.theta0)
        # The first minibatch is the same: so is its loss at θ₀, and the whole-set loss.
        assert history.step_loss[0] == first.step_loss[0]
        assert history.train_loss[0] == first.train_loss[0]
    # Each equals its own run alone: same minibatches, not a shared shuffle by accident.
    runs = runs_of(DEFAULT.key)
    alone = train(
        runs.model,
        make_optimizer("SGD", {"learning_rate": 0.1}),
        runs.data.X,
        runs.data.y,
        epochs=DEFAULT.network.epochs,
        batch_size=DEFAULT.network.batch_size,
        seed=0,
    )
    np.testing.assert_allclose(alone.step_loss, histories["SGD"].step_loss, rtol=1e-12)


# -- the default view and the other optimizers' defaults ----------------------------------------
def test_default_adam_and_rmsprop_beat_sgd_on_two_moons():
    histories = runs_of(DEFAULT.key).histories
    loss = {name: h.train_loss[-1] for name, h in histories.items()}
    accuracy = {name: h.train_accuracy[-1] for name, h in histories.items()}
    for name in ("Adam", "RMSProp"):
        assert loss[name] < 0.5 * loss["SGD"]
        assert accuracy[name] > accuracy["SGD"]  # the boundary follows the moons more closely


@pytest.mark.parametrize("variant", OTHER_DEFAULTS)
def test_the_other_optimizers_defaults_also_train_two_moons(variant):
    settings = dataclasses.replace(
        run_settings(DEFAULT), optimizers=((variant, tuple(OTHER_DEFAULTS[variant].items())),)
    )
    history = settings.run().histories[variant]
    assert history.diverged_at == -1
    assert history.train_loss[-1] < 0.3 * history.train_loss[0]
    assert history.train_accuracy[-1] > 0.9


def test_each_2d_data_set_opens_with_its_generators_noise():
    assert set(TWO_DIMENSIONAL) == {"moons", "circles", "spirals"}
    for name, noise in DEFAULT_NOISE.items():
        assert DATASETS[name].make().options["noise"] == noise
    assert set(DATA_NOTES) == set(DATASETS)


# -- the course's networks -------------------------------------------------------------------
def test_random_data_can_only_be_memorised():
    histories = runs_of(COURSE_DENSE.key).histories
    assert histories["Adam"].train_accuracy[-1] > 0.7
    for history in histories.values():
        assert np.all((history.validation_accuracy > 0.4) & (history.validation_accuracy < 0.6))
    for name in ("Adam", "RMSProp"):
        loss = histories[name].validation_loss
        assert loss[-1] > loss[0]


def test_course_dense_adam_rates_spread_over_ten_times_and_sgd_has_one():
    histories = runs_of(COURSE_DENSE.key).histories
    w1 = histories["Adam"].w1_rates.reshape(len(histories["Adam"].w1_steps), -1)
    ratio = w1.max(axis=1) / w1.min(axis=1)
    assert np.mean(ratio > 10) >= 0.9  # "for most of the run"
    sgd = histories["SGD"].w1_rates
    assert np.all(sgd == np.float32(0.01))


def test_course_regressor_rates_are_not_the_flat_alpha():
    histories = runs_of(COURSE_REGRESSOR.key).histories
    adam = histories["Adam"].rate_quantiles  # (steps, layers, 5)
    assert adam[-1, 1, 4] / adam[-1, 1, 0] > 10  # layer 2's 5 % and 95 % end > 10× apart
    median = adam[:, 1, 2]
    assert median.max() / median.min() > 2  # the median moves over the steps
    sgd = histories["SGD"].rate_quantiles
    assert np.all(sgd == 0.01)  # the course's flat line at α is SGD's


def test_course_decay_keeps_alpha_for_50_epochs_then_ends_at_e_minus_3():
    histories = runs_of(COURSE_DECAY.key).histories
    sgd, adam = histories["SGD"], histories["Adam"]
    per_epoch = sgd.steps_per_epoch
    alpha = sgd.learning_rate
    assert np.all(alpha[: 50 * per_epoch] == 0.01)
    assert alpha[-1] == pytest.approx(0.01 * math.exp(-3), rel=1e-12)
    assert math.exp(-3) == pytest.approx(0.05, abs=0.001)  # "≈ 5 %"
    # SGD's line is α_t itself; Adam's median falls with it.
    np.testing.assert_array_equal(sgd.rate_quantiles[:, 0, 2], alpha)
    median = adam.rate_quantiles[:, 0, 2]
    assert median[-1] < 0.2 * median[50 * per_epoch - 1]
    for history in (sgd, adam):  # the losses flatten
        loss = history.train_loss
        assert abs(loss[80] - loss[70]) < 0.5 * abs(loss[50] - loss[40])


def test_bag_of_words_rare_words_keep_larger_rates_under_adam():
    """COURSE_WORDS' notice, WORDS_CAPTION and W1_CAPTION's "weights whose gradients stay
    small keep large rates"."""
    runs = runs_of(COURSE_WORDS.key)
    counts = dict(zip(runs.data.feature_names, word_counts(runs.data), strict=True))
    assert counts["this"] == 6 and counts["masterpiece"] == 1
    ratios = rare_to_frequent(runs.histories, runs.data)
    assert ratios["Adam"] > 2
    assert ratios["SGD"] == 1
    rare, frequent = word_groups(runs.data)
    assert rare.sum() > 0 and frequent.sum() > 0
    assert np.all(word_counts(runs.data)[frequent] >= 3)  # "frequent: in three or more"


def test_digits_both_generalise_above_95_percent():
    runs = runs_of(DIGITS.key)
    assert len(runs.data.X) + len(runs.data.X_val) == 1797
    assert runs.data.X.shape[1] == 64 and runs.data.outputs == 10
    assert len(runs.data.X_val) == round(0.2 * 1797)  # a fifth held out
    for history in runs.histories.values():
        assert history.validation_accuracy[-1] > 0.95


def test_generalisation_section_trains_what_its_note_says():
    settings = run_settings(GENERALISATION)
    assert "64→64→10" in GENERALISATION_NOTE and "30 epochs" in GENERALISATION_NOTE
    assert settings.epochs == 30 and settings.hidden_sizes == (64,)
    assert GENERALISATION.settings() == {
        "Adam": {"learning_rate": 0.001},
        "SGD": {"learning_rate": 0.1},
    }


def test_generalisation_verdict_states_the_run_s_numbers():
    histories = runs_of(DIGITS.key).histories
    numbers = generalisation_numbers(histories)
    verdict = generalisation_verdict(numbers)
    adam, sgd = (numbers.set_index("optimizer").loc[n] for n in ("Adam", "SGD"))
    gap = "loss gap (validation − training)"
    assert f"{adam['final validation loss']:.3g}" in verdict
    assert f"{sgd[gap]:.3g}" in verdict
    higher = adam["final validation loss"] > sgd["final validation loss"]
    assert ("Adam's is higher than SGD's" in verdict) == higher
    larger = adam[gap] > sgd[gap]
    assert ("Adam's gap is larger than SGD's" in verdict) == larger
    assert generalisation_verdict(numbers[numbers.optimizer == "Adam"]) == ""


# -- a learning rate too large -------------------------------------------------------------
def test_diverging_sgd_stops_in_epoch_1_and_adam_learns_nothing():
    runs = runs_of(DIVERGING.key)
    sgd, adam = runs.histories["SGD"], runs.histories["Adam"]
    assert sgd.diverged_epoch == 1 and adam.diverged_at == -1
    # |θ| left 10⁶: the last kept θ is within, the loss reached is what the page reports.
    assert np.abs(sgd.params).max() <= 1e6
    text = divergence_text("SGD", sgd)
    assert text.startswith(f"SGD diverged in epoch 1 (step {int(sgd.diverged_at)} of 500)")
    assert f"{sgd.train_loss[1]:.3g}" in text
    # DIVERGED_NOTE: later values repeat what it had reached.
    assert np.all(sgd.train_loss[1:] == sgd.train_loss[1])
    assert divergence_text("Adam", adam) == ""
    variance = float(np.var(runs.data.y))
    assert abs(adam.train_loss[-1] - variance) < 0.1 * variance


def test_exports_of_a_diverged_run_hold_no_nan_or_inf():
    histories = runs_of(DIVERGING.key).histories
    text = history_csv(histories).decode()
    assert "nan" not in text.lower() and "inf" not in text.lower()
    assert ",True" in text  # the steps after the divergence are marked


# -- sentences built from a run --------------------------------------------------------------
def test_rate_spread_lines_report_the_widest_layer():
    histories = runs_of(COURSE_REGRESSOR.key).histories
    lines = rate_spread_lines(histories)
    layer, low, high = rate_spread(histories["Adam"])
    quantiles = histories["Adam"].rate_quantiles[-1]
    ratios = quantiles[:, 4] / quantiles[:, 0]
    assert layer == int(np.argmax(ratios))
    assert (low, high) == (quantiles[layer, 0], quantiles[layer, 4])
    assert lines[0].startswith("Adam: in layer 2 (64→32)")
    assert lines[1] == "SGD: every parameter has the same rate, 0.01."


def test_decision_boundaries_start_alike():
    runs = runs_of(DEFAULT.key)
    xs = ys = np.linspace(-1.5, 1.5, 9)
    first = [boundary_grids(h, xs, ys, np.array([0])) for h in runs.histories.values()]
    for grid in first[1:]:
        np.testing.assert_array_equal(grid, first[0])
    last = [boundary_grids(h, xs, ys, np.array([-1])) for h in runs.histories.values()]
    assert not np.array_equal(last[0], last[1])  # and part as they train


def test_grid_search_is_one_batched_run_from_one_start():
    settings = dataclasses.replace(run_settings(DEFAULT), epochs=3)
    search = settings.grid_search({"epsilon": 1e-8})
    history = search.history
    assert history.theta0.shape == (12, runs_of(DEFAULT.key).model.n_parameters)
    assert np.all(history.theta0 == history.theta0[0])
    table = grid_search_table(search)
    assert len(table) == 12
    # One model of the batch equals its own run.
    data = settings.data()
    model = MLP((2, 16, 16, 1), hidden="tanh")
    k = 5
    alone = train(
        model,
        make_optimizer("Adam", search.settings[k]),
        data.X,
        data.y,
        epochs=3,
        batch_size=32,
        seed=0,
    )
    np.testing.assert_allclose(history.step_loss[:, k], alone.step_loss, rtol=1e-10)


# -- the page's own checks -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "sizes"), [("64, 32", (64, 32)), ("8", (8,)), ("16 16", (16, 16)), ("4;4", (4, 4))]
)
def test_hidden_sizes_read_as_typed(text, sizes):
    assert parse_hidden_sizes(text) == sizes


@pytest.mark.parametrize("text", ["", "a", "-1", "0", "1.5", "٣", "1e3", "1,2,3,4,5"])
def test_hidden_sizes_refused_with_a_message(text):
    with pytest.raises(ValueError, match="Invalid hidden sizes"):
        parse_hidden_sizes(text)


def test_a_network_too_large_or_a_run_too_long_is_refused_before_training():
    too_large = RunSettings(dataset="digits", hidden_sizes=(1000, 200), optimizers=(("SGD", ()),))
    with pytest.raises(ValueError, match="at most 200,000"):
        too_large.prepare()
    too_long = RunSettings(
        options=(("size", 2000), ("noise", 0.2)),
        batch_size=1,
        epochs=300,
        optimizers=(("SGD", ()),),
    )
    with pytest.raises(ValueError, match="This run would take about"):
        too_long.prepare()


def test_each_schedule_does_what_its_name_says():
    """SCHEDULES' titles, on a run of 10 epochs of 13 minibatches (two moons)."""
    data = run_settings(DEFAULT).data()
    steps = 10 * 13

    def factors(kind: str, constant_epochs: int = 4) -> np.ndarray:
        settings = RunSettings(epochs=10, schedule=kind, constant_epochs=constant_epochs)
        schedule = settings.make_schedule(data)
        if schedule is None:
            return np.ones(steps)
        if hasattr(schedule, "per_step"):
            return schedule.per_step(13, 10)
        return np.asarray(schedule(np.arange(steps)), dtype=float)

    assert np.all(factors("constant") == 1)
    course = factors("course")  # constant for N = 4 epochs, then ×e^−0.1 per epoch
    assert np.all(course[: 4 * 13] == 1)
    np.testing.assert_allclose(course[4 * 13 :: 13], np.exp(-0.1 * np.arange(1, 7)))
    warmup = factors("warmup")  # from α/10 over the first tenth of the steps
    assert warmup[0] == pytest.approx(0.1) and np.all(warmup[steps // 10 :] == 1)
    assert np.all(np.diff(warmup[: steps // 10 + 1]) > 0)
    step = factors("step")  # halve α every quarter of the steps
    quarter = steps // 4
    np.testing.assert_allclose(step[::quarter][:4], [1, 0.5, 0.25, 0.125])
    cosine = factors("cosine")  # from α down to 0
    assert cosine[0] == 1 and cosine[-1] < 0.001 and np.all(np.diff(cosine) <= 0)


def test_settings_that_differ_only_in_an_unused_n_are_equal():
    a = RunSettings(schedule="constant", constant_epochs=10)
    b = RunSettings(schedule="constant", constant_epochs=40)
    assert a == b and hash(a) == hash(b)
    assert RunSettings(schedule="course", constant_epochs=10) != RunSettings(
        schedule="course", constant_epochs=40
    )
