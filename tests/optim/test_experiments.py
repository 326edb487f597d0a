"""Experiments: every cell of a sweep, every start of a basin map and every seed of a noise study
equals the single `run` with the same settings."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from functions import get_function
from optim import run
from optim.catalog import make_optimizer
from optim.experiments import (
    BASIN_TOLERANCE,
    BLEW_UP,
    CONVERGED,
    COURSE_GRID,
    DIVERGED,
    NOT_CONVERGED,
    STALLED,
    TUNING_RATES,
    Axis,
    basins,
    compare_basins,
    disagreement,
    grid_search,
    nearest_start,
    noise_study,
    run_with_stops,
    start_grid,
    sweep,
    tune_learning_rates,
)

SUMMARY = ("final_params", "final_loss", "best_loss", "converged_at", "diverged_at")


# -- axes -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "axis",
    [
        Axis("learning_rate", 1e-4, 1.0, 9, "log"),
        Axis("learning_rate", 1e-5, 1.0, 100, "log"),
        Axis("beta1", 0.0, 0.999, 50, "nines"),
        Axis("beta2", 0.9, 0.99999, 100, "nines"),
        Axis("beta1", 0.9, 0.95, 100, "nines"),
        Axis("momentum", 0.0, 0.99, 12, "linear"),
        Axis("epsilon", 1e-12, 1.0, 100, "log"),
    ],
    ids=lambda a: f"{a.name}-{a.scale}-{a.count}",
)
def test_axis_values_are_increasing_exact_at_the_ends_and_evenly_spaced(axis):
    values = axis.values()
    assert values.shape == (axis.count,)
    assert values[0] == axis.low and values[-1] == axis.high
    assert np.all(np.diff(values) > 0)
    # Even on the axis's own scale, to within the rounding of the inner values.
    positions = np.asarray(axis.position(values))
    np.testing.assert_allclose(positions, np.arange(axis.count), atol=0.05 + 1e-9)


def test_axis_values_are_rounded_to_readable_decimals():
    assert Axis("learning_rate", 1e-4, 1.0, 9, "log").values().tolist() == [
        0.0001,
        0.000316,
        0.001,
        0.00316,
        0.01,
        0.0316,
        0.1,
        0.316,
        1.0,
    ]
    assert Axis("beta2", 0.9, 0.9999, 4, "nines").values().tolist() == [0.9, 0.99, 0.999, 0.9999]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"scale": "cubic"}, "Invalid scale"),
        ({"count": 0}, "Invalid count"),
        ({"count": 101}, "Invalid count"),
        ({"low": 0.5, "high": 0.1}, "need low ≤ high"),
        ({"low": 0.1, "high": 0.1}, "single value"),
        ({"low": 0.0, "scale": "log"}, "log scale needs"),
        ({"high": 1.0, "scale": "nines"}, "1 − beta1 needs"),
    ],
)
def test_axis_refuses_what_it_cannot_space(kwargs, message):
    arguments = {"name": "beta1", "low": 0.1, "high": 0.9, "count": 5, "scale": "linear"}
    with pytest.raises(ValueError, match=message):
        Axis(**{**arguments, **kwargs})


# -- sweeps ---------------------------------------------------------------------------------
SWEEPS = {
    "Adam b1 x b2 rosenbrock": (
        "Adam",
        "rosenbrock",
        (-1.5, 2.5),
        300,
        Axis("beta1", 0.0, 0.999, 7, "nines"),
        Axis("beta2", 0.9, 0.99999, 5, "nines"),
        {"learning_rate": 0.05},
    ),
    "Adam lr x eps himmelblau": (
        "Adam",
        "himmelblau",
        (-4.0, 4.0),
        200,
        Axis("learning_rate", 1e-3, 1.0, 6, "log"),
        Axis("epsilon", 1e-10, 10.0, 5, "log"),
        {},
    ),
    "momentum lr x mu rosenbrock (some diverge)": (
        "SGD + momentum",
        "rosenbrock",
        (-1.5, 2.5),
        200,
        Axis("learning_rate", 1e-4, 0.01, 6, "log"),
        Axis("momentum", 0.0, 0.99, 5, "nines"),
        {},
    ),
    "Nesterov lr x mu bowl": (
        "Nesterov",
        "rotated_quadratic",
        (-2.5, 1.0),
        150,
        Axis("learning_rate", 1e-3, 0.5, 6, "log"),
        Axis("momentum", 0.5, 0.99, 4, "nines"),
        {},
    ),
    "RMSProp lr x rho rosenbrock": (
        "RMSProp",
        "rosenbrock",
        (-1.5, 2.5),
        200,
        Axis("learning_rate", 1e-4, 1.0, 5, "log"),
        Axis("rho", 0.5, 0.999, 4, "nines"),
        {"epsilon": 1e-6},
    ),
    "AdamW wd x lr linear": (
        "AdamW",
        "himmelblau",
        (1.0, 1.0),
        150,
        Axis("weight_decay", 0.0, 0.5, 4, "linear"),
        Axis("learning_rate", 0.01, 0.3, 3, "linear"),
        {"beta1": 0.8},
    ),
    "Adagrad eps x lr": (
        "Adagrad",
        "booth",
        (-6.0, -8.0),
        150,
        Axis("epsilon", 1e-10, 1.0, 4, "log"),
        Axis("learning_rate", 0.01, 10.0, 4, "log"),
        {},
    ),
}


@pytest.fixture(scope="module")
def sweeps():
    return {name: sweep(*case[:6], case[6]) for name, case in SWEEPS.items()}


@pytest.mark.parametrize("name", SWEEPS)
def test_every_sweep_cell_equals_a_single_run_with_its_settings(sweeps, name):
    variant, function, start, steps, x, y, fixed = SWEEPS[name]
    result = sweeps[name]
    assert result.shape == (y.count, x.count)
    for row, column in itertools.product(range(y.count), range(x.count)):
        settings = result.settings(row, column)
        # The cell's settings are exactly the grid values and the fixed ones, nothing else.
        assert settings == {
            **fixed,
            x.name: float(x.values()[column]),
            y.name: float(y.values()[row]),
        }
        single = run(make_optimizer(variant, settings), function, start, steps, record="final")
        for key in SUMMARY:
            assert np.array_equal(getattr(single, key), getattr(result, key)[row, column]), (
                f"{key} differs at cell ({row}, {column}) with {settings}"
            )


def test_the_sweep_cases_cover_converged_stalled_and_diverged_cells(sweeps):
    codes = set()
    for result in sweeps.values():
        codes |= set(np.unique(result.status).tolist())
        counts = result.counts()
        assert sum(counts.values()) == result.final_loss.size
    assert codes == {CONVERGED, STALLED, BLEW_UP}


def test_sweep_status_follows_converged_and_diverged_steps(sweeps):
    result = sweeps["momentum lr x mu rosenbrock (some diverge)"]
    status = result.status
    np.testing.assert_array_equal(status == BLEW_UP, result.diverged_at >= 0)
    np.testing.assert_array_equal(
        status == CONVERGED, (result.converged_at >= 0) & (result.diverged_at < 0)
    )


def test_best_cell_is_the_lowest_final_loss_among_cells_that_did_not_diverge(sweeps):
    result = sweeps["momentum lr x mu rosenbrock (some diverge)"]
    assert (result.diverged_at >= 0).any()
    row, column = result.best_cell()
    assert result.diverged_at[row, column] < 0
    alive = result.final_loss[result.diverged_at < 0]
    assert result.final_loss[row, column] == alive.min()


def test_sweep_ignores_fixed_values_for_the_swept_hyperparameters():
    x = Axis("beta1", 0.5, 0.9, 3, "linear")
    y = Axis("beta2", 0.9, 0.999, 3, "nines")
    fixed = {"beta1": 0.1, "beta2": 0.2, "learning_rate": 0.03}
    result = sweep("Adam", "sphere", (1.0, 1.0), 20, x, y, fixed)
    assert result.fixed == {"learning_rate": 0.03}
    assert result.settings(2, 0) == {"learning_rate": 0.03, "beta1": 0.5, "beta2": 0.999}


@pytest.mark.parametrize(
    "variant, x, y, message",
    [
        ("Adam", "beta1", "beta1", "different hyperparameter"),
        ("Adam", "beta1", "momentum", "has no hyperparameter 'momentum'"),
        ("Adamax", "beta1", "beta2", "Unknown optimizer"),
    ],
)
def test_sweep_refuses_axes_the_optimizer_does_not_have(variant, x, y, message):
    with pytest.raises(ValueError, match=message):
        sweep(variant, "sphere", (1.0, 1.0), 5, Axis(x, 0.1, 0.5, 2), Axis(y, 0.1, 0.5, 2))


def test_course_grid_search_runs_the_twelve_models_of_the_seed_material():
    search = grid_search("Adam", "rosenbrock", (-1.5, 2.5), 300, fixed={"epsilon": 1e-7})
    expected = [
        {"epsilon": 1e-7, "learning_rate": lr, "beta1": b1, "beta2": b2}
        for lr, b1, b2 in itertools.product(*COURSE_GRID.values())
    ]
    assert list(search.settings) == expected
    for k, settings in enumerate(search.settings):
        single = run(
            make_optimizer("Adam", settings), "rosenbrock", (-1.5, 2.5), 300, record="final"
        )
        for key in SUMMARY:
            assert np.array_equal(getattr(single, key), getattr(search, key)[k])
    order = search.ranking()
    assert sorted(order.tolist()) == list(range(12))
    assert np.all(np.diff(search.final_loss[order]) >= 0)  # nothing diverges here


# -- basins of attraction -------------------------------------------------------------------
def independent_label(objective, trajectory, tolerance=BASIN_TOLERANCE):
    """The label, worked out from a single run without the code under test."""
    if trajectory.diverged_at >= 0:
        return DIVERGED
    x, y = trajectory.final_params
    distances = [np.hypot(x - mx, y - my) for mx, my in objective.minima]
    nearest = int(np.argmin(distances))
    return nearest if distances[nearest] <= tolerance else NOT_CONVERGED


BASIN_CASES = {
    "SGD himmelblau": ("SGD", {"learning_rate": 0.01}, "himmelblau", 300, 11),
    "Adam himmelblau": ("Adam", {"learning_rate": 0.05}, "himmelblau", 300, 11),
    "SGD himmelblau too large a step (diverges)": (
        "SGD",
        {"learning_rate": 0.03},
        "himmelblau",
        60,
        9,
    ),
    "Adam six-hump camel, few steps (some stall)": (
        "Adam",
        {"learning_rate": 0.02},
        "six_hump_camel",
        40,
        9,
    ),
    "momentum rastrigin (local minima are not listed)": (
        "SGD + momentum",
        {"learning_rate": 0.002},
        "rastrigin",
        200,
        8,
    ),
}


@pytest.mark.parametrize("name", BASIN_CASES)
def test_every_basin_label_equals_the_minimum_a_single_run_reaches(name):
    variant, hyperparameters, function, steps, resolution = BASIN_CASES[name]
    objective = get_function(function)
    result = basins(variant, hyperparameters, function, steps, resolution)
    assert result.labels.shape == (resolution, resolution)
    optimizer = make_optimizer(variant, hyperparameters)
    for row, column in itertools.product(range(resolution), repeat=2):
        start = result.start(row, column)
        assert start == (result.x[column], result.y[row])
        single = run(optimizer, objective, start, steps, record="final")
        assert result.labels[row, column] == independent_label(objective, single), f"start {start}"
        for key in ("final_params", "final_loss", "converged_at", "diverged_at"):
            assert np.array_equal(getattr(single, key), getattr(result, key)[row, column])


def test_the_basin_cases_cover_every_kind_of_label():
    labels = set()
    for variant, hyperparameters, function, steps, resolution in BASIN_CASES.values():
        labels |= set(basins(variant, hyperparameters, function, steps, resolution).counts())
    assert {DIVERGED, NOT_CONVERGED, 0, 1, 2, 3} <= labels


def test_himmelblau_has_four_basins_of_about_a_quarter_each():
    for variant, rate in (("SGD", 0.01), ("Adam", 0.05)):
        result = basins(variant, {"learning_rate": rate}, "himmelblau", 500, 40)
        counts = result.counts()
        assert set(counts) == {0, 1, 2, 3}, variant
        shares = np.array([counts[k] for k in range(4)]) / result.labels.size
        assert np.all(shares > 0.18), (variant, shares)
        # Each minimum sits in its own basin: the start nearest to it ends there.
        for index, minimum in enumerate(result.objective.minima):
            assert result.labels[nearest_start(result, minimum)] == index


def test_start_grid_covers_the_domain_with_both_ends():
    x, y = start_grid(((-5.0, 5.0), (-1.0, 3.0)), 5)
    assert x.tolist() == [-5.0, -2.5, 0.0, 2.5, 5.0]
    assert y.tolist() == [-1.0, 0.0, 1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="Invalid resolution"):
        start_grid(((0.0, 1.0), (0.0, 1.0)), 201)


def test_compare_basins_equals_separate_maps_and_reports_progress():
    seen = []
    maps = compare_basins(
        {"SGD": ("SGD", {"learning_rate": 0.01}), "Adam": ("Adam", {"learning_rate": 0.05})},
        "himmelblau",
        100,
        10,
        progress=seen.append,
    )
    for name, rate in (("SGD", 0.01), ("Adam", 0.05)):
        alone = basins(name, {"learning_rate": rate}, "himmelblau", 100, 10)
        np.testing.assert_array_equal(maps[name].labels, alone.labels)
        np.testing.assert_array_equal(maps[name].final_params, alone.final_params)
    assert seen == sorted(seen) and seen[-1] == 1.0 and 0.5 in seen


def test_disagreement_finds_the_nearest_start_where_the_maps_differ():
    first = basins("SGD", {"learning_rate": 0.01}, "himmelblau", 300, 30)
    second = basins("Adam", {"learning_rate": 0.05}, "himmelblau", 300, 30)
    cell = disagreement(first, second, (0.0, 0.0))
    assert cell is not None and first.labels[cell] != second.labels[cell]
    differ = np.argwhere(first.labels != second.labels)
    distances = np.hypot(first.x[differ[:, 1]], first.y[differ[:, 0]])
    assert np.hypot(*first.start(*cell)) == distances.min()
    assert disagreement(first, first, (0.0, 0.0)) is None


# -- noise and sparsity ---------------------------------------------------------------------
NOISE_SETTINGS = {
    "SGD": {"learning_rate": 0.002},
    "SGD + momentum": {"learning_rate": 0.001, "momentum": 0.9},
    "RMSProp": {"learning_rate": 0.01},
    "Adam": {"learning_rate": 0.05},
}


def study(**kwargs):
    arguments = {"noise": 2.0, "sparsity": 0.3, "seeds": 5, "seed": 7, **kwargs}
    return noise_study("rosenbrock", (-1.5, 2.5), 120, NOISE_SETTINGS, **arguments)


def test_noise_study_is_reproducible_with_the_seed_and_changes_with_it():
    first, again, other = study(), study(), study(seed=8)
    for name in NOISE_SETTINGS:
        np.testing.assert_array_equal(first.loss[name], again.loss[name])
        assert not np.array_equal(first.loss[name], other.loss[name])
        # Seeds 8 … 11 of the second study are seeds 8 … 11 of the first.
        np.testing.assert_array_equal(first.loss[name][:, 1:], other.loss[name][:, :-1])
        np.testing.assert_array_equal(first.clean[name], other.clean[name])


def test_each_seed_column_equals_a_single_noisy_run_and_clean_equals_a_run_without_noise():
    result = study()
    assert result.seeds.tolist() == [7, 8, 9, 10, 11]
    for name, settings in NOISE_SETTINGS.items():
        optimizer = make_optimizer(name, settings)
        assert result.loss[name].shape == (121, 5)
        for k, seed in enumerate(result.seeds):
            single = run(
                optimizer, "rosenbrock", (-1.5, 2.5), 120, noise=2.0, sparsity=0.3, seed=int(seed)
            )
            np.testing.assert_array_equal(result.loss[name][:, k], single.loss)
            assert result.diverged_at[name][k] == single.diverged_at
        clean = run(optimizer, "rosenbrock", (-1.5, 2.5), 120)
        np.testing.assert_array_equal(result.clean[name], clean.loss)
        # The noise really changes the runs.
        assert not np.array_equal(result.loss[name][:, 0], clean.loss)


def test_noise_summary_is_ordered_and_matches_its_definitions():
    result = study(seeds=9)
    for name in NOISE_SETTINGS:
        summary = result.summary(name)
        gap = result.loss[name] - 0.0
        np.testing.assert_allclose(summary["mean"], gap.mean(axis=1))
        np.testing.assert_allclose(summary["median"], np.median(gap, axis=1))
        assert np.all(summary["low"] <= summary["median"])
        assert np.all(summary["median"] <= summary["high"])
        # A geometric mean never exceeds the arithmetic one.
        assert np.all(summary["geometric mean"] <= summary["mean"] * (1 + 1e-12))


def test_tuned_learning_rates_are_the_best_candidates_found_by_separate_runs():
    candidates = (1e-4, 1e-3, 1e-2, 0.1, 1.0)
    settings = {"SGD": {}, "Adam": {}}
    best = tune_learning_rates(
        "rosenbrock",
        (-1.5, 2.5),
        80,
        settings,
        noise=1.0,
        sparsity=0.2,
        seeds=3,
        seed=1,
        candidates=candidates,
    )
    for name in settings:
        scores = []
        for rate in candidates:
            runs = [
                run(
                    make_optimizer(name, {"learning_rate": rate}),
                    "rosenbrock",
                    (-1.5, 2.5),
                    80,
                    noise=1.0,
                    sparsity=0.2,
                    seed=seed,
                    record="final",
                )
                for seed in (1, 2, 3)
            ]
            diverged = any(r.diverged_at >= 0 for r in runs)
            scores.append(np.inf if diverged else np.median([r.final_loss for r in runs]))
        assert best[name] == candidates[int(np.argmin(scores))], name


def test_noise_study_with_tuning_uses_and_reports_the_tuned_rates():
    result = study(tune=True)
    assert set(result.tuned) == set(NOISE_SETTINGS)
    for name, rate in result.tuned.items():
        assert rate in TUNING_RATES
        assert result.settings[name]["learning_rate"] == rate
    assert result.settings["SGD + momentum"]["momentum"] == 0.9


def test_noise_study_refuses_bad_seed_counts_and_unknown_hyperparameters():
    with pytest.raises(ValueError, match="Invalid seeds"):
        study(seeds=0)
    with pytest.raises(ValueError, match="has no hyperparameter"):
        noise_study("sphere", (1.0, 1.0), 5, {"SGD": {"beta1": 0.9}})


def test_run_with_stops_gives_the_run_and_every_stops_path_as_single_runs():
    settings = {"learning_rate": 0.02, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}
    stops = {"learning_rate": [0.001, 0.01, 0.1], "beta2": [0.9, 0.99]}
    main, paths = run_with_stops("Adam", "rosenbrock", (-1.5, 2.5), 60, settings, stops)
    alone = run(make_optimizer("Adam", settings), "rosenbrock", (-1.5, 2.5), 60)
    np.testing.assert_array_equal(main.params, alone.params)
    np.testing.assert_array_equal(main.state["v_hat"], alone.state["v_hat"])
    np.testing.assert_array_equal(main.effective_lr, alone.effective_lr)
    assert main.optimizer.learning_rate == 0.02 and main.name == "Adam"
    assert main.params.base is None  # a copy, not a view keeping the whole batch alive
    assert paths["learning_rate"].shape == (3, 61, 2) and paths["beta2"].shape == (2, 61, 2)
    for name, values in stops.items():
        for k, value in enumerate(values):
            single = run(
                make_optimizer("Adam", {**settings, name: value}), "rosenbrock", (-1.5, 2.5), 60
            )
            np.testing.assert_array_equal(paths[name][k], single.params)
    with pytest.raises(ValueError, match="no hyperparameter"):
        run_with_stops("SGD", "rosenbrock", (0, 0), 5, {"learning_rate": 0.1}, {"beta1": [0.9]})
