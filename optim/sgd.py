"""Stochastic gradient descent, with heavy-ball or Nesterov momentum."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from optim.base import Hyper, Optimizer, check_range, zeros_like


class SGDState(NamedTuple):
    """SGD's state after `count` steps: the momentum buffer (None without momentum)."""

    count: int
    momentum_buffer: np.ndarray | None


_SHARED = {"momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}


@dataclass(frozen=True, eq=False)
class SGD(Optimizer):
    """Gradient descent with optional momentum: θ_t = θ_{t−1} − α·g_t in its plain form.

    Equations (PyTorch form, momentum μ, dampening τ)::

        b_1 = g_1,   b_t = μ·b_{t−1} + (1 − τ)·g_t          (momentum buffer)
        θ_t = θ_{t−1} − α·b_t                               (heavy ball)
        θ_t = θ_{t−1} − α·(g_t + μ·b_t)                     (Nesterov)

    Defaults: α = 1e-3 (Keras 1e-2), μ = 0, τ = 0, no weight decay, nesterov off.

    Conventions: ``"pytorch"`` reproduces torch.optim.SGD, whose first step skips dampening
    (pytorch/pytorch#152833) and whose buffer holds gradients, not steps (#1099).
    ``"keras"`` keeps the velocity u_t = μ·u_{t−1} − α·g_t (the learning rate inside the
    buffer, as Sutskever et al.) and decouples weight decay; with a constant α both forms
    give the same path. ``"optax"`` is optax.sgd (trace g + μ·tr), equal to torch here.
    Keras and Optax have no dampening.
    """

    learning_rate: Hyper | None = None
    momentum: Hyper | None = None
    nesterov: bool | None = None
    weight_decay: Hyper | None = None
    dampening: Hyper | None = None
    convention: str = "pytorch"

    name: ClassVar[str] = "SGD"
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
        set_(self, "dampens", bool(np.any(self.dampening)))
        if self.convention != "pytorch" and self.dampens:
            raise ValueError(
                f"Invalid dampening: {self.dampening} (only the pytorch convention has it)"
            )
        if self.nesterov and (np.any(self.momentum <= 0) or self.dampens):
            raise ValueError("Nesterov momentum requires a momentum > 0 and zero dampening")

    @property
    def has_momentum(self) -> bool:
        return bool(np.any(self.momentum))

    def init(self, params: np.ndarray) -> SGDState:
        return SGDState(count=0, momentum_buffer=zeros_like(params) if self.has_momentum else None)

    def _apply(
        self, params: np.ndarray, grads: np.ndarray, state: SGDState, hp: dict[str, Hyper]
    ) -> tuple[np.ndarray, SGDState]:
        lr, momentum, weight_decay = hp["learning_rate"], hp["momentum"], hp["weight_decay"]
        t = state.count + 1
        buffer = state.momentum_buffer
        g = grads
        if self.decays:
            if self.convention == "keras":
                params *= 1 - lr * weight_decay  # θ ← θ − α·λ·θ (decoupled)
            else:
                g = g + weight_decay * params  # g_t ← g_t + λ·θ_{t−1} (L2)

        if self.convention == "keras":
            step = g * lr  # α·g_t
            if buffer is not None:
                buffer *= momentum
                buffer -= step  # u_t = μ·u_{t−1} − α·g_t
                if self.nesterov:
                    params += momentum * buffer - step  # θ_t = θ_{t−1} + μ·u_t − α·g_t
                else:
                    params += buffer  # θ_t = θ_{t−1} + u_t
            else:
                params -= step  # θ_t = θ_{t−1} − α·g_t
            return params, SGDState(t, buffer)

        direction = g
        if buffer is not None:
            if t == 1:
                buffer[...] = g  # b_1 = g_1 (torch skips dampening on the first step)
            else:
                # b_t = μ·b_{t−1} + (1 − τ)·g_t
                buffer *= momentum
                if self.dampens:
                    # torch ignores dampening without momentum: then b_t is just g_t
                    damp = np.where(momentum == 0, 0.0, hp["dampening"])
                    buffer += g * (1 - damp)
                else:
                    buffer += g
            # Nesterov: g_t + μ·b_t, otherwise b_t
            direction = g + momentum * buffer if self.nesterov else buffer
        params += direction * -lr  # θ_t = θ_{t−1} − α·direction
        return params, SGDState(t, buffer)

    def derived(
        self, history: dict[str, np.ndarray], hp: dict[str, Hyper]
    ) -> dict[str, np.ndarray]:
        return {"effective_lr": history["learning_rate"]}  # α_t, whatever the gradient
