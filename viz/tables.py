"""Summary tables of runs, as pandas DataFrames ready for `st.table`, `st.dataframe` and CSV."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from functions import Objective
from optim import Trajectory
from optim.catalog import VARIANTS, variant_of
from viz.style import describe_hyperparameters, format_number


def settings_of(trajectory: Trajectory) -> dict:
    """The hyperparameters a run exposes: those its catalog entry lets a page set."""
    hyperparameters = trajectory.optimizer.hyperparameters()
    return {
        k: hyperparameters[k] for k in VARIANTS[variant_of(trajectory.optimizer)].hyperparameters
    }


def _step(step: np.ndarray) -> str:
    # Text, so that "never" can sit in the same column as step numbers.
    return str(int(step)) if step >= 0 else "—"


def summary_table(objective: Objective, runs: Mapping[str, Trajectory]) -> pd.DataFrame:
    """One row per run: where it ended, how low it got, when it got there or blew up."""
    rows = []
    for name, t in runs.items():
        index, distance = objective.nearest_minimum(t.final_params)
        x, y = (format_number(v, 4) for v in t.final_params)
        rows.append(
            {
                "optimizer": name,
                "settings": describe_hyperparameters(settings_of(t)),
                "final loss": float(t.final_loss),
                "best loss": float(t.best_loss),
                "final point": f"({x}, {y})",
                "distance to nearest minimum": float(distance) if index >= 0 else np.nan,
                "path length": float(np.linalg.norm(np.diff(t.params, axis=0), axis=-1).sum())
                if t.params is not None
                else np.nan,
                "reached minimum at step": _step(t.converged_at),
                "diverged at step": _step(t.diverged_at),
            }
        )
    return pd.DataFrame(rows)


def as_text(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with its numbers written the app's one way (`format_number`, four significant
    digits) and missing ones as "—": for a static table, where 1e-12 must not read 0.0000.

    >>> as_text(pd.DataFrame({"loss": [1.5e-12, np.nan], "name": ["a", "b"]})).values.tolist()
    [['1.5e-12', 'a'], ['—', 'b']]
    """
    out = table.copy()
    for column in out.columns[out.dtypes.map(pd.api.types.is_float_dtype)]:
        out[column] = [format_number(v, 4) if np.isfinite(v) else "—" for v in out[column]]
    return out
