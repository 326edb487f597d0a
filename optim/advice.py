"""Advice computed by running the optimizer again: which learning rate would not diverge."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from functions import Objective
from optim.base import Optimizer
from optim.run import run


def stable_learning_rate(
    optimizer: Optimizer, objective: Objective | str, x0: Any, steps: int, *, halvings: int = 30
) -> float | None:
    """The largest α·2⁻ᵏ (k = 1 … `halvings`) with which the same run does not diverge.

    All candidates run as one batch (`record="final"`), so the advice costs about one run.
    Returns None if even the smallest candidate diverges.
    """
    rates = optimizer.learning_rate * 0.5 ** np.arange(1, halvings + 1)
    candidates = dataclasses.replace(optimizer, learning_rate=rates)
    starts = np.broadcast_to(np.asarray(x0, dtype=float), (halvings, 2))
    result = run(candidates, objective, starts, steps, record="final")
    stable = np.flatnonzero(result.diverged_at < 0)
    return float(rates[stable[0]]) if stable.size else None
