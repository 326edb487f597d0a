"""RMSProp: gradient descent divided by a running root-mean-square of the gradients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from optim.base import Hyper, Optimizer, check_range, decoupled_decay, zeros_like


class RMSPropState(NamedTuple):
    """RMSProp's state after `count` steps."""

    count: int
    square_avg: np.ndarray  # v_t, running mean of g²
    grad_avg: np.ndarray | None  # ḡ_t, running mean of g (centered only)
    momentum_buffer: np.ndarray | None


class RMSPropTerms(NamedTuple):
    denominator: np.ndarray  # √v_t + ε (PyTorch) or √(v_t + ε) (Keras, Optax); v − ḡ² centered
    effective_lr: np.ndarray  # α_t / denominator


class RMSPropRules(NamedTuple):
    """What differs between the frameworks' RMSProp."""

    # ε inside the root, √(v + ε) (Keras, Optax), or outside, √v + ε (PyTorch):
    # pytorch/pytorch#23796, google-deepmind/optax#532.
    epsilon_inside_root: bool
    # Keras and Optax scale by α before the momentum buffer (b_t = μ·b_{t−1} + α·g/√v), PyTorch
    # after it; this only matters under a learning-rate schedule.
    learning_rate_in_buffer: bool
    decoupled_weight_decay: bool  # Keras; the others add λ·θ to the gradient


RULES: dict[str, RMSPropRules] = {
    "pytorch": RMSPropRules(
        epsilon_inside_root=False, learning_rate_in_buffer=False, decoupled_weight_decay=False
    ),
    "keras": RMSPropRules(
        epsilon_inside_root=True, learning_rate_in_buffer=True, decoupled_weight_decay=True
    ),
    "optax": RMSPropRules(
        epsilon_inside_root=True, learning_rate_in_buffer=True, decoupled_weight_decay=False
    ),
}

_SHARED = {"momentum": 0.0, "centered": False, "weight_decay": 0.0}


@dataclass(frozen=True, eq=False)
class RMSProp(Optimizer):
    """RMSProp (Hinton, 2012): divide each step by the running RMS of that parameter's gradient.

    Equations (ρ is torch's `alpha`, Keras's `rho`, Optax's `decay`)::

        v_t = ρ·v_{t−1} + (1 − ρ)·g_t²
        θ_t = θ_{t−1} − α·g_t / (√v_t + ε)                 (PyTorch: ε outside the root)
        θ_t = θ_{t−1} − α·g_t / √(v_t + ε)                 (Keras, Optax: ε inside the root)

    `centered` subtracts the squared running mean of g (an estimate of the variance);
    `momentum` μ accumulates the scaled steps: b_t = μ·b_{t−1} + g_t/(√v_t + ε), θ −= α·b_t.

    Defaults: PyTorch α = 1e-2, ρ = 0.99, ε = 1e-8; Keras α = 1e-3, ρ = 0.9, ε = 1e-7;
    Optax ρ = 0.9, ε = 1e-8 (its α has no default, so torch's is used).

    Conventions: see `RULES`.

    >>> rmsprop = RMSProp(learning_rate=0.01, rho=0.99, epsilon=0.0)
    >>> theta, state = rmsprop.step(np.zeros(1), np.array([2.0]), rmsprop.init(np.zeros(1)))
    >>> state.square_avg, theta  # v_1 = (1 − ρ)·g², θ_1 = −α·g/√v_1 = −α/√(1 − ρ)
    (array([0.04]), array([-0.1]))
    """

    learning_rate: Hyper | None = None
    rho: Hyper | None = None
    epsilon: Hyper | None = None
    momentum: Hyper | None = None
    centered: bool | None = None
    weight_decay: Hyper | None = None
    convention: str = "pytorch"

    name: ClassVar[str] = "RMSProp"
    RULES: ClassVar[dict[str, RMSPropRules]] = RULES
    DEFAULTS: ClassVar[dict[str, dict[str, Any]]] = {
        "pytorch": {"learning_rate": 1e-2, "rho": 0.99, "epsilon": 1e-8, **_SHARED},
        "keras": {"learning_rate": 1e-3, "rho": 0.9, "epsilon": 1e-7, **_SHARED},
        "optax": {"learning_rate": 1e-2, "rho": 0.9, "epsilon": 1e-8, **_SHARED},
    }

    def _validate(self) -> None:
        set_ = object.__setattr__
        set_(self, "learning_rate", check_range("learning_rate", self.learning_rate, 0))
        set_(self, "rho", check_range("rho", self.rho, 0, 1))
        set_(self, "epsilon", check_range("epsilon", self.epsilon, 0))
        set_(self, "momentum", check_range("momentum", self.momentum, 0))
        set_(self, "weight_decay", check_range("weight_decay", self.weight_decay, 0))
        set_(self, "centered", bool(self.centered))

    def init(self, params: np.ndarray) -> RMSPropState:
        return RMSPropState(
            count=0,
            square_avg=zeros_like(params),
            grad_avg=zeros_like(params) if self.centered else None,
            momentum_buffer=zeros_like(params) if np.any(self.momentum) else None,
        )

    def update(
        self, grads: np.ndarray, state: RMSPropState, params: np.ndarray, hp: dict[str, Hyper]
    ) -> tuple[np.ndarray, RMSPropState]:
        learning_rate, rho, momentum = hp["learning_rate"], hp["rho"], hp["momentum"]
        g, decay = grads, 0.0
        if self.decays and self.rules.decoupled_weight_decay:
            decay = decoupled_decay(learning_rate, hp["weight_decay"], params)  # α·λ·θ_{t−1}
        elif self.decays:
            g = g + hp["weight_decay"] * params  # g_t ← g_t + λ·θ_{t−1} (L2)

        v = rho * state.square_avg + (1 - rho) * (g * g)  # v_t = ρ·v_{t−1} + (1 − ρ)·g_t²
        grad_avg = state.grad_avg
        if grad_avg is not None:
            grad_avg = rho * grad_avg + (1 - rho) * g  # ḡ_t = ρ·ḡ_{t−1} + (1 − ρ)·g_t
        new_state = RMSPropState(state.count + 1, v, grad_avg, state.momentum_buffer)
        scaled = g / self.terms(new_state, params, hp).denominator  # g_t / (√v_t + ε)

        buffer = state.momentum_buffer
        if buffer is None:
            step = learning_rate * scaled  # θ_t = θ_{t−1} − α·g_t/(√v_t + ε)
        elif self.rules.learning_rate_in_buffer:
            buffer = momentum * buffer + learning_rate * scaled  # b_t = μ·b_{t−1} + α·g_t/…
            step = buffer
        else:
            buffer = momentum * buffer + scaled  # b_t = μ·b_{t−1} + g_t/(√v_t + ε)
            step = learning_rate * buffer  # θ_t = θ_{t−1} − α·b_t
        return params - decay - step, new_state._replace(momentum_buffer=buffer)

    def terms(self, state: RMSPropState, params: np.ndarray, hp: dict[str, Hyper]) -> RMSPropTerms:
        square = state.square_avg
        if state.grad_avg is not None:
            square = square - state.grad_avg * state.grad_avg  # centered: v_t − ḡ_t²
        if self.rules.epsilon_inside_root:
            denominator = np.sqrt(square + hp["epsilon"])  # √(v_t + ε)
        else:
            denominator = np.sqrt(square) + hp["epsilon"]  # √v_t + ε
        return RMSPropTerms(denominator, effective_lr=hp["learning_rate"] / denominator)
