"""Regenerate the golden vectors in this folder from the real frameworks.

Needs torch (2.13 CPU), keras 3 on the JAX backend, jax and optax — none of which the test
suite itself needs. Run from the repository root in an environment that has them:

    pip install torch==2.13.0 jax jaxlib keras optax
    KERAS_BACKEND=jax python tests/golden/make_golden.py

Every case runs 100 float64 steps on a fixed gradient sequence over six coordinates with
mixed scales (tiny, huge, sign flips, sparse spikes, exact zeros), so the result depends only
on the update rule. `torch_schedules.json` also runs torch's own LR schedulers on Rosenbrock,
where the gradient depends on the path.
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
import torch  # noqa: E402

keras.config.set_floatx("float64")
torch.set_default_dtype(torch.float64)

HERE = Path(__file__).parent
STEPS = 100


def gradient_sequence() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20261121)
    params0 = rng.normal(size=6)
    grads = np.empty((STEPS, 6))
    grads[:, 0] = 1e-3 * (1 + 0.1 * rng.normal(size=STEPS))  # small and steady
    grads[:, 1] = 1e3 * rng.normal(size=STEPS)  # large and noisy
    grads[:, 2] = np.where(np.arange(STEPS) % 2 == 0, 1.0, -1.0)  # sign flips every step
    grads[:, 3] = np.where(rng.random(STEPS) < 0.1, 5.0 * rng.normal(size=STEPS), 0.0)  # sparse
    grads[:, 4] = 0.0  # never any gradient
    grads[:, 5] = 1e-8 * rng.normal(size=STEPS)  # below ε
    return params0, grads


def run_torch(make, params0, grads):
    p = torch.nn.Parameter(torch.tensor(params0))
    opt = make([p])
    out = []
    for g in grads:
        p.grad = torch.tensor(g)
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def run_keras(make, params0, grads):
    var = keras.Variable(params0, dtype="float64")
    opt = make()
    out = []
    for g in grads:
        opt.apply_gradients([(keras.ops.convert_to_tensor(g, dtype="float64"), var)])
        out.append(np.asarray(var.value, dtype=float).copy())
    return np.array(out)


def run_optax(tx, params0, grads):
    params = jnp.asarray(params0)
    state = tx.init(params)
    out = []
    for g in grads:
        updates, state = tx.update(jnp.asarray(g), state, params)
        params = optax.apply_updates(params, updates)
        out.append(np.asarray(params, dtype=float).copy())
    return np.array(out)


T = torch.optim
K = keras.optimizers

TORCH_CASES = [
    ("Adam", {"learning_rate": 1e-2}, lambda p: T.Adam(p, lr=1e-2)),
    ("Adam", {"learning_rate": 1e-2, "epsilon": 0.1}, lambda p: T.Adam(p, lr=1e-2, eps=0.1)),
    (
        "Adam",
        {"learning_rate": 1e-2, "weight_decay": 0.1},
        lambda p: T.Adam(p, lr=1e-2, weight_decay=0.1),
    ),
    ("Adam", {"learning_rate": 1e-2, "amsgrad": True}, lambda p: T.Adam(p, lr=1e-2, amsgrad=True)),
    (
        "Adam",
        {"learning_rate": 3e-2, "beta1": 0.5, "beta2": 0.9, "epsilon": 1e-6},
        lambda p: T.Adam(p, lr=3e-2, betas=(0.5, 0.9), eps=1e-6),
    ),
    ("AdamW", {"learning_rate": 1e-2}, lambda p: T.AdamW(p, lr=1e-2)),
    (
        "AdamW",
        {"learning_rate": 1e-2, "weight_decay": 0.5, "amsgrad": True},
        lambda p: T.AdamW(p, lr=1e-2, weight_decay=0.5, amsgrad=True),
    ),
    ("SGD", {"learning_rate": 1e-4}, lambda p: T.SGD(p, lr=1e-4)),
    ("SGD", {"learning_rate": 1e-4, "momentum": 0.9}, lambda p: T.SGD(p, lr=1e-4, momentum=0.9)),
    (
        "SGD",
        {"learning_rate": 1e-4, "momentum": 0.9, "nesterov": True},
        lambda p: T.SGD(p, lr=1e-4, momentum=0.9, nesterov=True),
    ),
    (
        "SGD",
        {"learning_rate": 1e-4, "momentum": 0.8, "dampening": 0.5, "weight_decay": 0.01},
        lambda p: T.SGD(p, lr=1e-4, momentum=0.8, dampening=0.5, weight_decay=0.01),
    ),
    ("RMSProp", {"learning_rate": 1e-2}, lambda p: T.RMSprop(p, lr=1e-2)),
    (
        "RMSProp",
        {"learning_rate": 1e-3, "rho": 0.9, "epsilon": 1e-3, "weight_decay": 0.1},
        lambda p: T.RMSprop(p, lr=1e-3, alpha=0.9, eps=1e-3, weight_decay=0.1),
    ),
    (
        "RMSProp",
        {"learning_rate": 1e-3, "momentum": 0.9, "centered": True},
        lambda p: T.RMSprop(p, lr=1e-3, momentum=0.9, centered=True),
    ),
    ("Adagrad", {"learning_rate": 1e-1}, lambda p: T.Adagrad(p, lr=1e-1)),
    (
        "Adagrad",
        {
            "learning_rate": 1e-1,
            "initial_accumulator_value": 0.1,
            "epsilon": 1e-6,
            "weight_decay": 0.1,
        },
        lambda p: T.Adagrad(p, lr=1e-1, initial_accumulator_value=0.1, eps=1e-6, weight_decay=0.1),
    ),
]

KERAS_CASES = [
    ("Adam", {"learning_rate": 1e-2}, lambda: K.Adam(learning_rate=1e-2)),
    (
        "Adam",
        {"learning_rate": 1e-2, "epsilon": 0.1},
        lambda: K.Adam(learning_rate=1e-2, epsilon=0.1),
    ),
    (
        "Adam",
        {"learning_rate": 1e-2, "amsgrad": True},
        lambda: K.Adam(learning_rate=1e-2, amsgrad=True),
    ),
    (
        "Adam",
        {"learning_rate": 1e-2, "weight_decay": 0.1},
        lambda: K.Adam(learning_rate=1e-2, weight_decay=0.1),
    ),
    ("AdamW", {"learning_rate": 1e-2}, lambda: K.AdamW(learning_rate=1e-2)),
    ("SGD", {"learning_rate": 1e-4}, lambda: K.SGD(learning_rate=1e-4)),
    (
        "SGD",
        {"learning_rate": 1e-4, "momentum": 0.9},
        lambda: K.SGD(learning_rate=1e-4, momentum=0.9),
    ),
    (
        "SGD",
        {"learning_rate": 1e-4, "momentum": 0.9, "nesterov": True},
        lambda: K.SGD(learning_rate=1e-4, momentum=0.9, nesterov=True),
    ),
    (
        "SGD",
        {"learning_rate": 1e-4, "momentum": 0.9, "weight_decay": 0.1},
        lambda: K.SGD(learning_rate=1e-4, momentum=0.9, weight_decay=0.1),
    ),
    ("RMSProp", {"learning_rate": 1e-3}, lambda: K.RMSprop(learning_rate=1e-3)),
    (
        "RMSProp",
        {"learning_rate": 1e-3, "momentum": 0.9, "centered": True},
        lambda: K.RMSprop(learning_rate=1e-3, momentum=0.9, centered=True),
    ),
    ("Adagrad", {"learning_rate": 1e-1}, lambda: K.Adagrad(learning_rate=1e-1)),
]

OPTAX_CASES = [
    ("Adam", {"learning_rate": 1e-2}, optax.adam(1e-2)),
    ("Adam", {"learning_rate": 1e-2, "epsilon": 0.1}, optax.adam(1e-2, eps=0.1)),
    ("Adam", {"learning_rate": 1e-2, "amsgrad": True}, optax.amsgrad(1e-2)),
    (
        "Adam",
        {"learning_rate": 1e-2, "weight_decay": 0.1},
        optax.chain(optax.add_decayed_weights(0.1), optax.adam(1e-2)),
    ),
    ("AdamW", {"learning_rate": 1e-2}, optax.adamw(1e-2)),
    ("AdamW", {"learning_rate": 1e-2, "weight_decay": 0.3}, optax.adamw(1e-2, weight_decay=0.3)),
    ("SGD", {"learning_rate": 1e-4}, optax.sgd(1e-4)),
    ("SGD", {"learning_rate": 1e-4, "momentum": 0.9}, optax.sgd(1e-4, momentum=0.9)),
    (
        "SGD",
        {"learning_rate": 1e-4, "momentum": 0.9, "nesterov": True},
        optax.sgd(1e-4, momentum=0.9, nesterov=True),
    ),
    ("RMSProp", {"learning_rate": 1e-3}, optax.rmsprop(1e-3)),
    (
        "RMSProp",
        {"learning_rate": 1e-3, "momentum": 0.9, "centered": True},
        optax.rmsprop(1e-3, momentum=0.9, centered=True),
    ),
    ("Adagrad", {"learning_rate": 1e-1}, optax.adagrad(1e-1)),
]


def rosenbrock_grad(p: torch.Tensor) -> torch.Tensor:
    x, y = p[0], p[1]
    return torch.stack((-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)))


SCHEDULE_CASES = [
    # (our schedule, as a dict the test rebuilds; torch scheduler factory)
    (
        {"kind": "StepDecay", "step_size": 10, "gamma": 0.5},
        lambda o: T.lr_scheduler.StepLR(o, 10, 0.5),
    ),
    ({"kind": "Exponential", "gamma": 0.97}, lambda o: T.lr_scheduler.ExponentialLR(o, 0.97)),
    (
        {"kind": "Cosine", "total_steps": 100, "floor": 0.1},
        lambda o: T.lr_scheduler.CosineAnnealingLR(o, T_max=100, eta_min=0.1 * 0.05),
    ),
    (
        {
            "kind": "Warmup",
            "steps": 10,
            "start_factor": 0.1,
            "then": {"kind": "Cosine", "total_steps": 90},
        },
        lambda o: T.lr_scheduler.SequentialLR(
            o,
            [
                T.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=10),
                T.lr_scheduler.CosineAnnealingLR(o, T_max=90),
            ],
            milestones=[10],
        ),
    ),
]


def schedule_runs() -> list[dict]:
    cases = []
    for spec, make_scheduler in SCHEDULE_CASES:
        p = torch.nn.Parameter(torch.tensor([-1.5, 2.5]))
        opt = T.Adam([p], lr=0.05)
        scheduler = make_scheduler(opt)
        path, rates = [], []
        for _ in range(STEPS):
            rates.append(opt.param_groups[0]["lr"])
            p.grad = rosenbrock_grad(p.detach())
            opt.step()
            scheduler.step()
            path.append(p.detach().numpy().copy().tolist())
        cases.append({"schedule": spec, "learning_rate": 0.05, "lr": rates, "params": path})
    return cases


def main() -> None:
    params0, grads = gradient_sequence()
    common = {"steps": STEPS, "params0": params0.tolist(), "gradients": grads.tolist()}
    meta = {"python": platform.python_version(), "numpy": np.__version__}

    torch_cases = [
        {
            "optimizer": name,
            "hyperparameters": hp,
            "params": run_torch(make, params0, grads).tolist(),
        }
        for name, hp, make in TORCH_CASES
    ]
    keras_cases = [
        {
            "optimizer": name,
            "hyperparameters": hp,
            "params": run_keras(make, params0, grads).tolist(),
        }
        for name, hp, make in KERAS_CASES
    ]
    optax_cases = [
        {"optimizer": name, "hyperparameters": hp, "params": run_optax(tx, params0, grads).tolist()}
        for name, hp, tx in OPTAX_CASES
    ]
    files = {
        "torch.json": {
            "framework": f"torch {torch.__version__}",
            "convention": "pytorch",
            "cases": torch_cases,
        },
        "keras.json": {
            "framework": f"keras {keras.__version__} (jax {jax.__version__} backend)",
            "convention": "keras",
            "cases": keras_cases,
        },
        "optax.json": {
            "framework": f"optax {optax.__version__}",
            "convention": "optax",
            "cases": optax_cases,
        },
    }
    for filename, content in files.items():
        payload = {**content, **common, "generated_with": meta}
        (HERE / filename).write_text(json.dumps(payload, indent=1) + "\n")
    schedules = {
        "framework": f"torch {torch.__version__}",
        "objective": "rosenbrock",
        "x0": [-1.5, 2.5],
        "optimizer": "Adam",
        "steps": STEPS,
        "cases": schedule_runs(),
        "generated_with": meta,
    }
    (HERE / "torch_schedules.json").write_text(json.dumps(schedules, indent=1) + "\n")
    print("wrote", ", ".join([*files, "torch_schedules.json"]))


if __name__ == "__main__":
    main()
