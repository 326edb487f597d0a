"""What the Experiments scenarios claim, checked against the runs they produce."""

from __future__ import annotations

import numpy as np

from lessons.experiments import COURSE_GRID_SEARCH, HIMMELBLAU_BASINS
from optim.catalog import VARIANTS
from optim.experiments import COURSE_GRID, Axis, basins, sweep


def test_course_grid_search_sweep_contains_the_course_pairs():
    x, y = COURSE_GRID_SEARCH.sweep
    assert (x.name, y.name) == ("learning_rate", "beta1")
    for axis in (x, y):  # every value the course tries lies inside the sweep's range
        assert axis.low <= min(COURSE_GRID[axis.name]) and max(COURSE_GRID[axis.name]) <= axis.high
    ((variant, fixed),) = COURSE_GRID_SEARCH.optimizers
    assert variant == "Adam" and set(dict(fixed)) <= set(VARIANTS[variant].hyperparameters)
    result = sweep(
        variant,
        COURSE_GRID_SEARCH.function,
        COURSE_GRID_SEARCH.start,
        200,
        Axis(x.name, x.low, x.high, 8, x.scale),
        Axis(y.name, y.low, y.high, 6, y.scale),
        dict(fixed),
    )
    assert result.shape == (6, 8)


def test_basins_of_sgd_and_adam_differ_on_himmelblau():
    maps = [
        basins(variant, dict(values), HIMMELBLAU_BASINS.function, HIMMELBLAU_BASINS.steps, 40)
        for variant, values in HIMMELBLAU_BASINS.optimizers
    ]
    differ = maps[0].labels != maps[1].labels
    # "Adam's basins can cross the ridges": a visible share of starts end in other minima.
    assert 0.02 < differ.mean() < 0.9
    assert np.all(maps[0].labels >= -2)
