"""Experiments that run thousands of optimizations at once, each as batched `run` calls.

A hyperparameter sweep (a grid of settings, one trajectory per cell), basins of attraction (a
grid of start points, each labelled by the minimum it reaches) and a noise study (several seeds
per optimizer, gradients perturbed reproducibly). Every cell of every grid equals the single
`run` with the same settings, so any cell a page shows can be re-run on its own.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from functions import Objective, get_function
from optim.base import Optimizer
from optim.catalog import VARIANTS, make_optimizer
from optim.run import DEFAULT_TOLERANCE, Trajectory, run

Progress = Callable[[float], None] | None

SCALES = ("linear", "log", "nines")
MAX_SWEEP = 100  # cells per sweep axis
MAX_BASINS = 200  # start points per basin-map axis
MAX_SEEDS = 200
BASIN_TOLERANCE = 1e-2  # how close to a minimum a final point must be to count as reaching it
NOT_CONVERGED = -1  # basin label: ended away from every known minimum
DIVERGED = -2  # basin label: the run blew up

# Sweep cell status, for colouring and counting.
CONVERGED, STALLED, BLEW_UP = 0, 1, 2

# The seed material's grid search: 3 × 2 × 2 = 12 Adam models.
COURSE_GRID: dict[str, tuple[float, ...]] = {
    "learning_rate": (0.001, 0.01, 0.1),
    "beta1": (0.9, 0.95),
    "beta2": (0.999, 0.9999),
}
NOISE_OPTIMIZERS = ("SGD", "SGD + momentum", "RMSProp", "Adam")
# Learning rates tried when each optimizer gets its own best α: 1, 2, 5 per decade.
TUNING_RATES = (*(float(f"{m}e{e}") for e in range(-4, 0) for m in (1, 2, 5)), 1.0)

# -- what a job costs, for progress bars: trajectory-steps of a final-only run ----------------
SECONDS_PER_STEP = 5e-8  # one trajectory-step of `run(record="final")` on a 2-core machine
RECORDING_COST = 4  # a fully recorded step costs about four final-only ones


def sweep_work(cells: int, steps: int) -> float:
    """Trajectory-steps of a sweep (or any final-only batch) of `cells` runs."""
    return float(cells) * steps


def noise_work(optimizers: int, seeds: int, steps: int, tune: bool) -> float:
    """Trajectory-steps of `noise_study`: one recorded run per seed and optimizer, plus the
    search over `TUNING_RATES` when each optimizer gets its best α."""
    per_seed = RECORDING_COST + (len(TUNING_RATES) if tune else 0)
    return float(optimizers) * seeds * steps * per_seed


def seconds(work: float) -> float:
    """About how long `work` trajectory-steps take."""
    return work * SECONDS_PER_STEP


def _objective(objective: Objective | str) -> Objective:
    return get_function(objective) if isinstance(objective, str) else objective


def _share(progress: Progress, done: float, part: float) -> Progress:
    """A progress callback for one part of a larger job: maps 0 … 1 to done … done + part."""
    if progress is None:
        return None
    return lambda fraction: progress(done + part * fraction)


def _starts(start: Sequence[float], shape: tuple[int, ...]) -> np.ndarray:
    return np.broadcast_to(np.asarray(start, dtype=float), (*shape, 2))


# -- sweeps ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Axis:
    """The values one hyperparameter takes across a sweep: `count` of them from `low` to `high`.

    `scale` spaces them evenly in value ("linear"), in log₁₀ of the value ("log", for α, ε and
    weight decay) or in log₁₀ of 1 − value ("nines", for β1, β2, ρ and momentum, where 0.9,
    0.99 and 0.999 are equally far apart). Both ends are always exact.
    """

    name: str
    low: float
    high: float
    count: int
    scale: str = "linear"

    def __post_init__(self) -> None:
        if self.scale not in SCALES:
            raise ValueError(f"Invalid scale: {self.scale!r} (must be one of {', '.join(SCALES)})")
        if not isinstance(self.count, int | np.integer) or not 1 <= self.count <= MAX_SWEEP:
            raise ValueError(
                f"Invalid count: {self.count!r} (must be an integer in [1, {MAX_SWEEP}])"
            )
        low, high = float(self.low), float(self.high)
        if not (math.isfinite(low) and math.isfinite(high)) or low > high:
            raise ValueError(f"Invalid range for {self.name}: {low:g} … {high:g} (need low ≤ high)")
        if low == high and self.count > 1:
            raise ValueError(f"Invalid range for {self.name}: {low:g} … {high:g} is a single value")
        if self.scale == "log" and low <= 0:
            raise ValueError(f"A log scale needs {self.name} > 0, not {low:g}")
        if self.scale == "nines" and high >= 1:
            raise ValueError(f"A scale in 1 − {self.name} needs {self.name} < 1, not {high:g}")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "count", int(self.count))

    def values(self) -> np.ndarray:
        """The `count` values, increasing, evenly spaced on the axis's scale.

        Inner values are rounded to the fewest significant digits (of the value, or of 1 − value
        on the "nines" scale) that keep each within 5 % of a cell of its even position, so a
        cell reads α = 0.00316, not 0.0031622776601683794.
        """
        if self.count == 1:
            return np.array([self.low])
        if self.scale == "log":
            exact = np.geomspace(self.low, self.high, self.count)
        elif self.scale == "nines":
            exact = 1.0 - np.geomspace(1.0 - self.low, 1.0 - self.high, self.count)
        else:
            exact = np.linspace(self.low, self.high, self.count)
        for digits in range(3, 13):
            values = np.array([_round(v, digits, self.scale) for v in exact])
            values[0], values[-1] = self.low, self.high
            shift = np.abs(self.position(values) - np.arange(self.count))
            if np.all(np.diff(values) > 0) and np.max(shift) <= 0.05:
                return values
        exact[0], exact[-1] = self.low, self.high
        return exact

    def position(self, value: float | np.ndarray) -> float | np.ndarray:
        """Where `value` falls on the axis in cell units: 0 at `low`, count − 1 at `high`."""
        if self.count == 1:
            return np.zeros_like(np.asarray(value, dtype=float))
        transform = _TRANSFORMS[self.scale]
        with np.errstate(all="ignore"):
            low, high = transform(self.low), transform(self.high)
            return (
                (transform(np.asarray(value, dtype=float)) - low) / (high - low) * (self.count - 1)
            )


def _round(value: float, digits: int, scale: str) -> float:
    """`value` to `digits` significant digits (of 1 − value on the "nines" scale)."""
    if scale == "nines":
        return float(f"{1.0 - float(f'{1.0 - value:.{digits}g}'):.15g}")
    return float(f"{value:.{digits}g}")


_TRANSFORMS: dict[str, Callable[[Any], Any]] = {
    "linear": lambda v: v,
    "log": np.log10,
    "nines": lambda v: -np.log10(1.0 - v),
}


@dataclass(frozen=True, eq=False)
class Sweep:
    """One optimizer run over a grid of two hyperparameters: row i has y[i], column j has x[j].

    Every result grid has shape (len(y), len(x)); `settings(i, j)` gives the hyperparameters of
    a cell, with which a single `run` reproduces that cell exactly.
    """

    variant: str
    objective: Objective
    start: tuple[float, float]
    steps: int
    x: Axis
    y: Axis
    fixed: Mapping[str, float]
    convention: str
    tolerance: float
    x_values: np.ndarray
    y_values: np.ndarray
    final_params: np.ndarray
    final_loss: np.ndarray
    best_loss: np.ndarray
    converged_at: np.ndarray
    diverged_at: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.final_loss.shape

    def settings(self, row: int, column: int) -> dict[str, float]:
        """The hyperparameters of cell (row, column): the fixed ones and both axis values."""
        return {
            **self.fixed,
            self.x.name: float(self.x_values[column]),
            self.y.name: float(self.y_values[row]),
        }

    def optimizer(self, row: int, column: int) -> Optimizer:
        return make_optimizer(self.variant, self.settings(row, column), self.convention)

    @property
    def status(self) -> np.ndarray:
        """CONVERGED, STALLED (never within tolerance of f*) or BLEW_UP, per cell (int8)."""
        status = np.where(self.converged_at >= 0, CONVERGED, STALLED).astype(np.int8)
        status[self.diverged_at >= 0] = BLEW_UP
        return status

    def counts(self) -> dict[int, int]:
        """How many cells have each status (CONVERGED, STALLED, BLEW_UP)."""
        status = self.status
        return {code: int(np.sum(status == code)) for code in (CONVERGED, STALLED, BLEW_UP)}

    def best_cell(self) -> tuple[int, int]:
        """The cell with the lowest final loss among those that did not diverge."""
        loss = np.where(self.diverged_at >= 0, np.inf, self.final_loss)
        row, column = np.unravel_index(np.argmin(loss), loss.shape)
        return int(row), int(column)


def _check_names(variant: str, names: Sequence[str]) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"Unknown optimizer {variant!r} (choose from {', '.join(VARIANTS)})")
    exposed = VARIANTS[variant].hyperparameters
    for name in names:
        if name not in exposed:
            raise ValueError(
                f"{variant} has no hyperparameter {name!r} (it has {', '.join(exposed)})"
            )
    if len(set(names)) != len(names):
        raise ValueError("Choose a different hyperparameter for each axis")


def sweep(
    variant: str,
    objective: Objective | str,
    start: Sequence[float],
    steps: int,
    x: Axis,
    y: Axis,
    fixed: Mapping[str, float] | None = None,
    *,
    convention: str = "pytorch",
    tolerance: float = DEFAULT_TOLERANCE,
    progress: Progress = None,
) -> Sweep:
    """Run `variant` from `start` for every (x, y) pair of hyperparameter values, in one call.

    `fixed` sets the variant's other hyperparameters (entries for the two axes are ignored; the
    rest keep the framework's defaults). Results are kept for the last step only, so a 100 × 100
    grid costs O(10⁴) memory however many steps it runs.
    """
    _check_names(variant, (x.name, y.name))
    objective = _objective(objective)
    fixed = {k: float(v) for k, v in (fixed or {}).items() if k not in (x.name, y.name)}
    x_values, y_values = x.values(), y.values()
    grid_x, grid_y = np.meshgrid(x_values, y_values)  # (ny, nx)
    optimizer = make_optimizer(variant, {**fixed, x.name: grid_x, y.name: grid_y}, convention)
    result = run(
        optimizer,
        objective,
        _starts(start, grid_x.shape),
        steps,
        record="final",
        tolerance=tolerance,
        progress=progress,
    )
    return Sweep(
        variant=variant,
        objective=objective,
        start=(float(start[0]), float(start[1])),
        steps=int(steps),
        x=x,
        y=y,
        fixed=fixed,
        convention=convention,
        tolerance=result.tolerance,
        x_values=x_values,
        y_values=y_values,
        final_params=result.final_params,
        final_loss=result.final_loss,
        best_loss=result.best_loss,
        converged_at=result.converged_at,
        diverged_at=result.diverged_at,
    )


@dataclass(frozen=True, eq=False)
class GridSearch:
    """Every combination of a few values per hyperparameter, as the course's grid search does.

    `settings[k]` are the hyperparameters of model k; the result arrays are indexed by k.
    """

    variant: str
    objective: Objective
    start: tuple[float, float]
    steps: int
    settings: tuple[dict[str, float], ...]
    final_params: np.ndarray
    final_loss: np.ndarray
    best_loss: np.ndarray
    converged_at: np.ndarray
    diverged_at: np.ndarray

    def ranking(self) -> np.ndarray:
        """Model indices from the lowest final loss to the highest, diverged runs last."""
        return np.lexsort((self.final_loss, self.diverged_at >= 0))


def grid_search(
    variant: str,
    objective: Objective | str,
    start: Sequence[float],
    steps: int,
    grid: Mapping[str, Sequence[float]] = COURSE_GRID,
    fixed: Mapping[str, float] | None = None,
    *,
    convention: str = "pytorch",
    tolerance: float = DEFAULT_TOLERANCE,
) -> GridSearch:
    """All combinations of `grid`'s values (the last name varying fastest), in one call."""
    _check_names(variant, tuple(grid))
    objective = _objective(objective)
    fixed = {k: float(v) for k, v in (fixed or {}).items() if k not in grid}
    combos = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
    settings = tuple({**fixed, **{k: float(v) for k, v in c.items()}} for c in combos)
    arrays = {name: np.array([s[name] for s in settings]) for name in grid}
    optimizer = make_optimizer(variant, {**fixed, **arrays}, convention)
    result = run(
        optimizer,
        objective,
        _starts(start, (len(settings),)),
        steps,
        record="final",
        tolerance=tolerance,
    )
    return GridSearch(
        variant=variant,
        objective=objective,
        start=(float(start[0]), float(start[1])),
        steps=int(steps),
        settings=settings,
        final_params=result.final_params,
        final_loss=result.final_loss,
        best_loss=result.best_loss,
        converged_at=result.converged_at,
        diverged_at=result.diverged_at,
    )


