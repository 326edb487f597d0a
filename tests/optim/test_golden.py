"""Golden vectors from torch.optim, Keras 3 and Optax (made by tests/golden/make_golden.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import optim
from optim import schedules

GOLDEN = Path(__file__).parents[1] / "golden"
RTOL = 1e-10  # the frameworks' float64 numbers, to rounding, over 100 steps


def _cases():
    for filename in ("torch.json", "keras.json", "optax.json"):
        data = json.loads((GOLDEN / filename).read_text())
        for case in data["cases"]:
            settings = "-".join(f"{k}={v}" for k, v in case["hyperparameters"].items())
            yield pytest.param(
                data, case, id=f"{data['convention']}-{case['optimizer']}-{settings}"
            )


@pytest.mark.parametrize(("data", "case"), list(_cases()))
def test_matches_framework_over_100_steps(data, case):
    optimizer = getattr(optim, case["optimizer"])(
        **case["hyperparameters"], convention=data["convention"]
    )
    params = np.array(data["params0"])
    state = optimizer.init(params)
    path = []
    for grads in np.array(data["gradients"]):
        params, state = optimizer.step(params, grads, state)
        path.append(params)
    np.testing.assert_allclose(np.array(path), np.array(case["params"]), rtol=RTOL, atol=1e-14)


def _schedule(spec: dict) -> schedules.Schedule:
    spec = dict(spec)
    kind = spec.pop("kind")
    if "then" in spec:
        spec["then"] = _schedule(spec["then"])
    return getattr(schedules, kind)(**spec)


SCHEDULES = json.loads((GOLDEN / "torch_schedules.json").read_text())


@pytest.mark.parametrize("case", SCHEDULES["cases"], ids=lambda c: c["schedule"]["kind"])
def test_schedules_match_torch_lr_schedulers_on_rosenbrock(case):
    trajectory = optim.run(
        optim.Adam(learning_rate=case["learning_rate"]),
        SCHEDULES["objective"],
        SCHEDULES["x0"],
        SCHEDULES["steps"],
        schedule=_schedule(case["schedule"]),
    )
    np.testing.assert_allclose(trajectory.learning_rate, case["lr"], rtol=1e-12)
    np.testing.assert_allclose(trajectory.params[1:], case["params"], rtol=RTOL)
