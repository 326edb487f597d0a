"""`train()`: minibatch training of an `MLP` with any `optim` optimizer, recorded as a History.

The run is pinned so that anyone can reproduce it: `rng = numpy.random.default_rng(seed)` once
per call; each epoch `order = rng.permutation(len(X))`; the minibatches are consecutive slices
of `order` of `batch_size` rows (the last may be smaller); one optimizer step per minibatch, on
the gradient of that minibatch's mean loss. A batch of B models (hyperparameters of shape (B,),
θ_0 of shape (B, n)) sees the same minibatches and trains in the same matrix products.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from nets.model import MLP
from nets.schedules import EpochSchedule
from optim.base import Optimizer, check_range
from optim.catalog import make_optimizer
from optim.experiments import COURSE_GRID
from optim.schedules import Schedule, factors

QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
DEFAULT_BOUND = 1e6  # |θ| beyond this counts as diverged, as in optim.run
MAX_EPOCHS = 10_000
# Per-step records grow with the steps: 1 000 000 steps of one model's rate quantiles (three
# layers) are 120 MB. A page keeps far below; this only stops a run that could not finish.
MAX_STEPS = 1_000_000
MAX_SNAPSHOTS = 60  # θ snapshots and W1 effective-rate snapshots: frames of a slider
# Memory budgets, in bytes, for what a run keeps besides its per-step scalars. With them a
# run of the largest network (200 000 parameters) keeps at most ~56 MB, and the course's
# networks keep every snapshot they ask for (20→64→1: 60 W1 snapshots are 300 KB).
SNAPSHOT_BUDGET = 32 * 2**20  # θ snapshots, float64
W1_BUDGET = 16 * 2**20  # W1 effective-rate snapshots, float32
CHUNK_BUDGET = 8 * 2**20  # per-step effective rates buffered before their quantiles are taken

Progress = Callable[[float], None]


@dataclass(frozen=True, eq=False)
class History:
    """What a training run produced. For a batch of B models a model axis follows the step
    (or epoch, or snapshot) axis; a single run has none.

    Per step s = 1 … steps (row s − 1): `step_loss` (steps[, B]), the mean loss of minibatch s
    at θ_{s−1}, before its update; `learning_rate` (steps[, B]), the scheduled α_s;
    `rate_quantiles` (steps[, B], layers, 5), the 5/25/50/75/95 % quantiles of the effective
    learning rates of each layer's parameters (W_k and b_k together) after step s — α_s/(√v̂_s + ε)
    for Adam, α_s/(√v_s + ε) for RMSProp, α_s for SGD — or None when `rates=False`.

    Per epoch e = 0 … epochs (row e, row 0 before any step): `train_loss` and `train_accuracy`
    on the whole training set, `validation_loss` and `validation_accuracy` on the validation
    set (None without one), each (epochs + 1[, B]). Accuracy is None for a regression (mse).

    Snapshots, at most `MAX_SNAPSHOTS` and bounded in memory (see `SNAPSHOT_BUDGET` and
    `W1_BUDGET`): `snapshot_params` (len(snapshot_steps)[, B], n), θ after each completed
    step count in `snapshot_steps` (0 and `steps` included); `w1_rates`
    (len(w1_steps)[, B], inputs, hidden), the effective rate of every weight of W1 after each
    step in `w1_steps` (float32; None when `rates=False`).

    Divergence: a model diverges at the first step s whose update leaves θ_s non-finite or
    outside |θ| ≤ `bound`, or whose minibatch loss is not finite. It then stays at θ_{s−1}:
    `params` and later snapshots hold θ_{s−1}, later step losses and epoch metrics are those
    of θ_{s−1} (a loss that is itself not finite is replaced by the last finite one), and its
    effective rates from step s on are 0 (it no longer moves). `diverged_at` is s and
    `diverged_epoch` the epoch (1 …) that step belongs to, −1 if never; arrays of shape
    () or (B,). No returned array holds NaN or inf.
    """

    model: MLP
    optimizer: Optimizer
    epochs: int
    batch_size: int
    seed: int
    rows: int  # training rows
    steps_per_epoch: int
    schedule: Schedule | EpochSchedule | None
    bound: float
    theta0: np.ndarray
    params: np.ndarray
    step_loss: np.ndarray
    learning_rate: np.ndarray
    train_loss: np.ndarray
    train_accuracy: np.ndarray | None
    validation_loss: np.ndarray | None
    validation_accuracy: np.ndarray | None
    rate_quantiles: np.ndarray | None
    w1_steps: np.ndarray
    w1_rates: np.ndarray | None
    snapshot_steps: np.ndarray
    snapshot_params: np.ndarray
    diverged_at: np.ndarray
    diverged_epoch: np.ndarray

    @property
    def steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """() for one model, (B,) for a batch."""
        return self.diverged_at.shape

    @property
    def epoch_of_step(self) -> np.ndarray:
        """The epoch (1 …) of each step."""
        return np.arange(self.steps) // self.steps_per_epoch + 1

    def running_loss(self) -> np.ndarray:
        """Keras's per-epoch "loss": the mean of the epoch's minibatch losses, weighted by
        their rows. (epochs[, B])."""
        rows = np.full(self.steps_per_epoch, float(self.batch_size))
        rows[-1] = self.rows - self.batch_size * (self.steps_per_epoch - 1)
        per_epoch = self.step_loss.reshape(self.epochs, self.steps_per_epoch, *self.batch_shape)
        weights = rows.reshape((1, -1) + (1,) * len(self.batch_shape))
        return (per_epoch * weights).sum(axis=1) / self.rows


def _count(name: str, value: Any, low: int, high: int | None = None) -> int:
    ok = not isinstance(value, bool) and isinstance(value, int | np.integer) and value >= low
    if not ok or (high is not None and value > high):
        upper = f" and ≤ {high:,}" if high is not None else ""
        raise ValueError(f"Invalid {name}: {value!r} (must be an integer ≥ {low}{upper})")
    return int(value)


def _models(optimizer: Optimizer, theta0: np.ndarray) -> int | None:
    """B for a batch of models, None for one: from θ_0's shape and the hyperparameter arrays."""
    sizes = {}
    for name, value in optimizer.hyperparameters().items():
        if isinstance(value, np.ndarray) and value.ndim:
            if value.ndim != 1:
                raise ValueError(
                    f"Invalid {name} shape: {value.shape} (must be a number or one value per "
                    "model, shape (B,))"
                )
            sizes[name] = value.shape[0]
    if theta0.ndim == 2:
        sizes["theta0"] = theta0.shape[0]
    if len(set(sizes.values())) > 1:
        shapes = ", ".join(f"{k}: {v}" for k, v in sizes.items())
        raise ValueError(
            f"Batch sizes disagree ({shapes}): every array must have one value per model"
        )
    return next(iter(sizes.values())) if sizes else None


