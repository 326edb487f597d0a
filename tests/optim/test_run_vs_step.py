"""`run()` is the path every page takes; `step()` is what the golden vectors check. They must agree:
for every variant × convention × schedule, single runs and batches, `run()` equals a plain loop
of `step()` on the objective's gradient — positions, states and effective learning rates."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from functions import get_function
from optim import run, schedules
from optim.catalog import VARIANTS, make_optimizer

HIMMELBLAU = get_function("himmelblau")
STEPS = 40
SCHEDULES = {
    "constant": None,
    "warmup": schedules.Warmup(steps=8, start_factor=0.1),
    "step": schedules.StepDecay(step_size=10, gamma=0.5),
    "exponential": schedules.Exponential(gamma=0.95, start=5),
    "cosine": schedules.Cosine(total_steps=30, floor=0.1),
}
# Settings that make every term of every variant matter (weight decay, AMSGrad's max, ...).
SETTINGS = {
    "learning_rate": 0.03,
    "beta1": 0.8,
    "beta2": 0.95,
    "epsilon": 1e-3,
    "momentum": 0.7,
    "rho": 0.9,
    "weight_decay": 0.05,
}
CASES = [
    (variant, convention, schedule)
    for variant in VARIANTS
    for convention in ("pytorch", "keras", "optax")
    for schedule in SCHEDULES
]


def optimizer_for(variant: str, convention: str, batch: bool):
    exposed = VARIANTS[variant].hyperparameters
    settings = {name: value for name, value in SETTINGS.items() if name in exposed}
    if VARIANTS[variant].cls.name == "SGD":  # its steps scale with the gradient: keep them small
        settings["learning_rate"] = 0.002
    if batch:  # one learning rate per trajectory of a (2, 3) batch
        settings["learning_rate"] = settings["learning_rate"] * np.array(
            [[1.0, 0.5, 2.0], [0.25, 1.5, 0.75]]
        )
    return make_optimizer(variant, settings, convention)


def loop_of_steps(optimizer, x0: np.ndarray, schedule) -> dict[str, np.ndarray]:
    """θ_0 … θ_STEPS, each step's state and effective learning rate, with `step()` alone."""
    factors = schedules.factors(schedule, STEPS)
    base_rate = np.asarray(optimizer.learning_rate)
    params, state = x0, optimizer.init(x0)
    path, states, rates = [params], [], []
    for t in range(1, STEPS + 1):
        rate = base_rate * (1.0 if factors is None else factors[t - 1])
        grads = HIMMELBLAU.gradient(params)
        params, state = optimizer.step(params, grads, state, learning_rate=rate)
        path.append(params)
        states.append(state)
        rates.append(optimizer.effective_learning_rate(state, path[-2], learning_rate=rate))
    names = [n for n, v in state._asdict().items() if isinstance(v, np.ndarray)]
    return {
        "params": np.array(path),
        "effective_lr": np.array(rates),
        **{name: np.array([getattr(s, name) for s in states]) for name in names},
    }


@pytest.mark.parametrize("batch", [False, True], ids=["single", "batch"])
@pytest.mark.parametrize(
    ("variant", "convention", "schedule"), CASES, ids=["-".join(case) for case in CASES]
)
def test_run_equals_a_loop_of_step(variant, convention, schedule, batch):
    optimizer = optimizer_for(variant, convention, batch)
    x0 = np.array([-3.0, 3.5])
    if batch:
        x0 = np.array([[[-3.0, 3.5], [1.0, -1.0], [4.0, 0.5]], [[0.0, 0.0], [-2.0, -2.5], [3, 3]]])
    trajectory = run(optimizer, HIMMELBLAU, x0, STEPS, schedule=SCHEDULES[schedule])
    expected = loop_of_steps(optimizer, x0, SCHEDULES[schedule])

    assert trajectory.diverged_at.max() < 0  # the comparison is about the update, not divergence
    # The same update function on the same numbers: equal to the last bit, not just close.
    np.testing.assert_array_equal(trajectory.params, expected["params"])
    np.testing.assert_array_equal(trajectory.effective_lr, expected["effective_lr"])
    for name, values in trajectory.state.items():
        if name in expected:
            np.testing.assert_array_equal(values, expected[name])


def test_the_table_covers_every_variant_convention_and_schedule():
    assert len(CASES) == len(VARIANTS) * 3 * len(SCHEDULES) == 120


def test_a_difference_in_one_rule_is_caught():
    # The comparison must be able to fail: RMSProp with ε inside the root against outside.
    optimizer = make_optimizer("RMSProp", {"learning_rate": 0.03, "epsilon": 0.5}, "pytorch")
    other = dataclasses.replace(optimizer, convention="optax")
    x0 = np.array([-3.0, 3.5])
    trajectory = run(optimizer, HIMMELBLAU, x0, STEPS)
    assert not np.allclose(trajectory.params, loop_of_steps(other, x0, None)["params"])
