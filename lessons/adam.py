"""Teaching content of the Inside Adam page: presets, the hyperparameter table, the claims the
course makes about Adam, and one sentence per framework difference.

Claims in preset notices are checked by tests/optim/test_inspect.py against the runs each
preset produces.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from lessons.scenarios import Scenario, by_key, optimizer

# The Adam algorithm as the course writes it (t counts steps from 1; m_0 = v_0 = 0).
EQUATIONS = r"""
\begin{aligned}
m_t &= \beta_1\, m_{t-1} + (1-\beta_1)\, g_t \\
v_t &= \beta_2\, v_{t-1} + (1-\beta_2)\, g_t^2 \\
\hat m_t &= \frac{m_t}{1-\beta_1^t}, \qquad \hat v_t = \frac{v_t}{1-\beta_2^t} \\
\theta_t &= \theta_{t-1} - \alpha\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}
\end{aligned}
"""

EQUATION_PARTS: tuple[str, ...] = (
    "**m_t — momentum**: a running mean of the gradient g_t, which smooths the direction.",
    "**v_t — RMSProp**: a running mean of g_t², which measures each parameter's scale.",
    "**m̂_t, v̂_t — bias correction**: m and v start at 0, so their first values are too small; "
    "dividing by 1 − βᵗ undoes that.",
    "**θ_t — the step**: each parameter's mean gradient divided by its own RMS, times α.",
)

EQUATIONS_NOTE = (
    "Momentum alone would step α·m_t; RMSProp alone α·g_t/(√v_t + ε) (some texts put ε inside "
    "the root: PyTorch does not, Keras and Optax do — switch the convention on the left). Adam "
    "is both, plus the correction of the zero start. Everything is elementwise: x and y each "
    "get their own m, v and step size."
)

RATES_NOTE = (
    "One α, two rates: dividing by √v̂ gives each coordinate a step of about α whatever the "
    "size of its gradient, so the coordinate with the larger gradients gets the smaller rate. "
    "A plot of α over training (as tutorials often draw) would be the flat SGD line; RMSProp "
    "(same α, ρ = β2, no momentum, no bias correction) starts 1/√(1 − β2) times higher, "
    "because its v is not corrected for its zero start."
)
ROSENBROCK_NOTE = (
    "On Rosenbrock ∂f/∂x = −2(1 − x) − 2x·∂f/∂y: wherever |x| > ½ the gradient in x is the "
    "larger one, so x gets the smaller rate."
)


@dataclass(frozen=True)
class Hyperparameter:
    symbol: str
    name: str
    does: str
    usual: str
    default: str
    try_this: str


HYPERPARAMETERS: tuple[Hyperparameter, ...] = (
    Hyperparameter(
        "α",
        "learning rate",
        "scales every step: each coordinate moves about α per step",
        "1e-3 … 1e-2",
        "1e-3",
        "Double it and the path's steps double.",
    ),
    Hyperparameter(
        "β1",
        "first-moment decay",
        "smooths the direction: m_t averages about 1/(1 − β1) gradients",
        "0.9 … 0.999",
        "0.9",
        "Set 0 and m_t is just g_t: the zig-zag returns.",
    ),
    Hyperparameter(
        "β2",
        "second-moment decay",
        "smooths the scale: v_t remembers about 1/(1 − β2) squared gradients",
        "0.99 … 0.9999",
        "0.999",
        "Try the β2 = 0.9 preset: the effective rate follows every bump.",
    ),
    Hyperparameter(
        "ε",
        "epsilon",
        "keeps the division safe where v̂ is 0; small but not too small",
        "1e-8 … 1e-4",
        "1e-8 (Keras 1e-7)",
        "Try ε = 0.1: Keras and PyTorch stop agreeing.",
    ),
)

# The course's claims, each with the control on this page that tests it.
ADVANTAGES: tuple[tuple[str, str], ...] = (
    (
        "Adapts the step to each parameter",
        "the top row of the ‘over the steps’ chart: x and y get different rates from one α.",
    ),
    (
        "Robust to sparse and noisy gradients (text, reinforcement learning)",
        "a coordinate whose gradient is mostly 0 keeps a small v, so its rare steps are full "
        "size instead of drowned; the momentum in m averages noise out (raise β1 to see it "
        "smooth the first-moment row of the ‘over the steps’ chart).",
    ),
    (
        "Bias correction matters in the first steps",
        "switch it off on the left: the first step grows from α to about 3.2α per coordinate.",
    ),
    (
        "Works with the defaults for most tasks",
        "β1 = 0.9, β2 = 0.999, ε = 1e-8 are the defaults here; only α needs choosing.",
    ),
    (
        "Cheap",
        "the step inspector shows every operation: a few multiplications and a square root per "
        "parameter, no matrix to invert.",
    ),
)

LIMITATIONS: tuple[tuple[str, str], ...] = (
    (
        "May settle near, not at, a minimum",
        "each coordinate keeps moving about α per step until m̂ itself shrinks; lower α or "
        "pick a decaying schedule to finish the approach.",
    ),
    (
        "Weaker convergence guarantees than SGD with momentum",
        "v can shrink after a large gradient, which can make steps grow again; AMSGrad's "
        "v_max (choose it on the left) never decreases, which is how its proof works.",
    ),
    (
        "Can generalise worse than SGD",
        "a 2-D function has no test set, so this page cannot show it; AdamW's decoupled weight "
        "decay (choose it on the left) is the usual remedy.",
    ),
    (
        "Two extra buffers",
        "m and v are kept for every parameter: the second and third rows of the ‘over the "
        "steps’ chart show both — twice the memory of the parameters themselves.",
    ),
    (
        "Sensitive to its hyperparameters",
        "the β2 = 0.9 and ε = 0.1 presets change the path a lot from the same start.",
    ),
)

CONVENTIONS: dict[str, str] = {
    "pytorch": "PyTorch is the reference: ε is added to √v̂_t, after both bias corrections.",
    "keras": (
        "Keras uses the paper's 'efficient' form α·√(1−β2ᵗ)/(1−β1ᵗ)·m_t/(√v_t + ε̂): its ε̂ "
        "sits beside the uncorrected √v_t, so it weighs like PyTorch's ε/√(1−β2ᵗ), about 32 "
        "times more at the first step — invisible at ε = 1e-8, clear at ε = 0.1."
    ),
    "optax": (
        "Optax computes the same numbers as PyTorch for Adam and AdamW; for AMSGrad it takes "
        "the maximum of the bias-corrected v̂_t instead of the raw v_t, so its path leaves "
        "PyTorch's from the first steps."
    ),
}

SCHEDULE_NOTES: dict[str, str] = {
    "constant": "α stays the same on every step.",
    "warmup": "α ramps up linearly from a tenth of its value over the first tenth of the run, "
    "then stays constant: the first steps, when v̂ rests on few gradients, are kept short.",
    "step": "α halves every quarter of the run.",
    "exponential": "α stays constant for a quarter of the run, then shrinks ×0.99 per step — the "
    "course's 'constant for 50 epochs, then ×e^−0.1 per epoch' in small.",
    "cosine": "α follows half a cosine from its full value down to 0 at the last step.",
}


# What the page opens with (and what Reset restores).
DEFAULT = Scenario(
    key="defaults",
    title="Adam's defaults on Rosenbrock (α = 0.02)",
    notice=(
        "The gradient in x is several times larger than in y along this valley, so v̂ is "
        "larger for x and x's effective learning rate is about three times smaller than y's: "
        "both coordinates move about α per step, whatever the size of their gradient."
    ),
    function="rosenbrock",
    start=(-1.5, 2.5),
    steps=300,
    optimizers=(optimizer("Adam", learning_rate=0.02, beta1=0.9, beta2=0.999, epsilon=1e-8),),
    step=10,
    view="Bias correction",
)


def _variation(key: str, title: str, notice: str, **changes: Any) -> Scenario:
    """The default scenario with a few things changed; `hyperparameters` merge into Adam's."""
    variant = changes.pop("variant", "Adam")
    hyperparameters = {**DEFAULT.settings()["Adam"], **changes.pop("hyperparameters", {})}
    return replace(
        DEFAULT,
        key=key,
        title=title,
        notice=notice,
        optimizers=(optimizer(variant, **hyperparameters),),
        **changes,
    )