def _start(model: MLP, theta0: Any, seed: int) -> np.ndarray:
    if theta0 is None:
        return model.init(seed)
    theta0 = np.array(theta0, dtype=float)  # a copy: the caller's array is never touched
    if theta0.ndim not in (1, 2) or theta0.shape[-1] != model.n_parameters:
        raise ValueError(
            f"Invalid theta0 shape: {theta0.shape} (must be ({model.n_parameters},) or "
            f"(models, {model.n_parameters}) for {model.describe()})"
        )
    if not np.all(np.isfinite(theta0)):
        raise ValueError("Invalid theta0: it holds NaN or infinite values")
    return theta0


def _step_factors(
    schedule: Schedule | EpochSchedule | None, steps_per_epoch: int, epochs: int
) -> np.ndarray | None:
    if schedule is None:
        return None
    if isinstance(schedule, EpochSchedule):
        values = schedule.per_step(steps_per_epoch, epochs)
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise ValueError("A schedule must return one finite factor ≥ 0 per epoch")
        return values
    if isinstance(schedule, Schedule):
        return factors(schedule, steps_per_epoch * epochs)
    raise ValueError(
        f"Invalid schedule: {schedule!r} (must be an optim.schedules or nets.schedules schedule)"
    )


def _evenly(first: int, last: int, count: int) -> np.ndarray:
    """Up to `count` distinct integers from `first` to `last`, evenly spread, both ends in."""
    return np.unique(np.linspace(first, last, max(1, min(count, last - first + 1))).round()).astype(
        np.int64
    )


