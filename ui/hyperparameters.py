"""Controls for each optimizer's hyperparameters, on the scales the course material uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

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


def nearest(options: tuple[float, ...], value: float) -> float:
    """The option closest to `value` on a log scale (for defaults that are not a stop)."""
    array = np.asarray(options)
    positive = np.where(array > 0, array, np.nan)
    if value <= 0:
        return float(array[np.argmin(np.abs(array - value))])
    return float(array[np.nanargmin(np.abs(np.log(positive) - np.log(value)))])


def key_for(prefix: str, variant: str, name: str) -> str:
    """Widget key and URL parameter, e.g. "pg_adam_lr"."""
    return f"{prefix}_{VARIANTS[variant].slug}_{SHORT[name]}"


def control_for(prefix: str, variant: str, name: str, default: float) -> Control:
    key, label, help_text = key_for(prefix, variant, name), LABELS[name], HELP[name]
    if name == "learning_rate":
        return Choice(
            key,
            label,
            nearest(LEARNING_RATES, default),
            help_text,
            LEARNING_RATES,
            format_number,
            True,
        )
    if name == "beta2":
        return Choice(key, label, nearest(BETA2, default), help_text, BETA2, format_number, True)
    if name == "epsilon":
        return Choice(
            key, label, nearest(EPSILONS, default), help_text, EPSILONS, format_number, True
        )
    if name == "weight_decay":
        return Choice(
            key,
            label,
            nearest(WEIGHT_DECAYS, default),
            help_text,
            WEIGHT_DECAYS,
            format_number,
            True,
        )
    if name == "momentum":
        return Slider(key, label, float(default), help_text, 0.0, 0.99, 0.01, "%.2f")
    return Slider(key, label, float(default), help_text, 0.0, 0.999, 0.001, "%.3f")  # β1, ρ


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
