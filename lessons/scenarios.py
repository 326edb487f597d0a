"""The one shape of a lesson: a scenario in domain terms, which every page maps onto its widgets.

A scenario says what runs (a function, a start, optimizers with their hyperparameters, a number
of steps — or, on the Networks page, a data set and a network — and for some pages a convention,
a schedule or the axes of a sweep) and what to notice.
It knows nothing about widgets: the Playground, Inside Adam, Networks and the Experiments pages
each turn it into their own controls. Every claim in a `notice` is checked by a test against
the runs the scenario produces (tests/lessons/), so the text cannot drift from what the page
shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple


class Setting(NamedTuple):
    """One optimizer of a scenario: its catalog name and the hyperparameters it sets."""

    variant: str
    hyperparameters: tuple[tuple[str, float], ...]


class SweepAxis(NamedTuple):
    """One axis of a hyperparameter sweep: which hyperparameter, over which range, spaced how."""

    name: str
    low: float
    high: float
    scale: str  # "log", "nines" (log of 1 − value) or "linear"


class Network(NamedTuple):
    """What a scenario of the Networks page trains: a data set, a network and how long.

    `size` and `noise` are the 2-D data sets' options.
    """

    dataset: str
    hidden_sizes: tuple[int, ...]
    hidden: str = "relu"  # the hidden layers' activation
    epochs: int = 50
    batch_size: int = 32
    constant_epochs: int = 25  # of the course's "constant for N epochs, then decay" schedule
    size: int = 500
    noise: float = 0.2


def optimizer(variant: str, **hyperparameters: float) -> Setting:
    """`optimizer("Adam", learning_rate=0.02)`: a scenario's optimizer, written as it reads."""
    return Setting(variant, tuple(hyperparameters.items()))


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """A lesson: what runs, and what to look at.

    >>> s = Scenario(key="k", title="t", notice="n", function="sphere", start=(1.0, 1.0),
    ...              steps=10, optimizers=(optimizer("SGD", learning_rate=0.1),))
    >>> s.settings()
    {'SGD': {'learning_rate': 0.1}}
    """

    key: str
    title: str
    notice: str
    optimizers: tuple[Setting, ...]
    # On a landscape (every page but Networks): the function, where to start, how many steps.
    function: str = ""  # a built-in's name, or "custom" with `expression`
    start: tuple[float, float] = (0.0, 0.0)
    steps: int = 0
    expression: str = ""
    convention: str = "pytorch"  # whose arithmetic (Inside Adam)
    bias_correction: bool = True
    schedule: str = "constant"  # one of the page's schedules
    step: int | None = None  # a step to open the step inspector at
    view: str = ""  # which view of the page to open with it ("" keeps the current one)
    sweep: tuple[SweepAxis, SweepAxis] | None = None  # x and y axes of a sweep
    network: Network | None = None  # what the Networks page trains (instead of a function)

    def settings(self) -> dict[str, dict[str, float]]:
        """Optimizer name -> the hyperparameters the scenario sets (the rest keep defaults)."""
        return {s.variant: dict(s.hyperparameters) for s in self.optimizers}

    def hyperparameters(self, variant: str, defaults: Mapping[str, Any]) -> dict[str, Any]:
        """`variant`'s hyperparameters: the scenario's values over `defaults`."""
        return {**defaults, **self.settings().get(variant, {})}


def by_key(scenarios: tuple[Scenario, ...]) -> dict[str, Scenario]:
    keys = [s.key for s in scenarios]
    if len(set(keys)) != len(keys):
        raise ValueError(f"Scenario keys must be unique: {keys}")
    return {s.key: s for s in scenarios}
