"""Summary tables of runs, as pandas DataFrames ready for `st.dataframe` and CSV."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from functions import Objective
from optim import Trajectory
from optim.catalog import VARIANTS
from viz.style import describe_hyperparameters


def settings_of(name: str, trajectory: Trajectory) -> dict:
    """The hyperparameters a run exposes (the variant's list, or every numeric one)."""
    hyperparameters = trajectory.optimizer.hyperparameters()
    if name in VARIANTS:
        return {k: hyperparameters[k] for k in VARIANTS[name].hyperparameters}
    return hyperparameters


def _step(step: np.ndarray) -> str:
    # Text, so that "never" can sit in the same column as step numbers.
    return str(int(step)) if step >= 0 else "—"


def summary_table(objective: Objective, runs: Mapping[str, Trajectory]) -> pd.DataFrame:
    """One row per run: where it ended, how low it got, when it got there or blew up."""
    rows = []
    for name, t in runs.items():
        index, distance = objective.nearest_minimum(t.final_params)
        rows.append(
            {
                "optimizer": name,
                "settings": describe_hyperparameters(settings_of(name, t)),
                "final loss": float(t.final_loss),
                "best loss": float(t.best_loss),
                "final point": f"({t.final_params[0]:.4g}, {t.final_params[1]:.4g})",
                "distance to nearest minimum": float(distance) if index >= 0 else np.nan,
                "path length": float(np.linalg.norm(np.diff(t.params, axis=0), axis=-1).sum())
                if t.params is not None
                else np.nan,
                "reached minimum at step": _step(t.converged_at),
                "diverged at step": _step(t.diverged_at),
            }
        )
    return pd.DataFrame(rows)
