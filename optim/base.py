"""What every optimizer shares: conventions, hyperparameter checks and the pure `step` wrapper."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal, NamedTuple

import numpy as np

Convention = Literal["pytorch", "keras", "optax"]
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
    style of torch.optim: ``Invalid beta1: 1.0 (must be in [0, 1))``.
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


def copy_state(state: NamedTuple) -> NamedTuple:
    """A copy of a state whose arrays the caller can no longer reach (None fields stay None)."""
    return type(state)(
        *(np.array(x, dtype=float) if isinstance(x, np.ndarray) else x for x in state)
    )


@dataclass(frozen=True, eq=False)
class Optimizer:
    """Base class: an immutable set of hyperparameters with pure `init` and `step`.

    Subclasses declare their hyperparameters as dataclass fields defaulting to None, list each
    framework's defaults in `DEFAULTS`, check ranges in `_validate`, and write the update in
    `_apply`, in place on arrays the caller handed over for that purpose. `step` copies first,
    so it is pure; `optim.run` owns its buffers and calls `_apply` directly, which keeps a loop
    over thousands of trajectories free of allocations it does not need.
    """

    DEFAULTS: ClassVar[dict[str, dict[str, Any]]] = {}
    name: ClassVar[str] = "optimizer"

    def __post_init__(self) -> None:
        check_convention(self.convention)
        defaults = self.DEFAULTS[self.convention]
        for f in fields(self):
            if f.name != "convention" and getattr(self, f.name) is None:
                object.__setattr__(self, f.name, defaults[f.name])
        self._validate()
        # Decided once: `np.any` on every step would cost more than the update on one point.
        object.__setattr__(self, "decays", bool(np.any(getattr(self, "weight_decay", 0.0))))

    # -- to be provided by subclasses (each declares `convention: str = "pytorch"` last) ----
    def _validate(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def init(self, params: np.ndarray) -> NamedTuple:
        raise NotImplementedError

    def _apply(
        self, params: np.ndarray, grads: np.ndarray, state: NamedTuple, hp: dict[str, Hyper]
    ) -> tuple[np.ndarray, NamedTuple]:
        raise NotImplementedError

    def derived(
        self, history: dict[str, np.ndarray], hp: dict[str, Hyper]
    ) -> dict[str, np.ndarray]:
        """Quantities derived from a recorded run: `effective_lr` and, for Adam, m̂ and v̂.

        `history` maps state names to arrays with the step as first axis, plus
        `learning_rate` and `count` (1 … steps) shaped to broadcast against them.
        """
        raise NotImplementedError

    # -- shared machinery -------------------------------------------------------------------
    def hyperparameters(self) -> dict[str, Any]:
        """Every hyperparameter by name (arrays stay arrays), for display and export."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def label(self) -> str:
        """A short human description, e.g. ``Adam(α=0.001, β1=0.9, β2=0.999, ε=1e-08)``."""
        parts = []
        for key, value in self.hyperparameters().items():
            if key == "convention" or isinstance(value, np.ndarray):
                continue
            parts.append(f"{key}={value:g}" if isinstance(value, float) else f"{key}={value}")
        return f"{self.name}({', '.join(parts)})"

    def batch_hyperparameters(self, expand: bool) -> dict[str, Hyper]:
        """Numeric hyperparameters, arrays given a trailing axis when `expand` is set.

        `step` works on params of shape (..., n), so a per-trajectory array of batch shape
        needs a trailing axis to broadcast; `run` keeps parameters component-first, (n, B),
        where the batch axis is already last.
        """
        hp: dict[str, Hyper] = {}
        for key, value in self.hyperparameters().items():
            if isinstance(value, np.ndarray):
                hp[key] = value[..., None] if expand else value
            elif isinstance(value, float):
                hp[key] = value
            else:
                hp[key] = value  # flags such as amsgrad, nesterov, centered
        return hp

    def _step_hyperparameters(self, learning_rate: Hyper | None) -> dict[str, Hyper]:
        hp = self.batch_hyperparameters(True)
        if learning_rate is not None:
            rate = np.asarray(learning_rate, dtype=float)
            hp["learning_rate"] = rate[..., None] if rate.ndim else float(rate)
        return hp

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
        """
        params = np.array(params, dtype=float)
        grads = np.asarray(grads, dtype=float)
        if grads.shape != params.shape:
            raise ValueError(
                f"grads shape {grads.shape} does not match params shape {params.shape}"
            )
        hp = self._step_hyperparameters(learning_rate)
        return self._apply(params, grads, copy_state(state), hp)

    def effective_learning_rate(
        self, state: NamedTuple, *, learning_rate: Hyper | None = None
    ) -> np.ndarray:
        """The factor each parameter's step applied at the last step of `state` (count ≥ 1):
        α_t/(√v̂_t + ε) for Adam, α_t/(√v_t + ε) for RMSProp, α_t for SGD; shaped like the
        params (one value per parameter and model)."""
        hp = self._step_hyperparameters(learning_rate)
        history = {k: v for k, v in state._asdict().items() if isinstance(v, np.ndarray)}
        shape = next(iter(history.values())).shape
        history["count"] = state.count
        history["learning_rate"] = hp["learning_rate"]
        return np.broadcast_to(self.derived(history, hp)["effective_lr"], shape).copy()


def zeros_like(params: np.ndarray) -> np.ndarray:
    return np.zeros(np.shape(params), dtype=float)
