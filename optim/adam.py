"""Adam, AdamW and AMSGrad, written beside the equations a student reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from optim.base import Hyper, Optimizer, check_range, zeros_like


class AdamState(NamedTuple):
    """Adam's state after `count` steps: the two moment estimates and, for AMSGrad, v_max."""

    count: int
    m: np.ndarray  # first moment (mean of gradients)
    v: np.ndarray  # second moment (uncentred variance of gradients)
    v_max: np.ndarray | None  # AMSGrad's running maximum (None without amsgrad)


_SHARED = {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "amsgrad": False}


@dataclass(frozen=True, eq=False)
class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): momentum on the gradient, scaled per parameter by its RMS.

    Equations (step t, gradient g_t, bc1 = 1 − β1ᵗ, bc2 = 1 − β2ᵗ)::

        m_t = β1·m_{t−1} + (1 − β1)·g_t
        v_t = β2·v_{t−1} + (1 − β2)·g_t²
        m̂_t = m_t / bc1          v̂_t = v_t / bc2
        θ_t = θ_{t−1} − α·m̂_t / (√v̂_t + ε)

    Defaults: α = 1e-3, β1 = 0.9, β2 = 0.999, ε = 1e-8 (Keras: ε = 1e-7), no weight decay.
    `weight_decay` is L2, added to the gradient (g ← g + λθ) as torch.optim.Adam does; see
    `AdamW` for the decoupled form. `amsgrad=True` keeps v_max = max(v_max, v) and divides by it.
    `bias_correction=False` drops the division by bc1 and bc2 (m̂ = m, v̂ = v): not something
    any framework offers, but it shows what the correction is for — the first step is then
    about α(1 − β1)/√(1 − β2) ≈ 3.2α instead of α.

    Conventions: ``"pytorch"`` (default) reproduces torch.optim.Adam: ε is added to √v̂, and
    AMSGrad takes its max on the raw v (pytorch/pytorch#142323). ``"keras"`` reproduces Keras 3:
    the paper's "efficient" form α_t = α·√bc2/bc1, θ −= α_t·m/(√v + ε̂), so ε̂ acts like ε·√bc2
    (keras-team/keras#17391), and any weight decay is decoupled. ``"optax"`` reproduces
    optax.adam/adamw/amsgrad, whose AMSGrad takes the max on the bias-corrected v̂
    (google-deepmind/optax#1389); its learning rate has no default, so torch's is used.
    """

    learning_rate: Hyper | None = None
    beta1: Hyper | None = None
    beta2: Hyper | None = None
    epsilon: Hyper | None = None
    weight_decay: Hyper | None = None
    amsgrad: bool | None = None
    bias_correction: bool = True
    convention: str = "pytorch"

    name: ClassVar[str] = "Adam"
    decoupled: ClassVar[bool] = False  # AdamW sets it; Keras decouples every weight decay anyway
    DEFAULTS: ClassVar[dict[str, dict[str, Any]]] = {
        "pytorch": {**_SHARED, "epsilon": 1e-8, "weight_decay": 0.0},
        "keras": {**_SHARED, "epsilon": 1e-7, "weight_decay": 0.0},
        "optax": {**_SHARED, "epsilon": 1e-8, "weight_decay": 0.0},
    }

    def _validate(self) -> None:
        set_ = object.__setattr__
        set_(self, "learning_rate", check_range("learning_rate", self.learning_rate, 0))
        set_(self, "beta1", check_range("beta1", self.beta1, 0, 1, high_open=True))
        set_(self, "beta2", check_range("beta2", self.beta2, 0, 1, high_open=True))
        set_(self, "epsilon", check_range("epsilon", self.epsilon, 0))
        set_(self, "weight_decay", check_range("weight_decay", self.weight_decay, 0))
        set_(self, "amsgrad", bool(self.amsgrad))
        set_(self, "bias_correction", bool(self.bias_correction))

    def init(self, params: np.ndarray) -> AdamState:
        v_max = zeros_like(params) if self.amsgrad else None
        return AdamState(count=0, m=zeros_like(params), v=zeros_like(params), v_max=v_max)

    def _apply(
        self, params: np.ndarray, grads: np.ndarray, state: AdamState, hp: dict[str, Hyper]
    ) -> tuple[np.ndarray, AdamState]:
        lr, beta1, beta2 = hp["learning_rate"], hp["beta1"], hp["beta2"]
        epsilon, weight_decay = hp["epsilon"], hp["weight_decay"]
        m, v, v_max = state.m, state.v, state.v_max
        t = state.count + 1
        bc1, bc2 = self._bias_corrections(beta1, beta2, t)
        keras = self.convention == "keras"
        optax = self.convention == "optax"
        decoupled = self.decoupled or keras

        g = grads
        if self.decays:
            if decoupled and not optax:
                params *= 1 - lr * weight_decay  # θ ← θ − α·λ·θ (decoupled, applied first)
            elif not decoupled:
                g = g + weight_decay * params  # g_t ← g_t + λ·θ_{t−1} (L2)

        tmp = g - m
        if optax:
            # m_t = (1 − β1)·g_t + β1·m_{t−1};  v_t = (1 − β2)·g_t² + β2·v_{t−1}
            m *= beta1
            m += np.multiply(g, 1 - beta1, out=tmp)
            np.multiply(g, g, out=tmp)
            tmp *= 1 - beta2
            v *= beta2
            v += tmp
        else:
            # m_t = β1·m_{t−1} + (1 − β1)·g_t, written m + (1 − β1)·(g − m) as torch and Keras do
            tmp *= 1 - beta1
            m += tmp
            if keras:
                # v_t = v_{t−1} + (1 − β2)·(g_t² − v_{t−1})
                np.multiply(g, g, out=tmp)
                tmp -= v
                tmp *= 1 - beta2
            else:
                # v_t = β2·v_{t−1} + (1 − β2)·g_t²
                np.multiply(g, 1 - beta2, out=tmp)
                tmp *= g
                v *= beta2
            v += tmp

        if keras:
            # θ_t = θ_{t−1} − α_t·m_t / (√v_t + ε̂),  α_t = α·√bc2 / bc1
            if self.amsgrad:
                np.maximum(v_max, v, out=v_max)  # v_max = max(v_max, v_t), on the raw v
            denom = np.sqrt(v_max if self.amsgrad else v)
            denom += epsilon
            np.multiply(m, lr * np.sqrt(bc2) / bc1, out=tmp)
            tmp /= denom
            params -= tmp
        elif optax:
            v_hat = v / bc2  # v̂_t = v_t / bc2
            if self.amsgrad:
                np.maximum(v_max, v_hat, out=v_max)  # v_max = max(v_max, v̂_t), bias-corrected
                denom = np.sqrt(v_max)
            else:
                denom = np.sqrt(v_hat, out=v_hat)
            denom += epsilon
            np.divide(m, bc1, out=tmp)  # m̂_t = m_t / bc1
            tmp /= denom  # u = m̂_t / (√v̂_t + ε)
            if self.decoupled and self.decays:
                tmp += weight_decay * params  # u += λ·θ_{t−1}
            tmp *= -lr
            params += tmp  # θ_t = θ_{t−1} − α·u
        else:
            # θ_t = θ_{t−1} − (α/bc1)·m_t / (√v_t/√bc2 + ε), which is α·m̂_t/(√v̂_t + ε)
            if self.amsgrad:
                np.maximum(v_max, v, out=v_max)  # v_max = max(v_max, v_t), on the raw v
            denom = np.sqrt(v_max if self.amsgrad else v)
            denom /= np.sqrt(bc2)
            denom += epsilon
            np.multiply(m, -lr / bc1, out=tmp)
            tmp /= denom
            params += tmp
        return params, AdamState(t, m, v, v_max)

    def _bias_corrections(self, beta1: Hyper, beta2: Hyper, t: Any) -> tuple[Any, Any]:
        """(1 − β1ᵗ, 1 − β2ᵗ), or (1, 1) without bias correction."""
        if not self.bias_correction:
            return 1.0, 1.0
        return 1 - beta1**t, 1 - beta2**t

    def derived(
        self, history: dict[str, np.ndarray], hp: dict[str, Hyper]
    ) -> dict[str, np.ndarray]:
        t, lr, epsilon = history["count"], history["learning_rate"], hp["epsilon"]
        bc1, bc2 = self._bias_corrections(hp["beta1"], hp["beta2"], t)
        m_hat = history["m"] / bc1
        v_hat = history["v"] / bc2
        second = history["v_max"] if self.amsgrad else history["v"]
        if self.convention == "keras":
            # update = α·√bc2/(√v + ε̂) · m̂: ε̂ shrinks with the bias correction
            effective = lr * np.sqrt(bc2) / (np.sqrt(second) + epsilon)
        elif self.convention == "optax":
            effective = lr / (np.sqrt(second if self.amsgrad else v_hat) + epsilon)
        else:
            effective = lr / (np.sqrt(second) / np.sqrt(bc2) + epsilon)
        return {"m_hat": m_hat, "v_hat": v_hat, "effective_lr": effective}


@dataclass(frozen=True, eq=False)
class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, 2019): Adam with weight decay decoupled from the gradient.

    Equations: Adam's, with the decay applied to the parameters rather than the gradient::

        θ_{t−1} ← θ_{t−1} − α·λ·θ_{t−1}          (before the moment updates)
        θ_t = θ_{t−1} − α·m̂_t / (√v̂_t + ε)

    Defaults: as Adam, with λ = 1e-2 (Keras 4e-3, Optax 1e-4).

    Conventions: all three frameworks use α·λ where the paper has η_t·λ (NVIDIA/apex#1849).
    ``"pytorch"`` decays first, as torch.optim.AdamW; ``"optax"`` adds λ·θ to the Adam
    direction before scaling by −α, as optax.adamw; ``"keras"`` decays first with Keras's ε̂.
    """

    name: ClassVar[str] = "AdamW"
    decoupled: ClassVar[bool] = True
    DEFAULTS: ClassVar[dict[str, dict[str, Any]]] = {
        "pytorch": {**_SHARED, "epsilon": 1e-8, "weight_decay": 1e-2},
        "keras": {**_SHARED, "epsilon": 1e-7, "weight_decay": 4e-3},
        "optax": {**_SHARED, "epsilon": 1e-8, "weight_decay": 1e-4},
    }