def _layer_quantiles(values: np.ndarray, out: np.ndarray) -> None:
    """QUANTILES of `values` over its last axis into `out` (…, 5), as np.quantile's default
    (linear) method: one sort of the chunk instead of a partition per quantile."""
    ordered = np.sort(values, axis=-1)
    size = ordered.shape[-1]
    for j, q in enumerate(QUANTILES):
        position = q * (size - 1)
        low = math.floor(position)
        high = min(low + 1, size - 1)
        fraction = position - low
        lower = ordered[..., low]
        out[..., j] = lower + (ordered[..., high] - lower) * fraction


class _RateRecorder:
    """Per-step quantiles of the effective rates, per layer, and the W1 snapshots.

    np.quantile on every step would cost more than the step itself; the rates of a chunk of
    steps are buffered (within `CHUNK_BUDGET`) and reduced together.
    """

    def __init__(self, model: MLP, models: int, steps: int, w1_steps: np.ndarray) -> None:
        n = model.n_parameters
        self.slices = model.layer_slices()
        self.quantiles = np.empty((steps, models, model.n_layers, len(QUANTILES)))
        self.chunk = max(1, min(steps, CHUNK_BUDGET // (8 * models * n)))
        self.buffer = np.empty((self.chunk, models, n))
        self.filled = 0
        self.done = 0  # steps already reduced
        w1 = model.blocks[0]
        self.w1 = w1
        self.w1_rates = np.empty((len(w1_steps), models, *w1.shape), dtype=np.float32)
        self.w1_at = [*w1_steps.tolist(), -1]  # -1: no snapshot after the last
        self.next_w1 = 0

    def row(self) -> np.ndarray:
        """The buffer row (models, n) that the next step's rates go into."""
        return self.buffer[self.filled]

    def commit(self, step: int, alive: np.ndarray | None) -> None:
        """Keep the row just filled as step `step`'s rates."""
        row = self.buffer[self.filled]
        if alive is not None:
            row[~alive] = 0.0  # a stopped model no longer moves
        self.filled += 1
        if step == self.w1_at[self.next_w1]:
            shape = (row.shape[0], *self.w1.shape)
            self.w1_rates[self.next_w1] = row[:, self.w1.slice].reshape(shape)
            self.next_w1 += 1
        if self.filled == self.chunk:
            self.flush()

    def flush(self) -> None:
        if not self.filled:
            return
        rows = slice(self.done, self.done + self.filled)
        for k, layer in enumerate(self.slices):
            _layer_quantiles(self.buffer[: self.filled, :, layer], self.quantiles[rows, :, k])
        self.done += self.filled
        self.filled = 0


def _forward_fill(values: np.ndarray) -> np.ndarray:
    """Each non-finite entry replaced by the last finite one above it in its column (0 if
    none): the contract that no returned array holds NaN or inf."""
    if np.all(np.isfinite(values)):
        return values
    values = values.copy()
    for row in range(values.shape[0]):
        bad = ~np.isfinite(values[row])
        if bad.any():
            values[row][bad] = values[row - 1][bad] if row else 0.0
    return values


class _Group:
    """One optimizer's models within a run: rows `rows` of the stacked θ (B_total, n).

    Every group takes its own steps through the optimizer's public `step`; all groups share
    the forward and backward passes, which are one batched matrix product per layer.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        theta0: np.ndarray,
        start: int,
        step_factor: np.ndarray | None,
        steps: int,
    ) -> None:
        self.optimizer = optimizer
        self.theta0 = theta0
        self.batch = _models(optimizer, theta0)  # B, or None for a single model
        self.models = self.batch or 1
        self.rows = slice(start, start + self.models)
        hyperparameters = optimizer.hyperparameters()
        alpha = np.broadcast_to(np.asarray(hyperparameters["learning_rate"]), (self.models,))
        self.hp_batched = isinstance(hyperparameters["learning_rate"], np.ndarray)
        factor = np.ones(steps) if step_factor is None else step_factor
        self.lr_table = np.multiply.outer(factor, alpha)  # (steps, models): α_t of each model
        self.scheduled = step_factor is not None
        self.state: Any = None
        self.stateless = False

    def learning_rate(self, step: int) -> Any:
        """What `step` gets as learning_rate at 0-based step `step`: None without a schedule
        (the optimizer's own α), a float or one value per model."""
        if not self.scheduled:
            return None
        return self.lr_table[step] if self.hp_batched else float(self.lr_table[step, 0])


class _Settings(NamedTuple):
    """The checked arguments every run shares."""

    X: np.ndarray
    y: np.ndarray
    epochs: int
    batch_size: int
    seed: int
    snapshots: int
    bound: float
    validation: tuple[np.ndarray, np.ndarray] | None
    steps_per_epoch: int


def _check_common(
    model: MLP,
    X: Any,
    y: Any,
    epochs: Any,
    batch_size: Any,
    seed: Any,
    snapshots: Any,
    bound: Any,
    validation: Any,
) -> _Settings:
    if not isinstance(model, MLP):
        raise ValueError(f"Invalid model: {model!r} (must be a nets.MLP)")
    X, y = model.check_data(X, y)
    epochs = _count("epochs", epochs, 1, MAX_EPOCHS)
    batch_size = _count("batch_size", batch_size, 1)
    seed = _count("seed", seed, 0)
    snapshots = _count("snapshots", snapshots, 2, MAX_SNAPSHOTS)
    bound = float(check_range("bound", bound, 0, low_open=True))
    if validation is not None:
        if not isinstance(validation, tuple | list) or len(validation) != 2:
            raise ValueError("Invalid validation: must be a pair (X_val, y_val)")
        validation = model.check_data(*validation, what="validation")
    steps_per_epoch = math.ceil(X.shape[0] / batch_size)
    steps = epochs * steps_per_epoch
    if steps > MAX_STEPS:
        raise ValueError(
            f"Invalid run: {epochs:,} epochs of {steps_per_epoch:,} minibatches are {steps:,} "
            f"steps (at most {MAX_STEPS:,}; use fewer epochs or larger minibatches)"
        )
    return _Settings(X, y, epochs, batch_size, seed, snapshots, bound, validation, steps_per_epoch)


def _check_optimizer(optimizer: Any) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"Invalid optimizer: {optimizer!r} (must be an optim optimizer)")
    return optimizer


def train(
    model: MLP,
    optimizer: Optimizer,
    X: Any,
    y: Any,
    *,
    epochs: int = 50,
    batch_size: int = 32,
    seed: int = 0,
    theta0: Any = None,
    schedule: Schedule | EpochSchedule | None = None,
    validation: tuple[Any, Any] | None = None,
    bound: float = DEFAULT_BOUND,
    rates: bool = True,
    snapshots: int = MAX_SNAPSHOTS,
    progress: Progress | None = None,
) -> History:
    """Train `model` on (X, y) with `optimizer` for `epochs` epochs of minibatches.

    θ_0 is `theta0`, or `model.init(seed)` when None. A batch of B models trains at once when
    `theta0` is (B, n) or the optimizer's hyperparameters are arrays of shape (B,) (a (n,)
    `theta0` is then shared by all B); each model equals its own single run. `schedule`
    multiplies α per step (an `optim.schedules` schedule, called with the completed steps)
    or per epoch (a `nets.schedules.EpochSchedule`). `validation=(X_val, y_val)` adds
    validation loss and accuracy per epoch. `rates=False` skips the effective-rate summaries
    (a grid search needs only the losses). `snapshots` caps the number of θ and W1-rate
    snapshots. `progress`, if given, is called with the fraction done after every epoch.

    The inputs are never modified. See `History` for what is recorded and for divergence.

    >>> from optim import Adam
    >>> model = MLP((2, 8, 1), hidden="tanh")
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> y = np.array([[0.0], [1.0], [1.0], [0.0]])  # XOR
    >>> history = train(model, Adam(learning_rate=0.05), X, y, epochs=200, batch_size=4)
    >>> history.step_loss.shape, history.params.shape
    ((200,), (33,))
    >>> bool(history.train_loss[-1] < 0.1 * history.train_loss[0])
    True
    >>> float(history.train_accuracy[-1])  # on the whole training set, after the last epoch
    1.0
    """
    common = _check_common(model, X, y, epochs, batch_size, seed, snapshots, bound, validation)
    _check_optimizer(optimizer)
    theta = _start(model, theta0, common.seed)
    (history,) = _run(model, [(optimizer, theta)], common, schedule, rates, progress)
    return history


def compare(
    model: MLP,
    optimizers: Mapping[str, Optimizer],
    X: Any,
    y: Any,
    *,
    epochs: int = 50,
    batch_size: int = 32,
    seed: int = 0,
    theta0: Any = None,
    schedule: Schedule | EpochSchedule | None = None,
    validation: tuple[Any, Any] | None = None,
    bound: float = DEFAULT_BOUND,
    rates: bool = True,
    snapshots: int = MAX_SNAPSHOTS,
    progress: Progress | None = None,
) -> dict[str, History]:
    """Train one copy of `model` per optimizer, all from the same θ_0 on the same minibatches:
    {name: History}, each equal to `train` with that optimizer alone.

    Faster than one `train` call per optimizer: the copies share each step's forward and
    backward pass (one batched matrix product per layer); every optimizer then takes its own
    step through its public `step`. The other arguments are those of `train`.

    >>> from optim import SGD, Adam
    >>> model = MLP((2, 4, 1), hidden="tanh")
    >>> X, y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[1.0], [0.0]])
    >>> runs = compare(model, {"Adam": Adam(), "SGD": SGD(learning_rate=0.1)}, X, y, epochs=3)
    >>> sorted(runs), runs["SGD"].step_loss.shape
    (['Adam', 'SGD'], (3,))
    """
    common = _check_common(model, X, y, epochs, batch_size, seed, snapshots, bound, validation)
    if not optimizers:
        raise ValueError("Invalid optimizers: none given")
    theta = _start(model, theta0, common.seed)
    groups = [(_check_optimizer(o), theta) for o in optimizers.values()]
    histories = _run(model, groups, common, schedule, rates, progress)
    return dict(zip(optimizers, histories, strict=True))


def _run(
    model: MLP,
    specs: list[tuple[Optimizer, np.ndarray]],
    common: _Settings,
    schedule: Schedule | EpochSchedule | None,
    rates: bool,
    progress: Progress | None,
) -> list[History]:
    """The training loop, for one or more groups of models stacked into one θ (B_total, n)."""
    X, y, epochs, batch_size, seed, snapshots, bound, validation, steps_per_epoch = common
    rows = X.shape[0]
    steps = epochs * steps_per_epoch
    step_factor = _step_factors(schedule, steps_per_epoch, epochs)
    n = model.n_parameters
    groups: list[_Group] = []
    start = 0
    for optimizer, theta0 in specs:
        group = _Group(optimizer, theta0, start, step_factor, steps)
        groups.append(group)
        start += group.models
    models = start
    theta = np.concatenate(
        [np.broadcast_to(g.theta0, (g.models, n)) for g in groups], axis=0, dtype=float
    )

    # Snapshots: at most `snapshots`, fewer when the network is large (memory budgets).
    per_theta = 8 * models * n
    snapshot_steps = _evenly(0, steps, min(snapshots, max(2, SNAPSHOT_BUDGET // per_theta)))
    snapshot_params = np.empty((len(snapshot_steps), models, n))
    w1_size = 4 * models * model.blocks[0].size
    w1_steps = _evenly(1, steps, min(snapshots, max(2, W1_BUDGET // w1_size))) if rates else None
    recorder = _RateRecorder(model, models, steps, w1_steps) if rates else None

    step_loss = np.empty((steps, models))
    metrics = {
        name: np.empty((epochs + 1, models))
        for name in ("train_loss", "train_accuracy", "validation_loss", "validation_accuracy")
    }
    sets = {"train": (X, y)}
    if validation is not None:
        sets["validation"] = validation

    def evaluate(epoch: int) -> None:
        for prefix, data in sets.items():
            loss, accuracy = model._evaluate(theta, *data)
            metrics[f"{prefix}_loss"][epoch] = loss
            if accuracy is not None:
                metrics[f"{prefix}_accuracy"][epoch] = accuracy

    alive = np.ones(models, dtype=bool)
    everyone = True  # all models alive: the fast path skips the masks
    diverged_at = np.full(models, -1, dtype=np.int64)
    for g in groups:
        g.state = g.optimizer.init(theta[g.rows])
        # An optimizer without per-parameter state (SGD without momentum) scales every
        # parameter by α_t alone.
        g.stateless = not any(isinstance(x, np.ndarray) for x in g.state)
    single = groups[0] if len(groups) == 1 else None
    rng = np.random.default_rng(seed)
    step = 0
    with np.errstate(all="ignore"):
        evaluate(0)
        snapshot_params[0] = theta
        next_snapshot = 1
        snapshot_at = [*snapshot_steps.tolist(), -1]  # -1: no snapshot after the last
        next_step = snapshot_at[1]
        for epoch in range(1, epochs + 1):
            order = rng.permutation(rows)
            X_epoch, y_epoch = X[order], y[order]
            for start in range(0, rows, batch_size):
                stop = start + batch_size
                # A fresh array each step: a pure optimizer may keep the gradient it was given
                # in its new state (b_1 = g_1), so this one must never be written again.
                grad = np.empty_like(theta)
                loss = model._loss_and_gradient(
                    theta, X_epoch[start:stop], y_epoch[start:stop], grad
                )
                step_loss[step] = loss
                if single is not None:
                    new_theta = _take_step(single, theta, grad, step)
                else:
                    new_theta = np.concatenate(
                        [_take_step(g, theta[g.rows], grad[g.rows], step) for g in groups]
                    )
                step += 1
                # NaN fails both comparisons, so one max and one min find every bad model.
                ok = (new_theta.max(axis=1) <= bound) & (new_theta.min(axis=1) >= -bound)
                ok &= np.isfinite(loss)
                if not (everyone and ok.all()):
                    diverged_at[alive & ~ok] = step
                    alive &= ok
                    everyone = False
                    new_theta = np.where(alive[:, None], new_theta, theta)
                theta = new_theta
                if recorder is not None:
                    row = recorder.row()
                    for g in groups:
                        row[g.rows] = _rate(g, step - 1)
                    recorder.commit(step, None if everyone else alive)
                if step == next_step:
                    snapshot_params[next_snapshot] = theta
                    next_snapshot += 1
                    next_step = snapshot_at[next_snapshot]
            evaluate(epoch)
            if progress is not None:
                progress(epoch / epochs)
    if recorder is not None:
        recorder.flush()

    diverged_epoch = np.where(diverged_at > 0, (diverged_at - 1) // steps_per_epoch + 1, -1)
    classifier = model.is_classifier
    histories = []
    for g in groups:

        def out(values: np.ndarray | None, g: _Group = g) -> np.ndarray | None:
            """The group's models (axis 1), the axis dropped for a single model."""
            if values is None:
                return None
            values = values[:, g.rows]
            values = _forward_fill(values) if values.dtype.kind == "f" else values
            return values if g.batch else values[:, 0]

        def last(values: np.ndarray, g: _Group = g) -> np.ndarray:
            return values[g.rows] if g.batch else values[g.rows][0]

        histories.append(
            History(
                model=model,
                optimizer=g.optimizer,
                epochs=epochs,
                batch_size=batch_size,
                seed=seed,
                rows=rows,
                steps_per_epoch=steps_per_epoch,
                schedule=schedule,
                bound=bound,
                theta0=g.theta0.copy(),
                params=last(theta).copy(),
                step_loss=out(step_loss),
                learning_rate=g.lr_table if g.batch else g.lr_table[:, 0],
                train_loss=out(metrics["train_loss"]),
                train_accuracy=out(metrics["train_accuracy"]) if classifier else None,
                validation_loss=out(metrics["validation_loss"]) if validation is not None else None,
                validation_accuracy=(
                    out(metrics["validation_accuracy"])
                    if validation is not None and classifier
                    else None
                ),
                rate_quantiles=out(recorder.quantiles) if recorder is not None else None,
                w1_steps=w1_steps if rates else np.zeros(0, dtype=np.int64),
                w1_rates=out(recorder.w1_rates) if recorder is not None else None,
                snapshot_steps=snapshot_steps,
                snapshot_params=out(snapshot_params),
                diverged_at=last(diverged_at),
                diverged_epoch=last(diverged_epoch),
            )
        )
    return histories


def _take_step(group: _Group, theta: np.ndarray, grad: np.ndarray, step: int) -> np.ndarray:
    """The group's optimizer step on its rows; its state moves on."""
    lr = group.learning_rate(step)
    if lr is None:
        new_theta, group.state = group.optimizer.step(theta, grad, group.state)
    else:
        new_theta, group.state = group.optimizer.step(theta, grad, group.state, learning_rate=lr)
    return new_theta


def _rate(group: _Group, step: int) -> Any:
    """The per-parameter effective rates of the group's models after 0-based step `step`."""
    if group.stateless:
        alpha_t = group.lr_table[step]
        return alpha_t[:, None]
    lr = group.learning_rate(step)
    if lr is None:
        return group.optimizer.effective_learning_rate(group.state)
    return group.optimizer.effective_learning_rate(group.state, learning_rate=lr)


@dataclass(frozen=True, eq=False)
class GridSearch:
    """Every combination of a few values per hyperparameter, trained as one batch of models.

    `settings[k]` are the hyperparameters of model k (the last name of the grid varies
    fastest); `history` is the batched History, its model axis indexed by k.
    """

    variant: str
    settings: tuple[dict[str, float], ...]
    history: History

    @property
    def final_loss(self) -> np.ndarray:
        """Each model's loss on the whole training set after the last epoch."""
        return self.history.train_loss[-1]

    @property
    def final_validation_loss(self) -> np.ndarray | None:
        loss = self.history.validation_loss
        return None if loss is None else loss[-1]

    def ranking(self) -> np.ndarray:
        """Model indices from the lowest final loss to the highest, diverged models last."""
        return np.lexsort((self.final_loss, self.history.diverged_at >= 0))


def grid_search(
    model: MLP,
    X: Any,
    y: Any,
    variant: str = "Adam",
    grid: Mapping[str, Sequence[float]] = COURSE_GRID,
    fixed: Mapping[str, float] | None = None,
    *,
    convention: str = "pytorch",
    epochs: int = 50,
    batch_size: int = 32,
    seed: int = 0,
    theta0: Any = None,
    schedule: Schedule | EpochSchedule | None = None,
    validation: tuple[Any, Any] | None = None,
    rates: bool = False,
    progress: Progress | None = None,
) -> GridSearch:
    """The course's grid search — by default α ∈ {0.001, 0.01, 0.1} × β1 ∈ {0.9, 0.95} ×
    β2 ∈ {0.999, 0.9999}, 12 models of `variant` — as one batched `train` call.

    Every model starts from the same θ_0 (`theta0`, or `model.init(seed)`) and sees the same
    minibatches, so the models differ only by their hyperparameters.
    """
    if not grid:
        raise ValueError("Invalid grid: it names no hyperparameter")
    combos = list(itertools.product(*(tuple(values) for values in grid.values())))
    fixed = {k: float(v) for k, v in (fixed or {}).items() if k not in grid}
    settings = tuple(
        {**fixed, **{k: float(v) for k, v in zip(grid, values, strict=True)}} for values in combos
    )
    arrays = {name: np.array([s[name] for s in settings]) for name in grid}
    optimizer = make_optimizer(variant, {**fixed, **arrays}, convention)
    if theta0 is None:
        theta0 = model.init(seed)
    theta0 = np.asarray(theta0, dtype=float)
    if theta0.ndim == 1:
        theta0 = np.broadcast_to(theta0, (len(settings), theta0.shape[0]))
    history = train(
        model,
        optimizer,
        X,
        y,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        theta0=theta0,
        schedule=schedule,
        validation=validation,
        rates=rates,
        progress=progress,
    )
    return GridSearch(variant=variant, settings=settings, history=history)
