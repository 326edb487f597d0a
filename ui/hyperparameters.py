"""Controls for each optimizer's hyperparameters, on the scales the course material uses."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, NamedTuple

from lessons.scenarios import Scenario, Setting
from optim.catalog import VARIANTS
from ui.controls import Choice, Control, Slider
from viz.style import format_number


def _log_options(low: int, high: int, mantissas: tuple[float, ...]) -> tuple[float, ...]:
    """1e{low} … 1e{high} with the given mantissas per decade, rounded to clean decimals."""
    values = [float(f"{m * 10.0**e:.12g}") for e in range(low, high) for m in mantissas]
    return (*values, float(10.0**high))


# α on a log scale, 1e-5 … 1, six stops per decade (0.001, 0.0015, 0.002, 0.003, 0.005, 0.007).
LEARNING_RATES = _log_options(-5, 0, (1, 1.5, 2, 3, 5, 7))
# β2 spaced so that 0.99, 0.999 and 0.9999 are each one stop apart from their neighbours.
BETA2 = (0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999, 0.99995, 0.99999)
# ε on a log scale, 1e-12 … 1, with Keras's 1e-7 and torch Adagrad's 1e-10 among the stops.
EPSILONS = _log_options(-12, 0, (1, 3))
WEIGHT_DECAYS = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 4e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)
BETAS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)
MOMENTA = (0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99)
# The hyperparameters set by stops on a select-slider (the others by a plain slider).
STOPS: dict[str, tuple[float, ...]] = {
    "learning_rate": LEARNING_RATES,
    "beta2": BETA2,
    "epsilon": EPSILONS,
    "weight_decay": WEIGHT_DECAYS,
}


class SweepRange(NamedTuple):
    """What a sweep axis over one hyperparameter offers: stops, and its default range."""

    options: tuple[float, ...]
    low: float
    high: float
    scale: str  # "log", "nines" (log of 1 − value) or "linear"


SWEEP_RANGES: dict[str, SweepRange] = {
    "learning_rate": SweepRange(LEARNING_RATES, 1e-4, 1.0, "log"),
    "beta1": SweepRange(BETAS, 0.5, 0.999, "nines"),
    "beta2": SweepRange(BETA2, 0.9, 0.99999, "nines"),
    "epsilon": SweepRange(EPSILONS, 1e-10, 1.0, "log"),
    "momentum": SweepRange(MOMENTA, 0.5, 0.99, "nines"),
    "rho": SweepRange(BETAS, 0.5, 0.9999, "nines"),
    "weight_decay": SweepRange(WEIGHT_DECAYS, 1e-4, 1.0, "log"),
}

LABELS = {
    "learning_rate": "α — learning rate",
    "beta1": "β1 — momentum of the gradient average",
    "beta2": "β2 — memory of the squared gradients",
    "epsilon": "ε — keeps the division safe",
    "momentum": "μ — momentum",
    "rho": "ρ — memory of the squared gradients",
    "weight_decay": "λ — decoupled weight decay",
}
HELP = {
    "learning_rate": "Scales every step. Adam's steps are about α long; SGD's are α·|gradient|.",
    "beta1": "How much of the previous direction m carries over: 0 = none, 0.9 = the default.",
    "beta2": "How long v remembers large gradients: 0.999 ≈ the last 1 000 steps.",
    "epsilon": "Added to √v̂. When it is much larger than the gradients, Adam becomes SGD.",
    "momentum": "How much of the previous step carries over.",
    "rho": "RMSProp's decay of the running mean of g² (torch calls it alpha).",
    "weight_decay": "Shrinks the parameters by α·λ·θ every step, apart from the gradient.",
}
SHORT = {
    "learning_rate": "lr",
    "beta1": "b1",
    "beta2": "b2",
    "epsilon": "eps",
    "momentum": "mom",
    "rho": "rho",
    "weight_decay": "wd",
}


def key_for(prefix: str, variant: str, name: str) -> str:
    """Widget key and URL parameter, e.g. "pg_adam_lr"."""
    return f"{prefix}_{VARIANTS[variant].slug}_{SHORT[name]}"


def control_for(prefix: str, variant: str, name: str, default: float) -> Control:
    """The widget of one hyperparameter: a select-slider over `STOPS` (the stop nearest to
    `default` on a log scale), or a slider for β1, ρ and momentum."""
    key, label, help_text = key_for(prefix, variant, name), LABELS[name], HELP[name]
    if name in STOPS:
        options = STOPS[name]
        choice = Choice(
            key,
            label,
            options[0],
            help=help_text,
            options=options,
            format_func=format_number,
            slider=True,
        )
        return dataclasses.replace(choice, default=choice.coerce(float(default)))
    high, step, shown = (0.99, 0.01, "%.2f") if name == "momentum" else (0.999, 0.001, "%.3f")
    return Slider(
        key, label, float(default), help=help_text, low=0.0, high=high, step=step, format=shown
    )


def controls_for(
    prefix: str, defaults: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Control]]:
    """variant -> hyperparameter -> control; `defaults` may override the framework's values."""
    controls = {}
    for variant, entry in VARIANTS.items():
        values = {**entry.defaults(), **defaults.get(variant, {})}
        controls[variant] = {
            name: control_for(prefix, variant, name, values[name]) for name in entry.hyperparameters
        }
    return controls


def setting_values(controls: Mapping[str, Mapping[str, Control]], setting: Setting) -> dict:
    """Widget key -> value for one optimizer of a scenario, on the stops the widgets offer."""
    own = controls[setting.variant]
    return {own[name].key: own[name].coerce(value) for name, value in setting.hyperparameters}


def scenario_values(controls: Mapping[str, Mapping[str, Control]], scenario: Scenario) -> dict:
    """Widget key -> value for every hyperparameter `scenario` sets (`controls` from
    `controls_for`)."""
    return {k: v for s in scenario.optimizers for k, v in setting_values(controls, s).items()}
