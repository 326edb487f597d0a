"""Adagrad: each parameter's step shrinks with the sum of its squared gradients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from optim.base import Hyper, Optimizer, check_range


class AdagradState(NamedTuple):
    """Adagrad's state after `count` steps: the running sum of squared gradients."""

    count: int
    accumulator: np.ndarray  # s_t = s_0 + Σ g²


@dataclass(frozen=True, eq=False)
class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011): divide by the root of all squared gradients so far.

    Equations::

        s_t = s_{t−1} + g_t²
        θ_t = θ_{t−1} − α·g_t / (√s_t + ε)                  (PyTorch)
        θ_t = θ_{t−1} − α·g_t / √(s_t + ε)                  (Keras, Optax)

    Defaults: PyTorch α = 1e-2, ε = 1e-10, s_0 = 0; Keras α = 1e-3, ε = 1e-7, s_0 = 0.1;
    Optax ε = 1e-7, s_0 = 0.1 (its α has no default, so torch's is used).

    Conventions: torch.optim.Adagrad (its `lr_decay` is left to the schedules), Keras 3's
    Adagrad, optax.adagrad (which leaves a parameter untouched while s = 0).
    """

    learning_rate: Hyper | None = None
    epsilon: Hyper | None = None
    initial_accumulator_value: Hyper | None = None
    weight_decay: Hyper = 0.0
    convention: str = "pytorch"

    name: ClassVar[str] = "Adagrad"
    DEFAULTS: ClassVar[dict[str, dict[str, Any]]] = {
        "pytorch": {"learning_rate": 1e-2, "epsilon": 1e-10, "initial_accumulator_value": 0.0},
        "keras": {"learning_rate": 1e-3, "epsilon": 1e-7, "initial_accumulator_value": 0.1},
        "optax": {"learning_rate": 1e-2, "epsilon": 1e-7, "initial_accumulator_value": 0.1},
    }

    def _validate(self) -> None:
        set_ = object.__setattr__
        set_(self, "learning_rate", check_range("learning_rate", self.learning_rate, 0))
        set_(self, "epsilon", check_range("epsilon", self.epsilon, 0))
        set_(
            self,
            "initial_accumulator_value",
            check_range("initial_accumulator_value", self.initial_accumulator_value, 0),
        )
        set_(self, "weight_decay", check_range("weight_decay", self.weight_decay, 0))

    def init(self, params: np.ndarray) -> AdagradState:
        s0 = self.initial_accumulator_value
        if isinstance(s0, np.ndarray):
            s0 = s0[..., None]  # one value per trajectory, broadcast over the coordinates
        accumulator = np.zeros(np.shape(params), dtype=float)
        accumulator += s0
        return AdagradState(count=0, accumulator=accumulator)

    def _denominator(self, accumulator: np.ndarray, epsilon: Hyper) -> np.ndarray:
        if self.convention == "pytorch":
            return np.sqrt(accumulator) + epsilon  # √s_t + ε
        return np.sqrt(accumulator + epsilon)  # √(s_t + ε)

    def _apply(
        self, params: np.ndarray, grads: np.ndarray, state: AdagradState, hp: dict[str, Hyper]
    ) -> tuple[np.ndarray, AdagradState]:
        lr, epsilon, weight_decay = hp["learning_rate"], hp["epsilon"], hp["weight_decay"]
        s = state.accumulator
        g = grads
        if self.decays:
            if self.convention == "keras":
                params *= 1 - lr * weight_decay  # θ ← θ − α·λ·θ (decoupled)
            else:
                g = g + weight_decay * params  # g_t ← g_t + λ·θ_{t−1} (L2)
        s += g * g  # s_t = s_{t−1} + g_t²
        denom = self._denominator(s, epsilon)
        if self.convention == "pytorch":
            params += (-lr * g) / denom  # θ_t = θ_{t−1} − α·g_t / (√s_t + ε)
        elif self.convention == "keras":
            params -= lr * g / denom  # θ_t = θ_{t−1} − α·g_t / √(s_t + ε)
        else:
            # Optax multiplies by 1/√(s + ε), and by 0 where s is still 0
            with np.errstate(divide="ignore"):
                inverse = np.where(s > 0, 1 / denom, 0.0)
            params += -lr * (inverse * g)
        return params, AdagradState(state.count + 1, s)

    def derived(
        self, history: dict[str, np.ndarray], hp: dict[str, Hyper]
    ) -> dict[str, np.ndarray]:
        denom = self._denominator(history["accumulator"], hp["epsilon"])
        return {"effective_lr": history["learning_rate"] / denom}