# -- one hyperparameter at every stop of a slider ---------------------------------------------
def run_with_stops(
    variant: str,
    objective: Objective | str,
    start: Sequence[float],
    steps: int,
    settings: Mapping[str, float],
    stops: Mapping[str, Sequence[float]],
    *,
    convention: str = "pytorch",
) -> tuple[Trajectory, dict[str, np.ndarray]]:
    """The run of `variant` with `settings`, fully recorded, and the path θ_0 … θ_steps for
    every value in `stops` of each hyperparameter named there (the others at `settings`):
    name -> (len(values), steps + 1, 2).

    All of it is one batched run, so a slider's every stop costs about one run: this is what
    lets a page redraw a path while its slider is dragged, without running anything.
    """
    _check_names(variant, tuple(stops))
    objective = _objective(objective)
    names = list(stops)
    sizes = [len(stops[name]) for name in names]
    arrays = {
        name: np.concatenate(
            [[float(settings[name])]]
            + [
                np.asarray(stops[n], dtype=float) if n == name else np.full(size, settings[name])
                for n, size in zip(names, sizes, strict=True)
            ]
        )
        for name in names
    }
    optimizer = make_optimizer(variant, {**settings, **arrays}, convention)
    result = run(optimizer, objective, _starts(start, (1 + sum(sizes),)), steps, name=variant)
    bounds = 1 + np.cumsum([0, *sizes])
    paths = {
        name: np.array(np.moveaxis(result.params[:, bounds[k] : bounds[k + 1]], 1, 0))
        for k, name in enumerate(names)
    }
    return result.take(0), paths


