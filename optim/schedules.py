"""Learning-rate schedules: the factor that multiplies α at each step, as torch's LR schedulers.

A schedule is called with the number of completed steps t = 0, 1, 2, … (torch's `last_epoch`
after t calls to `scheduler.step()`), so the first update uses schedule(0). The learning rate of
that update is `learning_rate * schedule(t)`, which is what `torch.optim.lr_scheduler.LambdaLR`
computes. Schedules are frozen dataclasses of plain numbers, so they can key a cache.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def _steps(t: np.ndarray | int) -> np.ndarray:
    return np.asarray(t, dtype=float)


def _check_int(name: str, value: int, low: int) -> None:
    if not isinstance(value, int | np.integer) or value < low:
        raise ValueError(f"Invalid {name}: {value!r} (must be an integer ≥ {low})")


def _check_float(name: str, value: float, low: float, high: float, low_open: bool = False) -> None:
    ok = (value > low if low_open else value >= low) and value <= high
    if not (isinstance(value, int | float) and math.isfinite(value) and ok):
        left = "(" if low_open else "["
        raise ValueError(f"Invalid {name}: {value!r} (must be in {left}{low:g}, {high:g}])")


class Schedule:
    """Base of all schedules: `schedule(t)` is the factor for completed-step counts `t`."""

    def __call__(self, t: np.ndarray | int) -> np.ndarray:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Constant(Schedule):
    """factor(t) = 1."""

    def __call__(self, t: np.ndarray | int) -> np.ndarray:
        return np.ones_like(_steps(t))

    def describe(self) -> str:
        return "constant"


@dataclass(frozen=True)
class StepDecay(Schedule):
    """factor(t) = γ^⌊t / step_size⌋, as torch's StepLR."""

    step_size: int
    gamma: float = 0.1

    def __post_init__(self) -> None:
        _check_int("step_size", self.step_size, 1)
        _check_float("gamma", self.gamma, 0, 1, low_open=True)

    def __call__(self, t: np.ndarray | int) -> np.ndarray:
        return self.gamma ** np.floor_divide(_steps(t), self.step_size)

    def describe(self) -> str:
        return f"×{self.gamma:g} every {self.step_size} steps"


@dataclass(frozen=True)
class Exponential(Schedule):
    """factor(t) = γ^max(0, t − start), as torch's ExponentialLR (delayed by `start` steps)."""

    gamma: float
    start: int = 0

    def __post_init__(self) -> None:
        _check_float("gamma", self.gamma, 0, 1, low_open=True)
        _check_int("start", self.start, 0)

    def __call__(self, t: np.ndarray | int) -> np.ndarray:
        return self.gamma ** np.maximum(_steps(t) - self.start, 0)

    def describe(self) -> str:
        after = f" after step {self.start}" if self.start else ""
        return f"×{self.gamma:g} per step{after}"


@dataclass(frozen=True)
class Cosine(Schedule):
    """Half a cosine from 1 down to `floor` over `total_steps`, then `floor` (torch's
    CosineAnnealingLR closed form with eta_min = floor·α, held at the floor afterwards)."""

    total_steps: int
    floor: float = 0.0

    def __post_init__(self) -> None:
        _check_int("total_steps", self.total_steps, 1)
        _check_float("floor", self.floor, 0, 1)

    def __call__(self, t: np.ndarray | int) -> np.ndarray:
        progress = np.minimum(_steps(t), self.total_steps) / self.total_steps
        return self.floor + (1 - self.floor) * (1 + np.cos(np.pi * progress)) / 2

    def describe(self) -> str:
        return f"cosine to {self.floor:g} over {self.total_steps} steps"


@dataclass(frozen=True)
class Warmup(Schedule):
    """Linear warmup from `start_factor` to 1 over `steps`, then `then` (started afresh).

    factor(t) = start_factor + (1 − start_factor)·t/steps for t < steps, and
    then(t − steps) afterwards — torch's LinearLR followed by SequentialLR.
    """

    steps: int
    then: Schedule = Constant()
    start_factor: float = 0.0

    def __post_init__(self) -> None:
        _check_int("steps", self.steps, 1)
        _check_float("start_factor", self.start_factor, 0, 1)
        if not isinstance(self.then, Schedule):
            raise ValueError(f"Invalid then: {self.then!r} (must be a Schedule)")

    def __call__(self, t: np.ndarray | int) -> np.ndarray:
        t = _steps(t)
        ramp = self.start_factor + (1 - self.start_factor) * np.minimum(t, self.steps) / self.steps
        return np.where(t < self.steps, ramp, self.then(np.maximum(t - self.steps, 0)))

    def describe(self) -> str:
        rest = "" if isinstance(self.then, Constant) else f", then {self.then.describe()}"
        return f"linear warmup over {self.steps} steps{rest}"


def factors(schedule: Schedule | None, steps: int) -> np.ndarray | None:
    """The factors for steps 1 … `steps` (schedule(0) … schedule(steps − 1)), or None."""
    if schedule is None:
        return None
    values = np.asarray(schedule(np.arange(steps)), dtype=float)
    if values.shape != (steps,) or not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("A schedule must return one finite factor ≥ 0 per step")
    return values
