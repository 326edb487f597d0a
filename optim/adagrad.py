"""Adagrad: each parameter's step shrinks with the sum of its squared gradients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from optim.base import Hyper, Optimizer, check_range, decoupled_decay


class AdagradState(NamedTuple):
    """Adagrad's state after `count` steps: the running sum of squared gradients."""

    count: int
    accumulator: np.ndarray  # s_t = s_0 + Σ g²


class AdagradTerms(NamedTuple):
    effective_lr: np.ndarray  # α_t/(√s_t + ε), or α_t/√(s_t + ε); Optax: 0 while s_t = 0


class AdagradRules(NamedTuple):
    """What differs between the frameworks' Adagrad."""

    epsilon_inside_root: bool  # √(s + ε) (Keras, Optax) or √s + ε (PyTorch)
    skip_zero_accumulator: bool  # Optax leaves a parameter untouched while s = 0
    decoupled_weight_decay: bool  # Keras; PyTorch adds λ·θ to the gradient


RULES: dict[str, AdagradRules] = {
    "pytorch": AdagradRules(
        epsilon_inside_root=False, skip_zero_accumulator=False, decoupled_weight_decay=False
    ),
    "keras": AdagradRules(
        epsilon_inside_root=True, skip_zero_accumulator=False, decoupled_weight_decay=True
    ),
    "optax": AdagradRules(
        epsilon_inside_root=True, skip_zero_accumulator=True, decoupled_weight_decay=False
    ),
}


@dataclass(frozen=True, eq=False)
class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011): divide by the root of all squared gradients so far.

    Equations::

        s_t = s_{t−1} + g_t²
        θ_t = θ_{t−1} − α·g_t / (√s_t + ε)                  (PyTorch)
        θ_t = θ_{t−1} − α·g_t / √(s_t + ε)                  (Keras, Optax)

    Defaults: PyTorch α = 1e-2, ε = 1e-10, s_0 = 0; Keras α = 1e-3, ε = 1e-7, s_0 = 0.1;
    Optax ε = 1e-7, s_0 = 0.1 (its α has no default, so torch's is used).

    Conventions (`RULES`): torch.optim.Adagrad (its `lr_decay` is left to the schedules),
    Keras 3's Adagrad, optax.adagrad.

    >>> adagrad = Adagrad(learning_rate=0.5, epsilon=0.0)
    >>> theta, state = adagrad.step(np.zeros(1), np.array([4.0]), adagrad.init(np.zeros(1)))
    >>> state.accumulator, theta  # s_1 = g², θ_1 = −α·g/√s_1
    (array([16.]), array([-0.5]))
    """

    learning_rate: Hyper | None = None
    epsilon: Hyper | None = None
    initial_accumulator_value: Hyper | None = None
    weight_decay: Hyper = 0.0
    convention: str = "pytorch"

    name: ClassVar[str] = "Adagrad"
    RULES: ClassVar[dict[str, AdagradRules]] = RULES
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
        return AdagradState(count=0, accumulator=np.zeros(np.shape(params)) + s0)

    def update(
        self, grads: np.ndarray, state: AdagradState, params: np.ndarray, hp: dict[str, Hyper]
    ) -> tuple[np.ndarray, AdagradState]:
        g, decay = grads, 0.0
        if self.decays and self.rules.decoupled_weight_decay:
            decay = decoupled_decay(hp["learning_rate"], hp["weight_decay"], params)
        elif self.decays:
            g = g + hp["weight_decay"] * params  # g_t ← g_t + λ·θ_{t−1} (L2)
        new_state = AdagradState(state.count + 1, state.accumulator + g * g)  # s_t = s_{t−1} + g²
        step = self.terms(new_state, params, hp).effective_lr * g  # α·g_t / (√s_t + ε)
        return params - decay - step, new_state

    def terms(self, state: AdagradState, params: np.ndarray, hp: dict[str, Hyper]) -> AdagradTerms:
        s, epsilon = state.accumulator, hp["epsilon"]
        if self.rules.epsilon_inside_root:
            denominator = np.sqrt(s + epsilon)  # √(s_t + ε)
        else:
            denominator = np.sqrt(s) + epsilon  # √s_t + ε
        with np.errstate(divide="ignore"):  # Optax's s may still be 0: its rate is 0 there
            rate = hp["learning_rate"] / denominator
        if self.rules.skip_zero_accumulator:
            rate = np.where(s > 0, rate, 0.0)
        return AdagradTerms(effective_lr=rate)