# -- basins of attraction -------------------------------------------------------------------
def start_grid(
    domain: tuple[tuple[float, float], tuple[float, float]], resolution: int
) -> tuple[np.ndarray, np.ndarray]:
    """`resolution` evenly spaced x and y values covering `domain`, ends included."""
    if not isinstance(resolution, int | np.integer) or not 2 <= resolution <= MAX_BASINS:
        raise ValueError(
            f"Invalid resolution: {resolution!r} (must be an integer in [2, {MAX_BASINS}])"
        )
    (x0, x1), (y0, y1) = domain
    return np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)


def basin_labels(
    objective: Objective,
    final_params: np.ndarray,
    diverged_at: np.ndarray,
    tolerance: float = BASIN_TOLERANCE,
) -> np.ndarray:
    """Index of the known minimum within `tolerance` of each final point; NOT_CONVERGED when
    none is, DIVERGED when the run blew up."""
    index, distance = objective.nearest_minimum(final_params)
    with np.errstate(invalid="ignore"):
        labels = np.where(distance <= tolerance, index, NOT_CONVERGED)
    labels = np.where(np.asarray(diverged_at) >= 0, DIVERGED, labels)
    return labels.astype(np.int8)


@dataclass(frozen=True, eq=False)
class Basins:
    """Where one optimizer ends from each start of a grid: start (x[j], y[i]) is cell (i, j)."""

    variant: str
    hyperparameters: Mapping[str, float]
    objective: Objective
    steps: int
    tolerance: float
    convention: str
    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray  # (ny, nx) int8: minimum index, NOT_CONVERGED or DIVERGED
    final_params: np.ndarray
    final_loss: np.ndarray
    converged_at: np.ndarray
    diverged_at: np.ndarray

    def start(self, row: int, column: int) -> tuple[float, float]:
        return float(self.x[column]), float(self.y[row])

    def optimizer(self) -> Optimizer:
        return make_optimizer(self.variant, self.hyperparameters, self.convention)

    def counts(self) -> dict[int, int]:
        """How many starts got each label (labels that never occur are left out)."""
        values, counts = np.unique(self.labels, return_counts=True)
        return {int(v): int(c) for v, c in zip(values, counts, strict=True)}


