"""`run()`: an optimizer on an objective from one or many start points, recorded as a Trajectory."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

import numpy as np

from functions import Objective, get_function
from optim.base import Hyper, Optimizer, check_range
from optim.catalog import variant_of
from optim.noise import perturb, seed_keys
from optim.schedules import Schedule, factors

RECORD_MODES = ("full", "path", "final")
DEFAULT_TOLERANCE = 1e-4
DEFAULT_BOUND = 1e6
MAX_STEPS = 1_000_000
PROGRESS_EVERY = 50


@dataclass(frozen=True, eq=False)
class Trajectory:
    """What a run produced. Batch axes follow the step axis; coordinates come last.

    Always present (`record="final"` keeps only these, O(batch) memory):
    `final_params` (*batch, 2), `final_loss`, `best_loss`, `converged_at` (first step whose
    loss is within `tolerance` of the objective's lowest known minimum, −1 if never or if no
    minimum is known) and `diverged_at` (−1 if never).

    With `record="path"`: also `params` (steps+1, *batch, 2) and `loss` (steps+1, *batch) for
    θ_0 … θ_steps — what a picture of the paths needs, for many trajectories at once.

    With `record="full"`: `params` and `loss` as with "path"; `gradients` (the gradient each
    step used, noise included), `updates` (θ_t − θ_{t−1}) and `effective_lr` (the
    per-parameter factor multiplying the bias-corrected first moment or the gradient), each
    (steps, *batch, 2); `learning_rate` (steps, *batch), the scheduled α_t; and `state`, the
    optimizer state after each step by name (Adam: m, v, m_hat, v_hat and v_max with amsgrad;
    SGD: momentum_buffer; RMSProp: square_avg, grad_avg, momentum_buffer; Adagrad:
    accumulator), each (steps, *batch, 2).

    Divergence: a trajectory diverges at the first step t whose θ_t is not finite, leaves
    the box |θ| ≤ `bound`, or has a non-finite loss (a non-finite gradient makes θ_t
    non-finite, so it is caught there). From then on it stays at θ_{t−1}: later rows repeat
    it, the updates, gradients and effective learning rates of those steps are 0, and the
    state keeps its last value. No returned array holds NaN or inf.
    """

    name: str  # the optimizer's name in the catalog ("SGD + momentum"), or the one given
    optimizer: Optimizer
    objective: Objective
    steps: int
    record: str
    tolerance: float
    bound: float
    schedule: Schedule | None
    noise: Hyper
    sparsity: Hyper
    seed: int | np.ndarray
    final_params: np.ndarray
    final_loss: np.ndarray
    best_loss: np.ndarray
    converged_at: np.ndarray
    diverged_at: np.ndarray
    params: np.ndarray | None = None
    loss: np.ndarray | None = None
    gradients: np.ndarray | None = None
    updates: np.ndarray | None = None
    effective_lr: np.ndarray | None = None
    learning_rate: np.ndarray | None = None
    state: Mapping[str, np.ndarray] = field(default_factory=dict)

    def take(self, index: int, name: str | None = None) -> Trajectory:
        """Trajectory `index` of a run over a 1-D batch, as if it had been run alone: its
        arrays without the batch axis, its optimizer with that trajectory's hyperparameters.

        >>> from optim import Adam
        >>> batch = run(Adam(learning_rate=np.array([0.01, 0.1])), "sphere", [(1, 1), (1, 1)], 5)
        >>> one = batch.take(1)
        >>> one.optimizer.learning_rate, one.params.shape
        (0.1, (6, 2))
        """
        if self.final_loss.ndim != 1:
            raise ValueError(f"take() needs a 1-D batch, not shape {self.final_loss.shape}")

        def pick(value: Any, stepped: bool) -> Any:
            if not isinstance(value, np.ndarray) or value.ndim == 0:
                return value
            # A copy: a view would keep the whole batch's arrays alive.
            return np.array(value[:, index] if stepped else value[index])

        hyperparameters = {
            key: float(value[index])
            for key, value in self.optimizer.hyperparameters().items()
            if isinstance(value, np.ndarray)
        }
        return dataclasses.replace(
            self,
            name=self.name if name is None else name,
            optimizer=dataclasses.replace(self.optimizer, **hyperparameters),
            noise=pick(self.noise, False),
            sparsity=pick(self.sparsity, False),
            seed=pick(self.seed, False),
            **{f: pick(getattr(self, f), False) for f in _SUMMARY_FIELDS},
            **{f: pick(getattr(self, f), True) for f in _STEP_FIELDS},
            state={k: pick(v, True) for k, v in self.state.items()},
        )


_SUMMARY_FIELDS = ("final_params", "final_loss", "best_loss", "converged_at", "diverged_at")
_STEP_FIELDS = ("params", "loss", "gradients", "updates", "effective_lr", "learning_rate")


class _Batch(NamedTuple):
    """Per-run values with the batch axis last: scalars, or arrays of shape (B,)."""

    hp: dict[str, Hyper]
    noise: Hyper
    sparsity: Hyper
    keys: np.ndarray
    perturbed: bool  # any noise or sparsity at all (decided once, not on every step)

    def take(self, keep: np.ndarray) -> _Batch:
        def pick(x: Any) -> Any:
            return x[..., keep] if isinstance(x, np.ndarray) and x.ndim else x

        hp = {k: pick(v) for k, v in self.hp.items()}
        return _Batch(hp, pick(self.noise), pick(self.sparsity), pick(self.keys), self.perturbed)


def _flatten(name: str, value: Any, batch_shape: tuple[int, ...]) -> Any:
    """A per-trajectory value as a (B,) array, a scalar staying a scalar."""
    if not isinstance(value, np.ndarray) or value.ndim == 0:
        return value
    try:
        return np.broadcast_to(value, batch_shape).reshape(-1).copy()
    except ValueError:
        raise ValueError(
            f"{name} has shape {value.shape}, which does not fit the batch of start points "
            f"{batch_shape}"
        ) from None


def _check_start(objective: Objective, x0: Any, bound: float) -> np.ndarray:
    x0 = np.array(x0, dtype=float)
    if x0.ndim == 0 or x0.shape[-1] != 2:
        raise ValueError(f"x0 must have shape (2,) or (..., 2), not {x0.shape}")
    with np.errstate(all="ignore"):
        f, gx, gy = objective.kernel(x0[..., 0], x0[..., 1])
        ok = np.isfinite(f) & np.isfinite(gx) & np.isfinite(gy) & np.all(np.abs(x0) <= bound, -1)
    if not np.all(ok):
        bad = x0.reshape(-1, 2)[~np.broadcast_to(ok, x0.shape[:-1]).reshape(-1)][0]
        raise ValueError(
            f"{objective.title} or its gradient is not finite at the start point "
            f"({bad[0]:g}, {bad[1]:g}); choose a start where the function is defined"
        )
    return x0


def run(
    optimizer: Optimizer,
    objective: Objective | str,
    x0: Any,
    steps: int,
    *,
    schedule: Schedule | None = None,
    noise: float | np.ndarray = 0.0,
    sparsity: float | np.ndarray = 0.0,
    seed: int | np.ndarray = 0,
    record: str = "full",
    tolerance: float = DEFAULT_TOLERANCE,
    bound: float = DEFAULT_BOUND,
    progress: Callable[[float], None] | None = None,
    name: str | None = None,
) -> Trajectory:
    """Run `optimizer` on `objective` for `steps` steps from `x0`, (2,) or (*batch, 2).

    Every hyperparameter of the optimizer, and `noise`, `sparsity` and `seed`, may be an array
    of the batch shape: one value per trajectory, which is how a sweep runs in one call.
    Trajectories never interact, so a batch equals the same runs made one by one.

    `schedule` multiplies the learning rate: step t uses α·schedule(t − 1) (see
    `optim.schedules`). `noise` adds σ·N(0, 1) to each gradient coordinate and `sparsity`
    zeroes each coordinate with that probability, both drawn from `seed` (one seed for all
    trajectories gives them the same draws, so they differ only by their settings).
    `record="final"` keeps only the summary (see `Trajectory`); `tolerance` sets what counts
    as converged, `bound` what counts as diverged. `progress`, if given, is called with the
    fraction of steps done (0 … 1) every `PROGRESS_EVERY` steps, for a progress bar. `name`
    labels the run (by default the optimizer's catalog name, e.g. "Nesterov").

    >>> from optim import Adam
    >>> trajectory = run(Adam(learning_rate=0.1), "sphere", x0=(1.0, -2.0), steps=100)
    >>> trajectory.name, trajectory.params.shape, bool(trajectory.final_loss < 1e-3)
    ('Adam', (101, 2), True)
    """
    if isinstance(objective, str):
        objective = get_function(objective)
    if record not in RECORD_MODES:
        raise ValueError(f"Invalid record: {record!r} (must be 'full', 'path' or 'final')")
    if not isinstance(steps, int | np.integer) or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"Invalid steps: {steps!r} (must be an integer in [0, {MAX_STEPS}])")
    steps = int(steps)
    tolerance = float(check_range("tolerance", tolerance, 0))
    bound = float(check_range("bound", bound, 0, low_open=True))
    x0 = _check_start(objective, x0, bound)
    batch_shape = x0.shape[:-1]
    size = math.prod(batch_shape)

    flat = {
        name: _flatten(name, value, batch_shape)
        for name, value in optimizer.batch_hyperparameters(expand=False).items()
    }
    noise = check_range("noise", noise, 0)
    sparsity = check_range("sparsity", sparsity, 0, 1)
    batch = _Batch(
        hp=flat,
        noise=_flatten("noise", noise, batch_shape),
        sparsity=_flatten("sparsity", sparsity, batch_shape),
        keys=_flatten("seed", seed_keys(seed), batch_shape),
        perturbed=bool(np.any(noise) or np.any(sparsity)),
    )
    lr_factors = factors(schedule, steps)

    # Component-first layout (2, B): x and y are contiguous rows, and per-trajectory
    # hyperparameters of shape (B,) broadcast against them without a trailing axis.
    state = optimizer.init(x0)
    state = state._replace(
        **{
            name: np.ascontiguousarray(value.reshape(size, 2).T)
            for name, value in state._asdict().items()
            if isinstance(value, np.ndarray)
        }
    )
    params = np.ascontiguousarray(x0.reshape(size, 2).T)
    target = None if objective.min_value is None else objective.min_value + tolerance

    loop = _run_final if record == "final" else partial(_run_full, detail=record == "full")
    with np.errstate(all="ignore"):
        results = loop(
            optimizer, objective, params, state, batch, lr_factors, steps, bound, target, progress
        )
    if progress is not None:
        progress(1.0)

    def shaped(
        x: np.ndarray, lead: tuple[int, ...] = (), trail: tuple[int, ...] = ()
    ) -> np.ndarray:
        return np.ascontiguousarray(x).reshape(lead + batch_shape + trail)

    def coords(x: np.ndarray) -> np.ndarray:  # (T, 2, B) -> (T, *batch, 2)
        return shaped(np.moveaxis(x, 1, -1), x.shape[:1], (2,))

    extra: dict[str, Any] = {}
    if record == "path":
        extra = {"params": coords(results["params"]), "loss": shaped(results["loss"], (steps + 1,))}
    if record == "full":
        extra = {
            "params": coords(results["params"]),
            "loss": shaped(results["loss"], (steps + 1,)),
            "gradients": coords(results["gradients"]),
            "updates": coords(np.diff(results["params"], axis=0)),
            "effective_lr": coords(results["effective_lr"]),
            "learning_rate": shaped(results["learning_rate"], (steps,)),
            "state": {name: coords(value) for name, value in results["state"].items()},
        }
    return Trajectory(
        name=variant_of(optimizer) if name is None else name,
        optimizer=optimizer,
        objective=objective,
        steps=steps,
        record=record,
        tolerance=tolerance,
        bound=bound,
        schedule=schedule,
        noise=noise,
        sparsity=sparsity,
        seed=seed,
        final_params=shaped(results["final_params"].T, (), (2,)),
        final_loss=shaped(results["final_loss"]),
        best_loss=shaped(results["best_loss"]),
        converged_at=shaped(results["converged_at"].astype(np.int64)),
        diverged_at=shaped(results["diverged_at"].astype(np.int64)),
        **extra,
    )


def _hyper_at(batch: _Batch, lr_factors: np.ndarray | None, t: int) -> dict[str, Hyper]:
    """The hyperparameters of step t: the scheduled α_t = α·schedule(t − 1)."""
    if lr_factors is None:
        return batch.hp
    return {**batch.hp, "learning_rate": batch.hp["learning_rate"] * lr_factors[t - 1]}


def _run_full(
    optimizer, objective, params, state, batch, lr_factors, steps, bound, target, progress, detail
):
    """Every step recorded: θ and f always; with `detail`, also g, the state and the terms."""
    size = params.shape[1]
    names = [n for n, v in state._asdict().items() if isinstance(v, np.ndarray) and detail]
    initial = {name: getattr(state, name) for name in names}
    params_h = np.empty((steps + 1, 2, size))
    loss_h = np.empty((steps + 1, size))
    grads_h = np.empty((steps if detail else 1, 2, size))
    state_h = {name: np.empty((steps, 2, size)) for name in names}
    params_h[0] = params
    kernel, update, hp = objective.kernel, optimizer.update, batch.hp
    for t in range(1, steps + 1):
        g = grads_h[t - 1 if detail else 0]
        loss_h[t - 1], g[0], g[1] = kernel(params[0], params[1])  # loss at θ_{t−1}, g_t
        if batch.perturbed:
            g[...] = perturb(g, batch.keys, t, batch.noise, batch.sparsity)
        if lr_factors is not None:
            hp = _hyper_at(batch, lr_factors, t)
        params, state = update(g, state, params, hp)
        params_h[t] = params
        for name in names:
            state_h[name][t - 1] = getattr(state, name)
        if progress is not None and t % PROGRESS_EVERY == 0:
            progress(t / steps)
    loss_h[steps] = objective.kernel(params[0], params[1])[0]
    if not detail:
        return _path_only(params_h, loss_h, bound, target)

    lr = np.broadcast_to(batch.hp["learning_rate"], (size,))
    lr_h = (
        np.broadcast_to(lr, (steps, size))
        if lr_factors is None
        else np.multiply.outer(lr_factors, lr)
    )
    # Every derived quantity of every step at once, from the optimizer's own `terms`.
    history = state._replace(count=np.arange(1, steps + 1)[:, None, None], **state_h)
    terms = optimizer.terms(history, params_h[:-1], {**batch.hp, "learning_rate": lr_h[:, None]})
    effective_lr = np.broadcast_to(terms.effective_lr, grads_h.shape)
    recorded = {name: getattr(terms, name) for name in optimizer.RECORDED_TERMS}

    # Divergence: the first t whose θ_t or loss is not finite, or leaves the bound.
    good = np.isfinite(loss_h) & np.all(np.abs(params_h) <= bound, axis=1)
    diverged = ~good.all(axis=0)
    diverged_at = np.where(diverged, np.argmin(good, axis=0), -1)
    if diverged.any():
        rows = np.arange(steps + 1)[:, None]
        frozen = diverged & (rows >= diverged_at)  # (steps+1, B): rows that repeat θ_{d−1}
        source = np.where(frozen, diverged_at - 1, rows)
        params_h = np.take_along_axis(params_h, source[:, None, :], axis=0)
        loss_h = np.take_along_axis(loss_h, source, axis=0)
        # Per-step rows k = 0 … steps−1 hold step k+1; frozen steps are those ≥ d.
        frozen_steps = frozen[1:]
        grads_h = np.where(frozen_steps[:, None, :], 0.0, grads_h)
        effective_lr = np.where(frozen_steps[:, None, :], 0.0, effective_lr)
        # State after step d−1 (the initial state when d = 1): row d−2 of a table with the
        # initial state prepended as row −1.
        step_source = source[1:] if steps else source[:0]
        for table, start in ((state_h, initial), (recorded, dict.fromkeys(recorded, 0.0))):
            for name, values in table.items():
                first = np.broadcast_to(start[name], values.shape[1:])[None]
                padded = np.concatenate((first, values))
                table[name] = np.take_along_axis(padded, step_source[:, None, :], axis=0)

    hit = loss_h <= target if target is not None else np.zeros(loss_h.shape, dtype=bool)
    return {
        "best_loss": loss_h.min(axis=0),
        "converged_at": np.where(hit.any(axis=0), hit.argmax(axis=0), -1),
        "params": params_h,
        "loss": loss_h,
        "gradients": grads_h,
        "effective_lr": effective_lr,
        "learning_rate": lr_h,
        "state": {**state_h, **recorded},
        "final_params": params_h[-1],
        "final_loss": loss_h[-1],
        "diverged_at": diverged_at,
    }


def _path_only(params_h, loss_h, bound, target):
    """θ and f of every step, frozen from a trajectory's divergence on, and the summary."""
    good = np.isfinite(loss_h) & np.all(np.abs(params_h) <= bound, axis=1)
    diverged_at = np.where(good.all(axis=0), -1, np.argmin(good, axis=0))
    rows = np.arange(params_h.shape[0])[:, None]
    source = np.where((diverged_at >= 0) & (rows >= diverged_at), diverged_at - 1, rows)
    params_h = np.take_along_axis(params_h, source[:, None, :], axis=0)
    loss_h = np.take_along_axis(loss_h, source, axis=0)
    hit = loss_h <= target if target is not None else np.zeros(loss_h.shape, dtype=bool)
    return {
        "best_loss": loss_h.min(axis=0),
        "converged_at": np.where(hit.any(axis=0), hit.argmax(axis=0), -1),
        "params": params_h,
        "loss": loss_h,
        "final_params": params_h[-1],
        "final_loss": loss_h[-1],
        "diverged_at": diverged_at,
    }


def _run_final(
    optimizer, objective, params, state, batch, lr_factors, steps, bound, target, progress
):
    size = params.shape[1]
    final_params = np.empty((2, size))
    final_loss = np.empty(size)
    best_out = np.empty(size)
    below_out = np.zeros(size, dtype=np.int64)
    diverged_at = np.full(size, -1, dtype=np.int64)

    alive = np.arange(size)  # original index of each live trajectory
    best = np.full(size, np.inf)
    below = np.zeros(size, dtype=np.int64)  # steps so far whose best loss was above target
    previous = params  # θ_{t−2}: where a trajectory stops if θ_{t−1} turns out bad
    previous_loss = np.empty(size)
    kernel, update, hp = objective.kernel, optimizer.update, batch.hp
    for t in range(1, steps + 2):
        f, gx, gy = kernel(params[0], params[1])  # loss at θ_{t−1}
        # Fast path: four reductions; NaN fails every comparison.
        if not (
            params.max() <= bound
            and params.min() >= -bound
            and f.max() < np.inf
            and f.min() > -np.inf
        ):
            bad = ~(np.isfinite(f) & np.all(np.abs(params) <= bound, axis=0))
            if bad.any():
                lost = alive[bad]
                final_params[:, lost] = previous[:, bad]
                final_loss[lost] = previous_loss[bad]
                best_out[lost] = best[bad]
                below_out[lost] = below[bad]
                diverged_at[lost] = t - 1
                keep = ~bad
                alive, best, below = alive[keep], best[keep], below[keep]
                params, previous, previous_loss = (
                    params[:, keep],
                    previous[:, keep],
                    previous_loss[keep],
                )
                f, gx, gy = f[keep], gx[keep], gy[keep]
                state = state._replace(
                    **{
                        k: v[:, keep]
                        for k, v in state._asdict().items()
                        if isinstance(v, np.ndarray)
                    }
                )
                batch = batch.take(keep)
                hp = batch.hp
                if alive.size == 0:
                    break
        np.minimum(best, f, out=best)
        if target is not None:
            below += best > target
        if t > steps:
            break
        previous, previous_loss = params, f
        g = np.stack((gx, gy))
        if batch.perturbed:
            g = perturb(g, batch.keys, t, batch.noise, batch.sparsity)
        if lr_factors is not None:
            hp = _hyper_at(batch, lr_factors, t)
        params, state = update(g, state, params, hp)
        if progress is not None and t % PROGRESS_EVERY == 0:
            progress(t / steps)
    if alive.size:
        final_params[:, alive] = params
        final_loss[alive] = f
        best_out[alive] = best
        below_out[alive] = below
    # `below` counts the steps whose best loss was still above the target: the first step
    # within tolerance, for the trajectories whose best loss got there at all.
    reached = best_out <= target if target is not None else np.zeros(size, dtype=bool)
    return {
        "final_params": final_params,
        "final_loss": final_loss,
        "best_loss": best_out,
        "converged_at": np.where(reached, below_out, -1),
        "diverged_at": diverged_at,
    }
