"""Stochastic gradient descent, with heavy-ball or Nesterov momentum."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from optim.base import Hyper, Optimizer, check_range, decoupled_decay, zeros_like


class SGDState(NamedTuple):
    """SGD's state after `count` steps: the momentum buffer (None without momentum)."""

    count: int
    momentum_buffer: np.ndarray | None


class SGDTerms(NamedTuple):
    effective_lr: Any  # α_t, the same for every parameter whatever its gradient


class SGDRules(NamedTuple):
    """What differs between the frameworks' SGD."""

    # Keras keeps the velocity u_t = μ·u_{t−1} − α_t·g_t (the learning rate inside the buffer,
    # as Sutskever et al.); PyTorch and Optax keep gradients, b_t = μ·b_{t−1} + g_t (#1099).
    # With a constant α both give the same path.
    velocity: bool
    # Keras decouples weight decay; PyTorch and Optax add λ·θ to the gradient (L2).
    decoupled_weight_decay: bool


RULES: dict[str, SGDRules] = {
    "pytorch": SGDRules(velocity=False, decoupled_weight_decay=False),
    "keras": SGDRules(velocity=True, decoupled_weight_decay=True),
    "optax": SGDRules(velocity=False, decoupled_weight_decay=False),
}

_SHARED = {"momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}


@dataclass(frozen=True, eq=False)
class SGD(Optimizer):
    """Gradient descent with optional momentum: θ_t = θ_{t−1} − α·g_t in its plain form.

    Equations (PyTorch form, momentum μ, dampening τ)::

        b_1 = g_1,   b_t = μ·b_{t−1} + (1 − τ)·g_t          (momentum buffer)
        θ_t = θ_{t−1} − α·b_t                               (heavy ball)
        θ_t = θ_{t−1} − α·(g_t + μ·b_t)                     (Nesterov)

    Defaults: α = 1e-3 (Keras 1e-2), μ = 0, τ = 0, no weight decay, nesterov off.

    Conventions (`RULES`): ``"pytorch"`` reproduces torch.optim.SGD, whose first step skips
    dampening (pytorch/pytorch#152833). ``"keras"`` keeps the velocity u_t = μ·u_{t−1} − α·g_t
    and decouples weight decay. ``"optax"`` is optax.sgd (trace g + μ·tr), equal to torch
    here. Keras and Optax have no dampening.

    >>> sgd = SGD(learning_rate=0.1, momentum=0.9)
    >>> theta, state = sgd.step(np.array([1.0]), np.array([2.0]), sgd.init(np.array([1.0])))
    >>> theta, state.momentum_buffer  # b_1 = g_1, θ_1 = θ_0 − α·b_1
    (array([0.8]), array([2.]))
    """

    learning_rate: Hyper | None = None
    momentum: Hyper | None = None
    nesterov: bool | None = None
    weight_decay: Hyper | None = None
    dampening: Hyper | None = None
    convention: str = "pytorch"

    name: ClassVar[str] = "SGD"
    RULES: ClassVar[dict[str, SGDRules]] = RULES
    DEFAULTS: ClassVar[dict[str, dict[str, Any]]] = {
        "pytorch": {**_SHARED, "learning_rate": 1e-3},
        "keras": {**_SHARED, "learning_rate": 1e-2},
        "optax": {**_SHARED, "learning_rate": 1e-3},
    }

    def _validate(self) -> None:
        set_ = object.__setattr__
        set_(self, "learning_rate", check_range("learning_rate", self.learning_rate, 0))
        set_(self, "momentum", check_range("momentum", self.momentum, 0))
        set_(self, "dampening", check_range("dampening", self.dampening, 0, 1))
        set_(self, "weight_decay", check_range("weight_decay", self.weight_decay, 0))
        set_(self, "nesterov", bool(self.nesterov))
        if self.convention != "pytorch" and np.any(self.dampening):
            raise ValueError(
                f"Invalid dampening: {self.dampening} (only the pytorch convention has it)"
            )
        if self.nesterov and (np.any(self.momentum <= 0) or np.any(self.dampening)):
            raise ValueError("Nesterov momentum requires a momentum > 0 and zero dampening")

    def init(self, params: np.ndarray) -> SGDState:
        buffer = zeros_like(params) if np.any(self.momentum) else None
        return SGDState(count=0, momentum_buffer=buffer)

    def update(
        self, grads: np.ndarray, state: SGDState, params: np.ndarray, hp: dict[str, Hyper]
    ) -> tuple[np.ndarray, SGDState]:
        learning_rate, momentum = hp["learning_rate"], hp["momentum"]
        t = state.count + 1
        g, decay = grads, 0.0
        if self.decays and self.rules.decoupled_weight_decay:
            decay = decoupled_decay(learning_rate, hp["weight_decay"], params)  # α·λ·θ_{t−1}
        elif self.decays:
            g = g + hp["weight_decay"] * params  # g_t ← g_t + λ·θ_{t−1} (L2)

        buffer = state.momentum_buffer
        if buffer is None:
            step = learning_rate * g  # θ_t = θ_{t−1} − α·g_t
        elif self.rules.velocity:
            buffer = momentum * buffer - learning_rate * g  # u_t = μ·u_{t−1} − α·g_t
            # θ_t = θ_{t−1} + u_t, or with Nesterov θ_{t−1} + μ·u_t − α·g_t
            step = learning_rate * g - momentum * buffer if self.nesterov else -buffer
        else:
            # b_1 = g_1 (torch skips dampening on the first step), b_t = μ·b_{t−1} + (1 − τ)·g_t
            buffer = np.copy(g) if t == 1 else momentum * buffer + (1 - self._dampening(hp)) * g
            direction = g + momentum * buffer if self.nesterov else buffer  # Nesterov: g + μ·b
            step = learning_rate * direction  # θ_t = θ_{t−1} − α·b_t
        return params - decay - step, SGDState(t, buffer)

    @staticmethod
    def _dampening(hp: dict[str, Hyper]) -> Hyper:
        """τ where momentum is on; torch ignores dampening without momentum (b_t = g_t)."""
        dampening, momentum = hp["dampening"], hp["momentum"]
        if not np.any(dampening):
            return 0.0
        return np.where(np.asarray(momentum) == 0, 0.0, dampening)

    def terms(self, state: SGDState, params: np.ndarray, hp: dict[str, Hyper]) -> SGDTerms:
        return SGDTerms(effective_lr=hp["learning_rate"])  # α_t, whatever the gradient