def basins(
    variant: str,
    hyperparameters: Mapping[str, float],
    objective: Objective | str,
    steps: int,
    resolution: int,
    *,
    domain: tuple[tuple[float, float], tuple[float, float]] | None = None,
    tolerance: float = BASIN_TOLERANCE,
    convention: str = "pytorch",
    progress: Progress = None,
) -> Basins:
    """Run `variant` from every start of a `resolution` × `resolution` grid over `domain` (the
    objective's own by default), in one call, and label each start by where it ended."""
    objective = _objective(objective)
    x, y = start_grid(domain or objective.domain, resolution)
    starts = np.stack(np.meshgrid(x, y), axis=-1)  # (ny, nx, 2)
    hyperparameters = {k: float(v) for k, v in hyperparameters.items()}
    optimizer = make_optimizer(variant, hyperparameters, convention)
    result = run(optimizer, objective, starts, steps, record="final", progress=progress)
    return Basins(
        variant=variant,
        hyperparameters=hyperparameters,
        objective=objective,
        steps=int(steps),
        tolerance=float(tolerance),
        convention=convention,
        x=x,
        y=y,
        labels=basin_labels(objective, result.final_params, result.diverged_at, tolerance),
        final_params=result.final_params,
        final_loss=result.final_loss,
        converged_at=result.converged_at,
        diverged_at=result.diverged_at,
    )


