"""Adam, AdamW and AMSGrad, written beside the equations a student reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal, NamedTuple

import numpy as np

from optim.base import Hyper, Optimizer, check_range, decoupled_decay, power, zeros_like


class AdamState(NamedTuple):
    """Adam's state after `count` steps: the two moment estimates and, for AMSGrad, v_max."""

    count: int
    m: np.ndarray  # first moment (mean of gradients)
    v: np.ndarray  # second moment (uncentred variance of gradients)
    v_max: np.ndarray | None  # AMSGrad's running maximum (None without amsgrad)


class AdamTerms(NamedTuple):
    """Everything derived from Adam's state after step t, elementwise like the parameters."""

    bc1: Any  # 1 − β1ᵗ (1 without bias correction)
    bc2: Any  # 1 − β2ᵗ
    m_hat: np.ndarray  # m̂_t = m_t / bc1
    v_hat: np.ndarray  # v̂_t = v_t / bc2
    v_hat_max: np.ndarray | None  # AMSGrad: the largest v̂ so far, used in place of v̂
    epsilon: Any  # the ε added to √v̂ (Keras: ε/√bc2, see `AdamRules`)
    effective_lr: np.ndarray  # α_t / (√v̂_t + ε): each parameter's own learning rate
    step: np.ndarray  # α_t·m̂_t / (√v̂_t + ε)
    decay: np.ndarray | None  # α_t·λ·θ_{t−1} with decoupled weight decay, else None


class AdamRules(NamedTuple):
    """The three places where the frameworks' Adam differ; everything else is the same."""

    # Where ε is added. "v_hat": to √v̂ (Algorithm 1 of the paper). "v": to √v, the paper's
    # "efficient" form with ε̂ — the same as adding ε/√(1 − β2ᵗ) to √v̂ (keras-team/keras#17391).
    epsilon_on: Literal["v_hat", "v"]
    # Which v AMSGrad keeps the maximum of: the raw v (pytorch/pytorch#142323) or v̂
    # (google-deepmind/optax#1389).
    amsgrad_max_of: Literal["v", "v_hat"]
    # How Adam's (not AdamW's) weight decay enters: "l2" adds λ·θ to the gradient;
    # "decoupled" takes α·λ·θ off the parameters, as AdamW does.
    adam_weight_decay: Literal["l2", "decoupled"]


RULES: dict[str, AdamRules] = {
    "pytorch": AdamRules(epsilon_on="v_hat", amsgrad_max_of="v", adam_weight_decay="l2"),
    "keras": AdamRules(epsilon_on="v", amsgrad_max_of="v", adam_weight_decay="decoupled"),
    "optax": AdamRules(epsilon_on="v_hat", amsgrad_max_of="v_hat", adam_weight_decay="l2"),
}

_SHARED = {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "amsgrad": False}


