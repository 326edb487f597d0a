"""The numbers behind "Inside Adam": bias-correction factors, one step's arithmetic, the runs
the page compares (no bias correction, RMSProp, the other conventions, no schedule) and every
series it draws. NumPy only; pages format these numbers, they never compute them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from functions import Objective, get_function
from optim.adam import Adam, AdamState, AdamTerms
from optim.base import CONVENTIONS
from optim.catalog import make_optimizer
from optim.rmsprop import RMSProp
from optim.run import Trajectory, run
from optim.schedules import Constant, Cosine, Exponential, Schedule, StepDecay, Warmup

SETTLE_THRESHOLD = 1.01  # a bias-correction factor below this changes a step by under 1 %
SCHEDULES: tuple[str, ...] = ("constant", "warmup", "step", "exponential", "cosine")
ADAM_VARIANTS: tuple[str, ...] = ("Adam", "AMSGrad", "AdamW")


# -- bias correction ------------------------------------------------------------------------
def correction_factor(beta: float, t: np.ndarray | int) -> np.ndarray:
    """1/(1 − βᵗ): how much bias correction scales a moment after t steps (t ≥ 1)."""
    t = np.asarray(t, dtype=float)
    return 1.0 / (1.0 - beta**t)


def settle_step(beta: float, threshold: float = SETTLE_THRESHOLD) -> int:
    """The first step t at which 1/(1 − βᵗ) < `threshold` (44 for β = 0.9, 4 613 for 0.999).

    Closed form: 1/(1 − βᵗ) < c  ⇔  βᵗ < 1 − 1/c  ⇔  t > ln(1 − 1/c) / ln β, so
    t = ⌊ln(1 − 1/c) / ln β⌋ + 1. The last two loops only guard the rounding of the logarithms
    when the bound is an integer to machine precision.
    """
    if not 0 <= beta < 1:
        raise ValueError(f"Invalid beta: {beta!r} (must be in [0, 1))")
    if not threshold > 1:
        raise ValueError(f"Invalid threshold: {threshold!r} (must be > 1)")
    if beta == 0:
        return 1  # 1/(1 − 0) = 1 from the first step
    bound = math.log(1 - 1 / threshold) / math.log(beta)
    t = max(1, math.floor(bound) + 1)
    while t > 1 and correction_factor(beta, t - 1) < threshold:
        t -= 1
    while correction_factor(beta, t) >= threshold:
        t += 1
    return t


def step_ratio(beta1: float, beta2: float, t: np.ndarray | int) -> np.ndarray:
    """(1 − β1ᵗ)/√(1 − β2ᵗ): an uncorrected step's length over a corrected one's (ε ≪ √v).

    Without correction θ moves α·m/√v; with it α·(m/bc1)/√(v/bc2), which is bc1/√bc2 times
    less. At t = 1 that is (1 − β1)/√(1 − β2) ≈ 3.16 for the defaults.
    """
    t = np.asarray(t, dtype=float)
    return (1.0 - beta1**t) / np.sqrt(1.0 - beta2**t)


@dataclass(frozen=True)
class FirstStep:
    """The first step of a run with and without bias correction, per coordinate."""

    with_correction: np.ndarray  # |θ_1 − θ_0| per coordinate (2,)
    without_correction: np.ndarray  # the same for the uncorrected run
    predicted_with: float  # α_1 (each coordinate moves α_1, up to ε)
    predicted_without: float  # α_1·(1 − β1)/√(1 − β2)

    @property
    def ratio(self) -> float:
        return self.predicted_without / self.predicted_with if self.predicted_with else math.nan


def first_step(corrected: Trajectory, uncorrected: Trajectory) -> FirstStep:
    """How far the first step goes in both runs, and what the equations predict."""
    optimizer = corrected.optimizer
    alpha = float(corrected.learning_rate[0]) if corrected.steps else 0.0
    return FirstStep(
        with_correction=np.abs(corrected.updates[0]),
        without_correction=np.abs(uncorrected.updates[0]),
        predicted_with=alpha,
        predicted_without=alpha * float(step_ratio(optimizer.beta1, optimizer.beta2, 1)),
    )


def first_moment_example(beta1: float, gradient: float = 0.1) -> tuple[float, float]:
    """The course's worked example: m_1 = (1 − β1)·g_1 and m̂_1 = m_1/(1 − β1) = g_1.

    With g_1 = 0.1 and β1 = 0.9, m_1 = 0.01 is ten times too small and m̂_1 = 0.1 is right.
    """
    m = (1 - beta1) * gradient
    return m, m / (1 - beta1)


# -- one step, with every number the equations use -------------------------------------------
@dataclass(frozen=True)
class StepNumbers:
    """Step t of a single Adam run: every number its equations use, per coordinate (x, y).

    The inputs (θ_{t−1}, g_t, the previous moments) and the new moments come from the
    trajectory; every derived number is `terms`, the optimizer's own `Adam.terms` of that step,
    so θ_t = θ_{t−1} − terms.decay − terms.step reproduces the recorded θ_t exactly.
    """

    t: int
    convention: str
    amsgrad: bool
    bias_correction: bool
    weight_decay_mode: str  # "none", "l2" (added to g_t) or "decoupled" (α·λ·θ off θ)
    learning_rate: float  # α_t, scheduled
    beta1: float
    beta2: float
    epsilon: float  # ε as set (Keras's ε̂); `terms.epsilon` is the one added to √v̂
    weight_decay: float
    theta_prev: np.ndarray
    gradient: np.ndarray  # g_t = ∇f(θ_{t−1}), plus λ·θ_{t−1} with L2 weight decay
    m_prev: np.ndarray
    v_prev: np.ndarray
    v_max_prev: np.ndarray | None
    m: np.ndarray
    v: np.ndarray
    v_max: np.ndarray | None
    terms: AdamTerms  # bias corrections, m̂, v̂, ε_t, effective rate, step, decay: (2,) each
    update: np.ndarray  # θ_t − θ_{t−1}, as recorded
    theta: np.ndarray
    frozen: bool  # the run had diverged by this step: the numbers repeat the last good step

    @property
    def v_hat_used(self) -> np.ndarray:
        """The v̂ under the root: v̂_t, or AMSGrad's largest v̂ so far."""
        return self.terms.v_hat if self.terms.v_hat_max is None else self.terms.v_hat_max

    @property
    def decay(self) -> np.ndarray:
        """α_t·λ·θ_{t−1} taken off by decoupled weight decay (zeros otherwise)."""
        return np.zeros(2) if self.terms.decay is None else self.terms.decay