def compare_basins(
    runs: Mapping[str, tuple[str, Mapping[str, float]]],
    objective: Objective | str,
    steps: int,
    resolution: int,
    *,
    tolerance: float = BASIN_TOLERANCE,
    convention: str = "pytorch",
    progress: Progress = None,
) -> dict[str, Basins]:
    """Basins of several optimizers over the same grid: name -> (variant, hyperparameters)."""
    objective = _objective(objective)
    out = {}
    for index, (name, (variant, hyperparameters)) in enumerate(runs.items()):
        out[name] = basins(
            variant,
            hyperparameters,
            objective,
            steps,
            resolution,
            tolerance=tolerance,
            convention=convention,
            progress=_share(progress, index / len(runs), 1 / len(runs)),
        )
    return out


# -- noise and sparsity ---------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class NoiseStudy:
    """Loss histories of several optimizers under the same gradient noise, over several seeds.

    `loss[name]` is (steps + 1, seeds): seed `seeds[k]` in column k, the same draws for every
    optimizer (noise depends on seed, step and coordinate only). `clean[name]` is the run
    without noise or sparsity, for reference. `tuned` holds the α each optimizer's search
    found (None where every α diverged and the given one was kept), when one was asked for.
    """

    objective: Objective
    start: tuple[float, float]
    steps: int
    noise: float
    sparsity: float
    seeds: np.ndarray
    convention: str
    settings: Mapping[str, Mapping[str, float]]
    loss: Mapping[str, np.ndarray]
    clean: Mapping[str, np.ndarray]
    diverged_at: Mapping[str, np.ndarray]
    tuned: Mapping[str, float | None] = field(default_factory=dict)
    quantiles: tuple[float, float] = field(default=(0.25, 0.75))

    def gap(self, name: str) -> np.ndarray:
        """f − f* per step and seed (f itself when no minimum is known)."""
        floor = self.objective.min_value or 0.0
        return self.loss[name] - floor

    def summary(self, name: str, floor: float = 1e-16) -> dict[str, np.ndarray]:
        """Per step, across seeds: the mean of f − f*, its geometric mean (the mean of
        log₁₀(f − f*), f − f* floored at `floor`: the mean a log axis shows), the median and
        the band between the `quantiles` (25 % and 75 %: the middle half of the seeds)."""
        gap = self.gap(name)
        low, high = np.quantile(gap, self.quantiles, axis=1)
        with np.errstate(divide="ignore"):
            geometric = 10.0 ** np.mean(np.log10(np.maximum(gap, floor)), axis=1)
        return {
            "mean": gap.mean(axis=1),
            "geometric mean": geometric,
            "median": np.median(gap, axis=1),
            "low": low,
            "high": high,
            "clean": self.clean[name] - (self.objective.min_value or 0.0),
        }


