"""What every optimizer shares: conventions, hyperparameter checks, and the pure `step`."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, ClassVar, NamedTuple

import numpy as np

CONVENTIONS: tuple[str, ...] = ("pytorch", "keras", "optax")

Hyper = float | np.ndarray  # a scalar, or one value per trajectory (batch shape)


def check_convention(convention: str) -> str:
    if convention not in CONVENTIONS:
        raise ValueError(
            f"Invalid convention: {convention!r} (must be one of {', '.join(CONVENTIONS)})"
        )
    return convention


def check_range(
    name: str,
    value: Any,
    low: float,
    high: float = np.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> Hyper:
    """Validate a hyperparameter (scalar or array) against an interval; return float or array.

    The message names the parameter, the first offending value and the allowed range, in the
    style of torch.optim:

    >>> check_range("beta1", 0.9, 0, 1, high_open=True)
    0.9
    >>> check_range("beta1", 1.0, 0, 1, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: Invalid beta1: 1.0 (must be in [0, 1))
    """
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid {name}: {value!r} (must be a number)") from None
    with np.errstate(invalid="ignore"):
        above = array > low if low_open else array >= low
        below = array < high if high_open else array <= high
    bad = ~(above & below & ~np.isnan(array))
    if np.isinf(high):
        bad |= np.isinf(array)
    if bad.any():
        first = float(array[bad].flat[0]) if array.ndim else array.item()
        left = "(" if low_open else "["
        right = ")" if high_open or np.isinf(high) else "]"
        upper = "∞" if np.isinf(high) else f"{high:g}"
        raise ValueError(f"Invalid {name}: {first!r} (must be in {left}{low:g}, {upper}{right})")
    if array.ndim == 0:
        return float(array)
    array.setflags(write=False)
    return array


def power(base: Any, exponent: Any, known: dict | None = None) -> Any:
    """`base ** exponent` for the β's of a step: with a number `exponent` (the step t), every
    element through the C library's `pow`, as Python floats (and PyTorch's bias corrections)
    compute it.

    NumPy's vectorised `power` (its AVX-512 loops) may differ from `pow` in the last bit, so a
    batch of runs would not equal the same runs one by one on such a CPU. For an array `base`
    (β's of a batch), `pow` runs once per distinct value; pass a dict as `known` to keep each
    array's distinct values between calls (the array must not change while it is kept there).
    An array `exponent` (the steps of a recorded history, for its curves) goes to NumPy's
    power, within an ulp of `pow`, alike for a batch and for one run.

    >>> betas = np.array([0.9, 0.999, 0.9])
    >>> power(betas, 7).tolist() == [0.9**7, 0.999**7, 0.9**7]
    True
    """
    if not isinstance(base, np.ndarray) or isinstance(exponent, np.ndarray):
        return base**exponent
    entry = known.get(id(base)) if known is not None else None
    if entry is None or entry[0] is not base:
        values, inverse = np.unique(base, return_inverse=True)
        entry = (base, values.tolist(), inverse.reshape(base.shape))
        if known is not None:
            if len(known) >= 8:  # a few arrays per optimizer; never a growing pile
                known.clear()
            known[id(base)] = entry  # holds `base`, so its id is not reused meanwhile
    _, values, inverse = entry
    return np.array([math.pow(v, exponent) for v in values])[inverse]


def decoupled_decay(learning_rate: Hyper, weight_decay: Hyper, params: np.ndarray) -> Any:
    """α_t·λ·θ_{t−1}: what decoupled weight decay takes off the parameters at step t."""
    return learning_rate * weight_decay * params


@dataclass(frozen=True, eq=False)
class Optimizer:
    """Base class: an immutable set of hyperparameters with pure `init`, `update` and `terms`.

    A subclass declares its hyperparameters as dataclass fields defaulting to None, lists each
    framework's defaults in `DEFAULTS`, checks ranges in `_validate`, and writes

    - `init(params) -> State`, the state before the first step;
    - `update(grads, state, params, hp) -> (params, State)`, one step as its equations read,
      returning new arrays (the inputs are never modified), elementwise, so that params of
      shape (..., n) and hyperparameters `hp` that broadcast against them run a whole batch;
    - `terms(state, params, hp)`, a NamedTuple of every quantity derived from the state after a
      step (bias corrections, m̂, v̂, the effective learning rate …). `update` uses it for its
      own step, and `run()`'s recording, the step inspector and the exports read it too, so each
      rule is written once. It works on a single state and on a whole recorded history alike.
    """

    DEFAULTS: ClassVar[dict[str, dict[str, Any]]] = {}
    # What differs between the frameworks, per convention: a small NamedTuple of flags, read
    # by the update where the frameworks part ways. `self.rules` is this optimizer's row.
    RULES: ClassVar[dict[str, NamedTuple]] = {}
    name: ClassVar[str] = "optimizer"

    def __post_init__(self) -> None:
        check_convention(self.convention)
        defaults = self.DEFAULTS[self.convention]
        for f in fields(self):
            if f.name != "convention" and getattr(self, f.name) is None:
                object.__setattr__(self, f.name, defaults[f.name])
        self._validate()
        object.__setattr__(self, "rules", self.RULES[self.convention])
        # Decided once: `np.any` on every step would cost more than the update on one point.
        object.__setattr__(self, "decays", bool(np.any(getattr(self, "weight_decay", 0.0))))
        # What `step` hands to `update`, built once (a network takes thousands of steps).
        expanded = {
            key: value[..., None] if isinstance(value, np.ndarray) else value
            for key, value in self.hyperparameters().items()
        }
        object.__setattr__(self, "_expanded", expanded)
        object.__setattr__(self, "_powers", {})  # `power`'s distinct values of array β's

    # -- to be provided by subclasses (each declares `convention: str = "pytorch"` last) ----
    def _validate(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def init(self, params: np.ndarray) -> NamedTuple:
        raise NotImplementedError

    def update(
        self, grads: np.ndarray, state: NamedTuple, params: np.ndarray, hp: dict[str, Hyper]
    ) -> tuple[np.ndarray, NamedTuple]:
        raise NotImplementedError

    def terms(self, state: NamedTuple, params: np.ndarray, hp: dict[str, Hyper]) -> NamedTuple:
        """Derived quantities of the step that produced `state` from `params` (θ_{t−1}); always
        has `effective_lr`, the per-parameter factor of the step."""
        raise NotImplementedError

    # Which fields of `terms` a full recording keeps beside the state (Adam: m̂ and v̂).
    RECORDED_TERMS: ClassVar[tuple[str, ...]] = ()

    # -- shared machinery -------------------------------------------------------------------
    def hyperparameters(self) -> dict[str, Any]:
        """Every hyperparameter by name (arrays stay arrays), for display and export."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def batch_hyperparameters(self, expand: bool) -> dict[str, Hyper]:
        """The hyperparameters as `update` reads them, arrays given a trailing axis when
        `expand` is set.

        `step` works on params of shape (..., n), so a per-trajectory array of batch shape
        needs a trailing axis to broadcast; `run` keeps parameters component-first, (n, B),
        where the batch axis is already last.
        """
        return {
            key: value[..., None] if expand and isinstance(value, np.ndarray) else value
            for key, value in self.hyperparameters().items()
        }

    def _step_hyperparameters(self, learning_rate: Hyper | None) -> dict[str, Hyper]:
        if learning_rate is None:
            return self._expanded
        rate = np.asarray(learning_rate, dtype=float)
        return {**self._expanded, "learning_rate": rate[..., None] if rate.ndim else float(rate)}

    def step(
        self,
        params: np.ndarray,
        grads: np.ndarray,
        state: NamedTuple,
        *,
        learning_rate: Hyper | None = None,
    ) -> tuple[np.ndarray, NamedTuple]:
        """One update. Pure: returns new params and a new state; the inputs are not modified.

        `learning_rate`, if given, replaces α for this step only (a scheduled α_t: a scalar,
        or one value per model of the batch).

        >>> from optim import Adam
        >>> adam = Adam(learning_rate=0.1)
        >>> theta = np.array([1.0, -2.0])
        >>> theta, state = adam.step(theta, np.array([3.0, -0.5]), adam.init(theta))
        >>> theta  # Adam's first step is α·sign(g), up to ε
        array([ 0.9, -1.9])
        """
        params = np.asarray(params, dtype=float)
        grads = np.asarray(grads, dtype=float)
        if grads.shape != params.shape:
            raise ValueError(
                f"grads shape {grads.shape} does not match params shape {params.shape}"
            )
        return self.update(grads, state, params, self._step_hyperparameters(learning_rate))

    def effective_learning_rate(
        self, state: NamedTuple, params: np.ndarray | None = None, *, learning_rate: Hyper = None
    ) -> np.ndarray:
        """The factor each parameter's step applied at the last step of `state` (count ≥ 1):
        α_t/(√v̂_t + ε) for Adam, α_t/(√v_t + ε) for RMSProp, α_t for SGD; shaped like the
        params (one value per parameter and model)."""
        arrays = [x for x in state if isinstance(x, np.ndarray)]
        shape = np.shape(params) if params is not None else arrays[0].shape
        hp = self._step_hyperparameters(learning_rate)
        rate = self.terms(state, np.zeros(shape) if params is None else params, hp).effective_lr
        return np.broadcast_to(rate, shape).copy()


def zeros_like(params: np.ndarray) -> np.ndarray:
    return np.zeros(np.shape(params), dtype=float)