def _single(trajectory: Trajectory) -> None:
    if trajectory.params is None:
        raise ValueError('The trajectory was recorded with record="final"; use record="full"')
    if trajectory.params.ndim != 2:
        raise ValueError("Only a single run (params of shape (steps+1, 2)) can be inspected")
    if not isinstance(trajectory.optimizer, Adam):
        raise ValueError(f"Only Adam runs can be inspected, not {trajectory.optimizer.name}")


def _hyperparameters(trajectory: Trajectory, learning_rate: Any) -> dict[str, Any]:
    return {**trajectory.optimizer.batch_hyperparameters(False), "learning_rate": learning_rate}


def step_numbers(trajectory: Trajectory, t: int) -> StepNumbers:
    """Every number of step t (1 … steps) of a single Adam run, as the optimizer used them."""
    _single(trajectory)
    if not 1 <= t <= trajectory.steps:
        raise ValueError(f"Invalid step: {t!r} (must be in [1, {trajectory.steps}])")
    optimizer: Adam = trajectory.optimizer
    state, row = trajectory.state, t - 1

    def previous(name: str) -> np.ndarray:
        return state[name][row - 1].copy() if row else np.zeros(2)

    alpha = float(trajectory.learning_rate[row])
    theta_prev = trajectory.params[row].copy()
    gradient = trajectory.gradients[row].copy()
    if optimizer.weight_decay_mode == "l2":
        gradient = gradient + float(optimizer.weight_decay) * theta_prev
    v_max = state["v_max"][row].copy() if optimizer.amsgrad else None
    after = AdamState(t, state["m"][row].copy(), state["v"][row].copy(), v_max)
    diverged_at = int(trajectory.diverged_at)
    return StepNumbers(
        t=t,
        convention=optimizer.convention,
        amsgrad=bool(optimizer.amsgrad),
        bias_correction=bool(optimizer.bias_correction),
        weight_decay_mode=optimizer.weight_decay_mode,
        learning_rate=alpha,
        beta1=float(optimizer.beta1),
        beta2=float(optimizer.beta2),
        epsilon=float(optimizer.epsilon),
        weight_decay=float(optimizer.weight_decay),
        theta_prev=theta_prev,
        gradient=gradient,
        m_prev=previous("m"),
        v_prev=previous("v"),
        v_max_prev=previous("v_max") if optimizer.amsgrad else None,
        m=after.m,
        v=after.v,
        v_max=after.v_max,
        terms=optimizer.terms(after, theta_prev, _hyperparameters(trajectory, alpha)),
        update=trajectory.updates[row].copy(),
        theta=trajectory.params[t].copy(),
        frozen=0 <= diverged_at <= t,
    )


