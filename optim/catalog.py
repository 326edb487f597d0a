"""The optimizers the app offers by name, which hyperparameters each exposes, and their defaults.

"SGD + momentum", "Nesterov" and "AMSGrad" are settings of `SGD` and `Adam`, not classes of their
own; this module is where those names are turned into optimizer objects, so the pages, the
exports and the tests all agree on what "Nesterov" means.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from optim.adagrad import Adagrad
from optim.adam import Adam, AdamW
from optim.base import Optimizer
from optim.rmsprop import RMSProp
from optim.sgd import SGD

# What each hyperparameter is called on screen and in exports.
SYMBOLS: dict[str, str] = {
    "learning_rate": "α",
    "beta1": "β1",
    "beta2": "β2",
    "epsilon": "ε",
    "momentum": "μ",
    "rho": "ρ",
    "weight_decay": "λ",
}


@dataclass(frozen=True)
class Variant:
    """A named optimizer setting: its class, fixed flags and the hyperparameters it exposes."""

    name: str
    slug: str  # short id for URLs and widget keys
    cls: type[Optimizer]
    hyperparameters: tuple[str, ...]
    fixed: tuple[tuple[str, Any], ...] = ()
    # Defaults that differ from the framework's because the variant needs them (a momentum
    # variant with momentum 0 would be plain SGD).
    overrides: tuple[tuple[str, Any], ...] = ()

    def defaults(self, convention: str = "pytorch") -> dict[str, Any]:
        """The exposed hyperparameters at the framework's defaults (and this variant's)."""
        optimizer = self.cls(**dict(self.fixed), **dict(self.overrides), convention=convention)
        return {name: getattr(optimizer, name) for name in self.hyperparameters}

    def make(self, convention: str = "pytorch", **hyperparameters: Any) -> Optimizer:
        """The optimizer with these hyperparameters; the rest at the framework's defaults."""
        unknown = set(hyperparameters) - set(self.hyperparameters)
        if unknown:
            raise ValueError(f"{self.name} has no hyperparameter {', '.join(sorted(unknown))}")
        settings = {**dict(self.overrides), **hyperparameters, **dict(self.fixed)}
        return self.cls(**settings, convention=convention)


_ADAM = ("learning_rate", "beta1", "beta2", "epsilon")
VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant("Adam", "adam", Adam, _ADAM),
        Variant("AdamW", "adamw", AdamW, (*_ADAM, "weight_decay")),
        Variant("AMSGrad", "amsgrad", Adam, _ADAM, fixed=(("amsgrad", True),)),
        Variant("SGD", "sgd", SGD, ("learning_rate",)),
        Variant(
            "SGD + momentum",
            "momentum",
            SGD,
            ("learning_rate", "momentum"),
            overrides=(("momentum", 0.9),),
        ),
        Variant(
            "Nesterov",
            "nesterov",
            SGD,
            ("learning_rate", "momentum"),
            fixed=(("nesterov", True),),
            overrides=(("momentum", 0.9),),
        ),
        Variant("RMSProp", "rmsprop", RMSProp, ("learning_rate", "rho", "epsilon")),
        Variant("Adagrad", "adagrad", Adagrad, ("learning_rate", "epsilon")),
    )
}


def variant_of(optimizer: Optimizer) -> str:
    """The catalog name of an optimizer: "Nesterov" for SGD(momentum=0.9, nesterov=True).

    >>> variant_of(make_optimizer("AMSGrad")), variant_of(SGD(momentum=0.9))
    ('AMSGrad', 'SGD + momentum')
    """
    if isinstance(optimizer, AdamW):
        return "AdamW"
    if isinstance(optimizer, Adam):
        return "AMSGrad" if optimizer.amsgrad else "Adam"
    if isinstance(optimizer, SGD):
        if optimizer.nesterov:
            return "Nesterov"
        return "SGD + momentum" if np.any(optimizer.momentum) else "SGD"
    return optimizer.name


def make_optimizer(
    variant: str, hyperparameters: Mapping[str, Any] | None = None, convention: str = "pytorch"
) -> Optimizer:
    """`make_optimizer("Nesterov", {"learning_rate": 1e-3})` -> SGD(..., nesterov=True)."""
    try:
        entry = VARIANTS[variant]
    except KeyError:
        raise ValueError(
            f"Unknown optimizer {variant!r} (choose from {', '.join(VARIANTS)})"
        ) from None
    return entry.make(convention, **dict(hyperparameters or {}))
