"""RMSProp: gradient descent divided by a running root-mean-square of the gradients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from optim.base import Hyper, Optimizer, check_range, zeros_like


class RMSPropState(NamedTuple):
    """RMSProp's state after `count` steps."""

    count: int
    square_avg: np.ndarray  # v_t, running mean of g²
    grad_avg: np.ndarray | None  # ḡ_t, running mean of g (centered only)
    momentum_buffer: np.ndarray | None


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

    Conventions: the place of ε is the classic difference (pytorch/pytorch#23796,
    google-deepmind/optax#532). Keras and Optax put α inside the momentum buffer, which only
    matters under a learning-rate schedule; Keras decouples weight decay.
    """

    learning_rate: Hyper | None = None
    rho: Hyper | None = None
    epsilon: Hyper | None = None
    momentum: Hyper | None = None
    centered: bool | None = None
    weight_decay: Hyper | None = None
    convention: str = "pytorch"

    name: ClassVar[str] = "RMSProp"
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

    @property
    def eps_in_sqrt(self) -> bool:
        return self.convention != "pytorch"

    def init(self, params: np.ndarray) -> RMSPropState:
        return RMSPropState(
            count=0,
            square_avg=zeros_like(params),
            grad_avg=zeros_like(params) if self.centered else None,
            momentum_buffer=zeros_like(params) if np.any(self.momentum) else None,
        )

    def _denominator(
        self, square_avg: np.ndarray, grad_avg: np.ndarray | None, epsilon: Hyper
    ) -> np.ndarray:
        """√(v − ḡ²) + ε (PyTorch) or √(v − ḡ² + ε) (Keras, Optax); ḡ² only when centered."""
        if grad_avg is not None:
            n = square_avg - grad_avg * grad_avg
        else:
            n = np.array(square_avg, dtype=float, copy=True)
        if self.eps_in_sqrt:
            n += epsilon
            return np.sqrt(n, out=n)
        np.sqrt(n, out=n)
        n += epsilon
        return n

    def _apply(
        self, params: np.ndarray, grads: np.ndarray, state: RMSPropState, hp: dict[str, Hyper]
    ) -> tuple[np.ndarray, RMSPropState]:
        lr, rho, epsilon = hp["learning_rate"], hp["rho"], hp["epsilon"]
        momentum, weight_decay = hp["momentum"], hp["weight_decay"]
        v, grad_avg, buffer = state.square_avg, state.grad_avg, state.momentum_buffer
        keras = self.convention == "keras"
        g = grads
        if self.decays:
            if keras:
                params *= 1 - lr * weight_decay  # θ ← θ − α·λ·θ (decoupled)
            else:
                g = g + weight_decay * params  # g_t ← g_t + λ·θ_{t−1} (L2)

        # v_t = ρ·v_{t−1} + (1 − ρ)·g_t²
        v *= rho
        v += (1 - rho) * (g * g)
        if grad_avg is not None:
            # ḡ_t = ρ·ḡ_{t−1} + (1 − ρ)·g_t
            grad_avg *= rho
            grad_avg += (1 - rho) * g
        denom = self._denominator(v, grad_avg, epsilon)

        if self.convention == "pytorch":
            scaled = g / denom  # g_t / (√v_t + ε)
            if buffer is not None:
                buffer *= momentum
                buffer += scaled  # b_t = μ·b_{t−1} + g_t/(√v_t + ε)
                scaled = buffer
            params -= lr * scaled  # θ_t = θ_{t−1} − α·b_t
        else:
            # Keras and Optax scale by α before the buffer: b_t = μ·b_{t−1} + α·g_t/√(v_t + ε)
            increment = lr * g / denom if keras else g * (1 / denom) * lr
            if buffer is not None:
                buffer *= momentum
                buffer += increment
                increment = buffer
            params -= increment
        return params, RMSPropState(state.count + 1, v, grad_avg, buffer)

    def derived(
        self, history: dict[str, np.ndarray], hp: dict[str, Hyper]
    ) -> dict[str, np.ndarray]:
        denom = self._denominator(history["square_avg"], history.get("grad_avg"), hp["epsilon"])
        return {"effective_lr": history["learning_rate"] / denom}