PRESETS: tuple[Scenario, ...] = (
    DEFAULT,
    _variation(
        "epsilon",
        "A large ε (0.1): the frameworks disagree",
        "With ε = 0.1, Keras's ε̂ weighs about 32 times more than PyTorch's ε at the first "
        "step, so its steps are shorter: the Keras curve in the Frameworks tab rises to "
        "about 0.02 after 300 steps, while Optax stays on PyTorch's path (up to rounding).",
        hyperparameters={"epsilon": 0.1},
        convention="keras",
        view="Frameworks",
    ),
    _variation(
        "beta2",
        "β2 = 0.9: a short memory for the scale",
        "v now forgets a gradient within about ten steps, so the effective rates follow the "
        "current gradient: they grow as the valley flattens and this run gets much closer to "
        "the minimum at (1, 1) in 300 steps — at the price of rates that jump with every bump.",
        hyperparameters={"beta2": 0.9},
    ),
    _variation(
        "no-bias",
        "No bias correction",
        "The first step is about α(1 − β1)/√(1 − β2) ≈ 3.2α per coordinate instead of α, and "
        "the steps stay about three times too long for hundreds of steps, because 1/(1 − β2ᵗ) "
        "stays far from 1 until t ≈ 4 600: the dashed ghost (with correction) lags behind.",
        bias_correction=False,
        view="Bias correction",
    ),
    _variation(
        "amsgrad",
        "AMSGrad: v_max never decreases",
        "The second-moment row draws v_max (brown) over v: it holds the largest v so far, so a "
        "coordinate's scale cannot shrink back after a large gradient. The Frameworks tab "
        "shows Optax leaving PyTorch: it takes its maximum on v̂ instead of v.",
        variant="AMSGrad",
    ),
    _variation(
        "adamw",
        "AdamW: decay pulls towards 0, not towards the minimum",
        "With λ = 0.3 the decay α·λ·θ is larger than Adam's own step for x during most of "
        "the first hundred steps, and it pulls both coordinates towards (0, 0) — this run "
        "ends near the origin, not at the minimum (1, 1). Weight decay is a preference for "
        "small parameters, not a step towards the minimum.",
        variant="AdamW",
        hyperparameters={"weight_decay": 0.3},
        view="Variants",
    ),
    _variation(
        "warmup",
        "A warmup schedule",
        "α grows from a tenth of its value to its full value over the first 30 steps; the "
        "effective learning rates follow it, and the path starts more gently than the dotted "
        "constant-α one.",
        schedule="warmup",
        view="Variants",
    ),
)
PRESETS_BY_KEY = by_key(PRESETS)