def nearest_step(trajectory: Trajectory, x: float, y: float) -> int:
    """The step t ≥ 1 whose θ_t is nearest to (x, y): what a click on the path selects."""
    _single(trajectory)
    distance = np.hypot(trajectory.params[1:, 0] - x, trajectory.params[1:, 1] - y)
    return int(np.argmin(distance)) + 1 if distance.size else 1


# -- per-step series --------------------------------------------------------------------------
def history_terms(trajectory: Trajectory) -> AdamTerms:
    """`Adam.terms` of every step of a single run at once: arrays (steps, 2)."""
    _single(trajectory)
    optimizer = trajectory.optimizer
    state = trajectory.state
    history = AdamState(
        count=np.arange(1, trajectory.steps + 1)[:, None],
        m=state["m"],
        v=state["v"],
        v_max=state.get("v_max"),
    )
    hp = _hyperparameters(trajectory, trajectory.learning_rate[:, None])
    return optimizer.terms(history, trajectory.params[:-1], hp)


def decay_terms(trajectory: Trajectory) -> np.ndarray:
    """α_t·λ·θ_{t−1} per step and coordinate, (steps, 2): what decoupled weight decay removes
    (zeros when the run has no weight decay or adds it to the gradient as L2)."""
    decay = history_terms(trajectory).decay
    if decay is None:
        return np.zeros_like(trajectory.updates)
    if trajectory.diverged_at >= 0:  # frozen steps made no update and no decay
        decay[int(trajectory.diverged_at) - 1 :] = 0.0
    return decay


def adaptive_steps(trajectory: Trajectory) -> np.ndarray:
    """The part of each update that is Adam's own step, α_t·m̂/(√v̂ + ε), (steps, 2):
    −(θ_t − θ_{t−1}) minus the decoupled decay."""
    return -trajectory.updates - decay_terms(trajectory)


def convention_gaps(runs: Mapping[str, Trajectory], reference: str = "pytorch") -> dict:
    """‖θ_t(convention) − θ_t(reference)‖ for every step, (steps+1,) per convention."""
    base = runs[reference].params
    return {
        name: np.linalg.norm(t.params - base, axis=-1)
        for name, t in runs.items()
        if name != reference
    }


@dataclass(frozen=True)
class RateComparison:
    """Why x and y get different effective learning rates at step t."""

    rates: np.ndarray  # effective learning rate per coordinate (2,)
    rms: np.ndarray  # √v̂_t per coordinate: the running RMS of the gradient that divides α
    ratio: float  # y's rate over x's


def rate_comparison(trajectory: Trajectory, t: int) -> RateComparison:
    """The two effective learning rates of step t and the gradient RMS behind them."""
    numbers = step_numbers(trajectory, t)
    rates = trajectory.effective_lr[t - 1].copy()
    ratio = float(rates[1] / rates[0]) if rates[0] else math.nan
    return RateComparison(rates=rates, rms=np.sqrt(numbers.v_hat_used), ratio=ratio)