@dataclass(frozen=True, eq=False)
class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): momentum on the gradient, scaled per parameter by its RMS.

    Equations (step t, gradient g_t)::

        m_t = β1·m_{t−1} + (1 − β1)·g_t
        v_t = β2·v_{t−1} + (1 − β2)·g_t²
        m̂_t = m_t / (1 − β1ᵗ)          v̂_t = v_t / (1 − β2ᵗ)
        θ_t = θ_{t−1} − α·m̂_t / (√v̂_t + ε)

    Defaults: α = 1e-3, β1 = 0.9, β2 = 0.999, ε = 1e-8 (Keras: ε = 1e-7), no weight decay.
    `weight_decay` is L2, added to the gradient (g ← g + λθ) as torch.optim.Adam does; see
    `AdamW` for the decoupled form. `amsgrad=True` divides by the largest v̂ so far.
    `bias_correction=False` drops the division by 1 − βᵗ (m̂ = m, v̂ = v): not something
    any framework offers, but it shows what the correction is for — the first step is then
    about α(1 − β1)/√(1 − β2) ≈ 3.2α instead of α.

    Conventions (`RULES`): ``"pytorch"`` (default) reproduces torch.optim.Adam; ``"keras"``
    Keras 3, whose ε is the paper's ε̂ and whose weight decay is always decoupled; ``"optax"``
    optax.adam/adamw/amsgrad, whose AMSGrad takes the max of v̂ (its learning rate has no
    default, so torch's is used).

    >>> adam = Adam(learning_rate=0.01)
    >>> theta = np.array([1.0, 1.0])
    >>> theta, state = adam.step(theta, np.array([0.1, 100.0]), adam.init(theta))
    >>> theta  # the first step is α in every coordinate, whatever the gradient's size
    array([0.99, 0.99])
    >>> state.m, state.v  # (1 − β1)·g and (1 − β2)·g²
    (array([ 0.01, 10.  ]), array([1.e-05, 1.e+01]))
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
    decoupled: ClassVar[bool] = False  # AdamW sets it
    RECORDED_TERMS: ClassVar[tuple[str, ...]] = ("m_hat", "v_hat")
    RULES: ClassVar[dict[str, AdamRules]] = RULES
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

    @property
    def weight_decay_mode(self) -> Literal["none", "l2", "decoupled"]:
        """How this optimizer's weight decay enters the step ("none" without any)."""
        if not np.any(self.weight_decay):
            return "none"
        return "decoupled" if self.decoupled else self.rules.adam_weight_decay

    def init(self, params: np.ndarray) -> AdamState:
        v_max = zeros_like(params) if self.amsgrad else None
        return AdamState(count=0, m=zeros_like(params), v=zeros_like(params), v_max=v_max)

    def update(
        self, grads: np.ndarray, state: AdamState, params: np.ndarray, hp: dict[str, Hyper]
    ) -> tuple[np.ndarray, AdamState]:
        beta1, beta2 = hp["beta1"], hp["beta2"]
        g = grads
        if self.decays and self.weight_decay_mode == "l2":
            g = g + hp["weight_decay"] * params  # g_t ← g_t + λ·θ_{t−1}
        m = beta1 * state.m + (1 - beta1) * g  # m_t = β1·m_{t−1} + (1 − β1)·g_t
        v = beta2 * state.v + (1 - beta2) * (g * g)  # v_t = β2·v_{t−1} + (1 − β2)·g_t²
        v_max = state.v_max
        if self.amsgrad:
            # AMSGrad: v_max,t = max(v_max,t−1, v_t), on v or on v̂ (see AdamRules)
            newest = v if self.rules.amsgrad_max_of == "v" else v / self._bc2(hp, state.count + 1)
            v_max = np.maximum(v_max, newest)
        new_state = AdamState(state.count + 1, m, v, v_max)
        # θ_t = θ_{t−1} − α·m̂_t / (√v̂_t + ε): `terms().step`, written as one expression so
        # that NumPy reuses its temporaries rather than keeping m̂, v̂ and the rate alive
        # (for a batch of 10 000 points that halves the speed of a step). A property test
        # holds the two equal to float64 rounding.
        bc1, bc2 = self._bc1(hp, new_state.count), self._bc2(hp, new_state.count)
        v_hat = self._v_hat_max(new_state, bc2)
        v_hat = v / bc2 if v_hat is None else v_hat
        step = hp["learning_rate"] * (m / bc1) / (np.sqrt(v_hat) + self._epsilon(hp, bc2))
        new_params = params - step
        decay = self._decay(params, hp)
        if decay is not None:
            new_params = new_params - decay  # … − α·λ·θ_{t−1} (decoupled weight decay)
        return new_params, new_state

    # β1ᵗ and β2ᵗ through `power`: the C library's pow for a batch's β's too, as for one run's.
    def _bc1(self, hp: dict[str, Hyper], t: Any) -> Any:
        return 1 - power(hp["beta1"], t, self._powers) if self.bias_correction else 1.0  # 1 − β1ᵗ

    def _bc2(self, hp: dict[str, Hyper], t: Any) -> Any:
        return 1 - power(hp["beta2"], t, self._powers) if self.bias_correction else 1.0  # 1 − β2ᵗ

    def _v_hat_max(self, state: AdamState, bc2: Any) -> np.ndarray | None:
        """AMSGrad's largest v̂ so far (None without AMSGrad): see `AdamRules.amsgrad_max_of`."""
        if not self.amsgrad:
            return None
        return state.v_max / bc2 if self.rules.amsgrad_max_of == "v" else state.v_max

    def _epsilon(self, hp: dict[str, Hyper], bc2: Any) -> Any:
        """The ε added to √v̂: Keras adds its ε to √v, which is ε/√bc2 added to √v̂."""
        epsilon = hp["epsilon"]
        return epsilon / np.sqrt(bc2) if self.rules.epsilon_on == "v" else epsilon

    def _decay(self, params: np.ndarray, hp: dict[str, Hyper]) -> np.ndarray | None:
        """α_t·λ·θ_{t−1} with decoupled weight decay, else None."""
        if self.decays and self.weight_decay_mode == "decoupled":
            return decoupled_decay(hp["learning_rate"], hp["weight_decay"], params)
        return None

    def terms(self, state: AdamState, params: np.ndarray, hp: dict[str, Hyper]) -> AdamTerms:
        """The bias corrections, m̂, v̂, the effective learning rate, the step and the decay
        of the step that produced `state` from θ_{t−1} = `params`."""
        t, learning_rate = state.count, hp["learning_rate"]
        bc1, bc2 = self._bc1(hp, t), self._bc2(hp, t)
        m_hat = state.m / bc1  # m̂_t = m_t / (1 − β1ᵗ)
        v_hat = state.v / bc2  # v̂_t = v_t / (1 − β2ᵗ)
        v_hat_max = self._v_hat_max(state, bc2)
        epsilon = self._epsilon(hp, bc2)
        root = np.sqrt(v_hat if v_hat_max is None else v_hat_max)
        effective_lr = learning_rate / (root + epsilon)  # α_t / (√v̂_t + ε)
        step = effective_lr * m_hat  # α_t·m̂_t / (√v̂_t + ε)
        decay = self._decay(params, hp)
        return AdamTerms(bc1, bc2, m_hat, v_hat, v_hat_max, epsilon, effective_lr, step, decay)


@dataclass(frozen=True, eq=False)
class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, 2019): Adam with weight decay decoupled from the gradient.

    Equations: Adam's, with the decay taken off the parameters rather than added to the
    gradient::

        θ_t = θ_{t−1} − α·λ·θ_{t−1} − α·m̂_t / (√v̂_t + ε)

    Defaults: as Adam, with λ = 1e-2 (Keras 4e-3, Optax 1e-4).

    Conventions: all three frameworks use α·λ where the paper has η_t·λ (NVIDIA/apex#1849).
    PyTorch and Keras shrink θ first, Optax adds λ·θ to the Adam direction before scaling by
    −α: the same arithmetic.
    """

    name: ClassVar[str] = "AdamW"
    decoupled: ClassVar[bool] = True
    DEFAULTS: ClassVar[dict[str, dict[str, Any]]] = {
        "pytorch": {**_SHARED, "epsilon": 1e-8, "weight_decay": 1e-2},
        "keras": {**_SHARED, "epsilon": 1e-7, "weight_decay": 4e-3},
        "optax": {**_SHARED, "epsilon": 1e-8, "weight_decay": 1e-4},
    }