def noise_study(
    objective: Objective | str,
    start: Sequence[float],
    steps: int,
    settings: Mapping[str, Mapping[str, float]],
    *,
    noise: float = 0.0,
    sparsity: float = 0.0,
    seeds: int = 20,
    seed: int = 0,
    tune: bool = False,
    convention: str = "pytorch",
    progress: Progress = None,
) -> NoiseStudy:
    """Each optimizer in `settings` (variant -> hyperparameters) from `start`, once per seed
    `seed`, `seed` + 1, … with gradient noise σ = `noise` and `sparsity`, plus once without.

    One call per optimizer: the seeds and the clean run form one batch of `seeds` + 1. With
    `tune`, each optimizer first gets its best α under this noise (`tune_learning_rates`).
    """
    objective = _objective(objective)
    if not isinstance(seeds, int | np.integer) or not 1 <= seeds <= MAX_SEEDS:
        raise ValueError(f"Invalid seeds: {seeds!r} (must be an integer in [1, {MAX_SEEDS}])")
    _check_names_each(settings)
    tuned: dict[str, float | None] = {}
    searched = 0.0
    if tune:
        # The search runs 13 α per seed, the study one recorded run per seed.
        searched = len(TUNING_RATES) / (len(TUNING_RATES) + RECORDING_COST)
        tuned = tune_learning_rates(
            objective,
            start,
            steps,
            settings,
            noise=noise,
            sparsity=sparsity,
            seeds=seeds,
            seed=seed,
            convention=convention,
            progress=_share(progress, 0.0, searched),
        )
        settings = {
            variant: {**h, "learning_rate": tuned[variant] or h["learning_rate"]}
            for variant, h in settings.items()
        }
    seed_values = np.arange(seed, seed + seeds, dtype=np.int64)
    batch_seeds = np.append(seed_values, seed)  # the clean run's seed is never used
    batch_noise = np.append(np.full(seeds, float(noise)), 0.0)
    batch_sparsity = np.append(np.full(seeds, float(sparsity)), 0.0)
    loss, clean, diverged_at = {}, {}, {}
    for index, (variant, hyperparameters) in enumerate(settings.items()):
        result = run(
            make_optimizer(variant, dict(hyperparameters), convention),
            objective,
            _starts(start, (seeds + 1,)),
            steps,
            noise=batch_noise,
            sparsity=batch_sparsity,
            seed=batch_seeds,
            progress=_share(
                progress,
                searched + (1 - searched) * index / len(settings),
                (1 - searched) / len(settings),
            ),
        )
        loss[variant] = result.loss[:, :seeds]
        clean[variant] = result.loss[:, seeds]
        diverged_at[variant] = result.diverged_at[:seeds]
    return NoiseStudy(
        objective=objective,
        start=(float(start[0]), float(start[1])),
        steps=int(steps),
        noise=float(noise),
        sparsity=float(sparsity),
        seeds=seed_values,
        convention=convention,
        settings={k: {n: float(v) for n, v in h.items()} for k, h in settings.items()},
        loss=loss,
        clean=clean,
        diverged_at=diverged_at,
        tuned=tuned,
    )


