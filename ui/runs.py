"""The core calls pages share, cached on plain values (names, numbers, tuples), never on arrays.

Every cache here has a size bound (`max_entries`), chosen from what one entry holds, so that a
server's memory stays bounded however many sessions it serves; docs/serving.md adds them up.
Runs and landscapes are cached as shared resources, not copies: nothing mutates them, and a
slider move then reuses the other optimizers' runs without unpickling megabytes each time.
"""

from __future__ import annotations

import streamlit as st

from optim import Trajectory, run
from optim.catalog import make_optimizer
from ui.objectives import objective_or_error
from viz.landscape import Landscape, evaluate
from viz.paths import background_uri

# A function as pages name it: (built-in name or "custom", typed-in text, plot half-width).
FunctionKey = tuple[str, str, float]


def builtin(name: str) -> FunctionKey:
    return (name, "", 5.0)


# A 400 × 400 grid (1.3 MB) and its PNG (≈ 0.1 MB): 32 entries ≤ 45 MB.
@st.cache_resource(max_entries=32, show_spinner=False)
def landscape(function: FunctionKey, resolution: int = 400) -> tuple[Landscape, str]:
    """f on a grid over the function's domain, and its filled-contour picture as a data URI."""
    picture = evaluate(objective_or_error(*function)[0], resolution=resolution)
    return picture, background_uri(picture)


# A recorded run of 5 000 steps is about 0.7 MB: 64 entries ≤ 45 MB.
@st.cache_resource(max_entries=64, show_spinner=False)
def trajectory(
    function: FunctionKey,
    variant: str,
    settings: tuple[tuple[str, float], ...],
    steps: int,
    start: tuple[float, float],
    name: str | None = None,
) -> Trajectory:
    """One recorded run of the catalog's `variant` with `settings`, labelled `name`."""
    objective, error = objective_or_error(*function)
    if objective is None:
        raise ValueError(error)
    return run(make_optimizer(variant, dict(settings)), objective, start, steps, name=name)
