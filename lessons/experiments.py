"""Scenarios of the Experiments pages: the course's grid search inside a sweep, and the basins
of attraction of SGD and Adam on Himmelblau. tests/lessons/test_experiments.py checks what
their notices claim."""

from __future__ import annotations

from lessons.scenarios import Scenario, SweepAxis, optimizer

COURSE_GRID_SEARCH = Scenario(
    key="course-grid",
    title="The course's grid search",
    notice=(
        "The course picks α, β1 and β2 by training twelve models: α ∈ {0.001, 0.01, 0.1} × "
        "β1 ∈ {0.9, 0.95} × β2 ∈ {0.999, 0.9999}. The rings mark its α × β1 pairs inside a "
        "dense sweep around them: the whole neighbourhood of those twelve is visible."
    ),
    function="rosenbrock",
    start=(-1.5, 2.5),
    steps=1000,
    optimizers=(optimizer("Adam", beta2=0.999, epsilon=1e-8),),
    sweep=(
        SweepAxis("learning_rate", 0.0005, 0.5, "log"),
        SweepAxis("beta1", 0.8, 0.99, "nines"),
    ),
)

HIMMELBLAU_BASINS = Scenario(
    key="himmelblau-basins",
    title="Himmelblau: SGD against Adam",
    notice=(
        "Gradient descent's basins follow the landscape's ridges; Adam's steps ignore the "
        "gradient's size, so its basins can cross them."
    ),
    function="himmelblau",
    start=(0.0, 0.0),
    steps=500,
    optimizers=(optimizer("SGD", learning_rate=0.01), optimizer("Adam", learning_rate=0.05)),
)