def _check_names_each(settings: Mapping[str, Mapping[str, float]]) -> None:
    if not settings:
        raise ValueError("Choose at least one optimizer")
    for variant, hyperparameters in settings.items():
        _check_names(variant, tuple(hyperparameters))


def tune_learning_rates(
    objective: Objective | str,
    start: Sequence[float],
    steps: int,
    settings: Mapping[str, Mapping[str, float]],
    *,
    noise: float = 0.0,
    sparsity: float = 0.0,
    seeds: int = 20,
    seed: int = 0,
    candidates: Sequence[float] = TUNING_RATES,
    convention: str = "pytorch",
    progress: Progress = None,
) -> dict[str, float | None]:
    """Each optimizer's best α among `candidates` under this noise: the lowest median final
    loss over the seeds, among the α with which no seed diverged (None if every α diverged).

    So a comparison under noise is between optimizers at their best, not at one shared α that
    suits some of them and not others. One call per optimizer: candidates × seeds trajectories.
    """
    objective = _objective(objective)
    _check_names_each(settings)
    rates = np.asarray(candidates, dtype=float)
    grid_rates, grid_seeds = np.meshgrid(rates, np.arange(seed, seed + seeds), indexing="ij")
    best: dict[str, float | None] = {}
    for index, (variant, hyperparameters) in enumerate(settings.items()):
        optimizer = make_optimizer(
            variant, {**hyperparameters, "learning_rate": grid_rates}, convention
        )
        result = run(
            optimizer,
            objective,
            _starts(start, grid_rates.shape),
            steps,
            noise=noise,
            sparsity=sparsity,
            seed=grid_seeds,
            record="final",
            progress=_share(progress, index / len(settings), 1 / len(settings)),
        )
        score = np.median(result.final_loss, axis=1)
        score[np.any(result.diverged_at >= 0, axis=1) | ~np.isfinite(score)] = np.inf
        best[variant] = float(rates[np.argmin(score)]) if np.isfinite(score).any() else None
    return best


def nearest_start(basins: Basins, point: Sequence[float]) -> tuple[int, int]:
    """The (row, column) of the grid start closest to `point`."""
    column = int(np.argmin(np.abs(basins.x - point[0])))
    row = int(np.argmin(np.abs(basins.y - point[1])))
    return row, column


def disagreement(first: Basins, second: Basins, near: Sequence[float]) -> tuple[int, int] | None:
    """Of the starts where the two optimizers end up in different places, the one closest to
    `near` (a good start to show first); None when they agree everywhere."""
    rows, columns = np.nonzero(first.labels != second.labels)
    if rows.size == 0:
        return None
    distance = np.hypot(first.x[columns] - near[0], first.y[rows] - near[1])
    k = int(np.argmin(distance))
    return int(rows[k]), int(columns[k])
