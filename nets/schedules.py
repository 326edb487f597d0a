"""Learning-rate schedules that change α once per epoch, as Keras's LearningRateScheduler does.

`optim.schedules` holds the per-step schedules (torch's LR schedulers); `train` accepts both.
An epoch schedule is called with the number of completed epochs e = 0, 1, 2, … and returns the
factor that multiplies α during epoch e + 1; every step of that epoch uses it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


class EpochSchedule:
    """Base of the per-epoch schedules: `schedule(e)` is the factor for completed epochs e."""

    def __call__(self, epoch: np.ndarray | int) -> np.ndarray:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def per_step(self, steps_per_epoch: int, epochs: int) -> np.ndarray:
        """The factor of every step of a run, epoch by epoch: (epochs · steps_per_epoch,)."""
        return np.repeat(np.asarray(self(np.arange(epochs)), dtype=float), steps_per_epoch)


@dataclass(frozen=True)
class ConstantThenExponential(EpochSchedule):
    """α for the first `constant_epochs` epochs, then ×e^−rate per epoch.

    factor(e) = 1 for e < N, e^(−rate·(e − N + 1)) from then on: the course's decay, and the
    example of Keras's `LearningRateScheduler` docs (``lr if epoch < N else lr *
    exp(-0.1)``, applied to the previous epoch's rate), with N = 50 and rate 0.1.

    >>> schedule = ConstantThenExponential(constant_epochs=2, rate=0.1)
    >>> schedule(np.arange(5)).round(4)
    array([1.    , 1.    , 0.9048, 0.8187, 0.7408])
    """

    constant_epochs: int = 50
    rate: float = 0.1

    def __post_init__(self) -> None:
        n = self.constant_epochs
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise ValueError(f"Invalid constant_epochs: {n!r} (must be an integer ≥ 0)")
        rate = self.rate
        if not isinstance(rate, int | float) or not math.isfinite(rate) or rate < 0:
            raise ValueError(f"Invalid rate: {rate!r} (must be a number ≥ 0)")

    def __call__(self, epoch: np.ndarray | int) -> np.ndarray:
        epoch = np.asarray(epoch, dtype=float)
        return np.exp(-self.rate * np.maximum(epoch - self.constant_epochs + 1, 0))

    def describe(self) -> str:
        return f"constant for {self.constant_epochs} epochs, then ×e^−{self.rate:g} per epoch"