# -- the runs the page compares -----------------------------------------------------------------
def make_schedule(kind: str, steps: int) -> Schedule | None:
    """The page's schedules, scaled to the run's length; None for a constant α.

    warmup: linear from α/10 to α over the first tenth, then constant; step: halve every quarter;
    exponential: constant for a quarter, then ×0.99 per step (the course's "constant, then
    ×e^−0.1 per epoch" in small); cosine: half a cosine from α to 0 over the run.
    """
    if kind not in SCHEDULES:
        raise ValueError(f"Invalid schedule: {kind!r} (must be one of {', '.join(SCHEDULES)})")
    quarter = max(1, steps // 4)
    return {
        "constant": None,
        "warmup": Warmup(steps=max(1, steps // 10), then=Constant(), start_factor=0.1),
        "step": StepDecay(step_size=quarter, gamma=0.5),
        "exponential": Exponential(gamma=0.99, start=quarter),
        "cosine": Cosine(total_steps=max(1, steps)),
    }[kind]


@dataclass(frozen=True, eq=False)
class InsideRuns:
    """The runs the page draws beside each other, all from one setting.

    `main` is the run the student configured; `ghost` the same with bias correction switched
    the other way; `rmsprop` RMSProp with the same α, ρ = β2, ε, convention and schedule (Adam
    without momentum and without bias correction); `unscheduled` the same run at a constant α
    (None when no schedule is chosen).
    """

    main: Trajectory
    ghost: Trajectory
    rmsprop: Trajectory
    unscheduled: Trajectory | None
    schedule: str

    @property
    def corrected(self) -> Trajectory:
        return self.main if self.main.optimizer.bias_correction else self.ghost

    @property
    def uncorrected(self) -> Trajectory:
        return self.ghost if self.main.optimizer.bias_correction else self.main


@dataclass(frozen=True, kw_only=True)
class InsideSettings:
    """Everything the page's runs depend on, in one hashable record (a cache key).

    >>> settings = InsideSettings(function="rosenbrock", start=(-1.5, 2.5), steps=3,
    ...                           hyperparameters=(("learning_rate", 0.02),))
    >>> inside_runs(settings).main.name, settings.optimizer().learning_rate
    ('Adam', 0.02)
    """

    function: str  # a built-in objective's name
    start: tuple[float, float]
    steps: int
    variant: str = "Adam"  # one of ADAM_VARIANTS
    hyperparameters: tuple[tuple[str, float], ...] = ()
    convention: str = "pytorch"
    bias_correction: bool = True
    schedule: str = "constant"  # one of SCHEDULES

    def objective(self) -> Objective:
        return get_function(self.function)

    def optimizer(self, convention: str | None = None) -> Adam:
        """The configured Adam variant (under another `convention` if given)."""
        if self.variant not in ADAM_VARIANTS:
            raise ValueError(
                f"Invalid variant: {self.variant!r} (must be one of {', '.join(ADAM_VARIANTS)})"
            )
        optimizer = make_optimizer(
            self.variant, dict(self.hyperparameters), convention or self.convention
        )
        return dataclasses.replace(optimizer, bias_correction=self.bias_correction)

    def trace(self, optimizer: Any, scheduled: bool = True) -> Trajectory:
        schedule = make_schedule(self.schedule, self.steps) if scheduled else None
        return run(optimizer, self.objective(), self.start, self.steps, schedule=schedule)


def inside_runs(settings: InsideSettings) -> InsideRuns:
    """Run the configured variant ("Adam", "AMSGrad" or "AdamW") and the comparisons drawn
    beside it."""
    optimizer = settings.optimizer()
    rmsprop = RMSProp(
        learning_rate=optimizer.learning_rate,
        rho=optimizer.beta2,
        epsilon=optimizer.epsilon,
        convention=settings.convention,
    )
    ghost = dataclasses.replace(optimizer, bias_correction=not settings.bias_correction)
    scheduled = settings.schedule != "constant"
    return InsideRuns(
        main=settings.trace(optimizer),
        ghost=settings.trace(ghost),
        rmsprop=settings.trace(rmsprop),
        unscheduled=settings.trace(optimizer, scheduled=False) if scheduled else None,
        schedule=settings.schedule,
    )


def convention_runs(settings: InsideSettings) -> dict[str, Trajectory]:
    """The same settings under each framework's convention, by convention name."""
    return {name: settings.trace(settings.optimizer(name)) for name in CONVENTIONS}


def series(
    runs: InsideRuns, conventions: Mapping[str, Trajectory] | None = None
) -> dict[str, np.ndarray]:
    """Every series the page draws, one value per row t = 0 … steps (NaN where a per-step
    quantity has no value at t = 0), for the CSV export; `conventions` from
    `convention_runs` adds each framework's distance from PyTorch."""
    main = runs.main
    steps = main.steps
    t = np.arange(steps + 1)

    def per_step(values: np.ndarray) -> np.ndarray:
        return np.concatenate(([np.nan], values))

    columns: dict[str, np.ndarray] = {"step": t, "learning_rate_t": per_step(main.learning_rate)}
    optimizer = main.optimizer
    counted = t[1:]
    columns["bias_factor_1"] = per_step(correction_factor(optimizer.beta1, counted))
    columns["bias_factor_2"] = per_step(correction_factor(optimizer.beta2, counted))
    columns["uncorrected_step_ratio"] = per_step(
        step_ratio(optimizer.beta1, optimizer.beta2, counted)
    )
    blocks: dict[str, np.ndarray] = {
        "gradient": main.gradients,
        "update": main.updates,
        "effective_lr": main.effective_lr,
        **main.state,
        "decay": decay_terms(main),
        "rmsprop_effective_lr": runs.rmsprop.effective_lr,
    }
    for axis, label in enumerate("xy"):
        columns[label] = main.params[:, axis]
    columns["f"] = main.loss
    for name, values in blocks.items():
        for axis, label in enumerate("xy"):
            columns[f"{name}_{label}"] = per_step(values[:, axis])
    columns["sgd_learning_rate"] = per_step(main.learning_rate)
    others = {
        "uncorrected" if optimizer.bias_correction else "corrected": runs.ghost,
        "rmsprop": runs.rmsprop,
        **({"constant_lr": runs.unscheduled} if runs.unscheduled is not None else {}),
    }
    for name, trajectory in others.items():
        for axis, label in enumerate("xy"):
            columns[f"{name}_{label}"] = trajectory.params[:, axis]
    for name, gap in convention_gaps(conventions or {"pytorch": main}).items():
        columns[f"gap_{name}_vs_pytorch"] = gap
    return columns
