"""One comparison of optimizers on a network, described by plain values: what the Networks page
trains, and the record that keys its cache.

`RunSettings` names a data set and its options, the hidden layers, the optimizers with their
hyperparameters, the epochs, the minibatch size, the schedule and the seed; `run()` makes the
data and the network and trains every optimizer from the same θ_0 on the same minibatches
(`nets.compare`). `parse_hidden_sizes` reads hidden sizes typed as text, and
`estimated_seconds` says how long a run will take before it starts.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from nets.data import DATASETS, Dataset, load
from nets.model import MLP
from nets.schedules import ConstantThenExponential, EpochSchedule
from nets.training import GridSearch, History, Progress, compare, grid_search
from optim.base import Optimizer
from optim.catalog import make_optimizer
from optim.experiments import COURSE_GRID
from optim.inside import make_schedule
from optim.schedules import Schedule

MAX_HIDDEN_LAYERS = 4
# A run the page refuses to start: on a shared 2-core server a student waiting longer than
# this is better told to shrink the run.
MAX_SECONDS = 30.0
SCHEDULES: dict[str, str] = {
    "constant": "Constant α",
    "course": "Constant for N epochs, then ×e^−0.1 per epoch (the course's)",
    "warmup": "Warm-up from α/10 over the first tenth of the steps",
    "step": "Halve α every quarter of the steps",
    "cosine": "Cosine from α down to 0",
}
COURSE_DECAY_RATE = 0.1  # the course's e^−0.1 per epoch
# What a run costs, fitted to runs of 340 to 142 000 parameters on a 2-core machine (within a
# factor of 1.5): a fixed cost per step of each optimizer (Python, the optimizer's call), the
# update and the rate summaries per parameter, the forward and backward passes per minibatch
# row and weight, and the evaluation of the whole sets after each epoch per row and weight.
SECONDS_PER_STEP = 1.2e-4
SECONDS_PER_PARAMETER = 8e-9
SECONDS_PER_ROW_WEIGHT = 1.25e-9
SECONDS_PER_EVALUATED_ROW_WEIGHT = 6e-10


def parse_hidden_sizes(text: str) -> tuple[int, ...]:
    """Hidden layer sizes typed as text: "64, 32" or "64 32" → (64, 32).

    >>> parse_hidden_sizes("64, 32"), parse_hidden_sizes(" 16 ")
    ((64, 32), (16,))
    >>> parse_hidden_sizes("64, -3")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Invalid hidden sizes: "-3" is not a positive integer (write the size of ...
    """
    if not isinstance(text, str):
        raise ValueError(f"Invalid hidden sizes: {text!r} (must be text such as 64, 32)")
    parts = [part for part in re.split(r"[,;\s]+", text.strip()) if part]
    if not parts:
        raise ValueError(
            "Invalid hidden sizes: none given (write the size of each hidden layer, e.g. 64, 32)"
        )
    sizes = []
    for part in parts:
        if not part.isdigit() or not part.isascii() or int(part) < 1:
            raise ValueError(
                f'Invalid hidden sizes: "{part}" is not a positive integer (write the size of '
                "each hidden layer, e.g. 64, 32)"
            )
        sizes.append(int(part))
    if len(sizes) > MAX_HIDDEN_LAYERS:
        raise ValueError(
            f"Invalid hidden sizes: {len(sizes)} hidden layers (at most {MAX_HIDDEN_LAYERS})"
        )
    return tuple(sizes)


def estimated_seconds(
    model: MLP,
    rows: int,
    epochs: int,
    batch_size: int,
    models: int = 1,
    evaluated: int = 0,
    groups: int | None = None,
) -> float:
    """About how long `nets.train` or `compare` takes for `models` copies of `model` on `rows`
    training rows, with `evaluated` rows evaluated after each epoch (training and validation).
    `groups` is the number of optimizers taking their own steps (default: one per model; a
    grid search is one optimizer for all its models).

    >>> model = MLP((2, 16, 16, 1), hidden="tanh")
    >>> 0.1 < estimated_seconds(model, 400, 50, 32, models=3, evaluated=500) < 1.0
    True
    """
    steps = epochs * math.ceil(rows / batch_size)
    weights = sum(a * b for a, b in itertools.pairwise(model.sizes))
    per_model = steps * (
        SECONDS_PER_PARAMETER * model.n_parameters
        + SECONDS_PER_ROW_WEIGHT * min(batch_size, rows) * weights
    )
    per_model += epochs * evaluated * weights * SECONDS_PER_EVALUATED_ROW_WEIGHT
    return steps * SECONDS_PER_STEP * (models if groups is None else groups) + models * per_model


def make_epoch_schedule(
    kind: str, epochs: int, steps_per_epoch: int, constant_epochs: int = 50
) -> Schedule | EpochSchedule | None:
    """The schedule called `kind` (see `SCHEDULES`) for a run of `epochs` epochs; None for a
    constant α. "course" keeps α for `constant_epochs` epochs, then multiplies it by e^−0.1
    per epoch; the others are the Inside Adam page's, scaled to the run's steps."""
    if kind not in SCHEDULES:
        raise ValueError(f"Invalid schedule: {kind!r} (must be one of {', '.join(SCHEDULES)})")
    if kind == "course":
        return ConstantThenExponential(constant_epochs=constant_epochs, rate=COURSE_DECAY_RATE)
    return make_schedule(kind, epochs * steps_per_epoch)


class Runs(NamedTuple):
    """What a `RunSettings.run()` made: the data, the network and one History per optimizer."""

    data: Dataset
    model: MLP
    histories: dict[str, History]


@dataclass(frozen=True)
class RunSettings:
    """Everything one comparison depends on, as plain values (it keys a cache).

    `options` are the data set's adjustable settings other than its seed (size, noise for the
    2-D sets); the seed draws the data, θ_0 and the minibatch order. `optimizers` are
    (catalog name, ((hyperparameter, value), …)) pairs, trained in this order.
    """

    dataset: str = "moons"
    options: tuple[tuple[str, Any], ...] = ()
    hidden_sizes: tuple[int, ...] = (16, 16)
    hidden: str = "tanh"
    optimizers: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()
    epochs: int = 50
    batch_size: int = 32
    schedule: str = "constant"
    constant_epochs: int = 50
    seed: int = 0

    def __post_init__(self) -> None:
        # N matters to the course's schedule only: other runs keep 0, so that equal runs are
        # equal records (and share a cache entry).
        if self.schedule != "course":
            object.__setattr__(self, "constant_epochs", 0)

    def data(self) -> Dataset:
        """The data set, made (or read) with these options and the seed."""
        info = DATASETS.get(self.dataset)
        if info is None:
            raise ValueError(
                f"Unknown data set {self.dataset!r} (choose from {', '.join(DATASETS)})"
            )
        options = dict(self.options)
        if "seed" in info.options:
            options["seed"] = self.seed
        return load(self.dataset, **options)

    def model(self, data: Dataset) -> MLP:
        """The network for `data`: its inputs, the hidden layers, the task's output and loss."""
        return data.network(self.hidden_sizes, self.hidden)

    def make_optimizers(self) -> dict[str, Optimizer]:
        if not self.optimizers:
            raise ValueError("Invalid optimizers: none chosen")
        return {name: make_optimizer(name, dict(values)) for name, values in self.optimizers}

    def make_schedule(self, data: Dataset) -> Schedule | EpochSchedule | None:
        per_epoch = math.ceil(len(data.X) / self.batch_size)
        return make_epoch_schedule(self.schedule, self.epochs, per_epoch, self.constant_epochs)

    def seconds(self, data: Dataset, model: MLP, grid: bool = False) -> float:
        """About how long `run` takes (`grid_search` with `grid`)."""
        evaluated = len(data.X) + (0 if data.X_val is None else len(data.X_val))
        models = math.prod(len(v) for v in COURSE_GRID.values()) if grid else len(self.optimizers)
        return estimated_seconds(
            model, len(data.X), self.epochs, self.batch_size, models, evaluated, 1 if grid else None
        )

    def check_time(self, data: Dataset, model: MLP, grid: bool = False) -> None:
        """A ValueError saying how to shrink a run that would take over `MAX_SECONDS`."""
        seconds = self.seconds(data, model, grid)
        if seconds > MAX_SECONDS:
            raise ValueError(
                f"This run would take about {seconds:.0f} s (at most {MAX_SECONDS:.0f} s here): "
                "use fewer epochs, larger minibatches, fewer optimizers or a smaller network"
            )

    def prepare(self) -> tuple[Dataset, MLP, float]:
        """The data, the network and the estimated seconds of `run`, or a ValueError saying
        why this run cannot start (a bad network, one too large, or a run too long)."""
        data = self.data()
        model = self.model(data)
        self.make_optimizers()
        self.check_time(data, model)
        return data, model, self.seconds(data, model)

    def run(self, progress: Progress | None = None, data: Dataset | None = None) -> Runs:
        """Every optimizer trained from the same θ_0 on the same minibatches, with validation
        loss and accuracy when the data set has a validation set."""
        data = data or self.data()
        model = self.model(data)
        histories = compare(
            model,
            self.make_optimizers(),
            data.X,
            data.y,
            epochs=self.epochs,
            batch_size=self.batch_size,
            seed=self.seed,
            schedule=self.make_schedule(data),
            validation=data.validation,
            progress=progress,
        )
        return Runs(data, model, histories)

    def grid_search(
        self,
        fixed: Mapping[str, float] | None = None,
        progress: Progress | None = None,
        data: Dataset | None = None,
    ) -> GridSearch:
        """The course's 12 Adam models (α × β1 × β2 of `COURSE_GRID`, the rest `fixed`) on
        this data set, network, epochs, minibatches, schedule and seed, as one batched run."""
        data = data or self.data()
        return grid_search(
            self.model(data),
            data.X,
            data.y,
            "Adam",
            COURSE_GRID,
            fixed,
            epochs=self.epochs,
            batch_size=self.batch_size,
            seed=self.seed,
            schedule=self.make_schedule(data),
            validation=data.validation,
            progress=progress,
        )
