"""Step losses from torch training the course's networks (made by tests/golden/make_nets_golden.py).

torch trained each network in float64 from our θ_0 on our minibatches; `nets.train` must give
the same loss at every step. Tolerances: step losses (values 0.1 … 3) to 1e-9 relative; the
sampled final parameters (values up to about 0.5) to 1e-9 absolute, and ‖θ‖ to 1e-9 relative.
Observed differences are about 1e-15: the same arithmetic, summed in a different order.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from nets import MLP, ConstantThenExponential, train
from nets.data import random_data, regression
from optim.catalog import make_optimizer

GOLDEN = json.loads((Path(__file__).parents[1] / "golden" / "nets_torch.json").read_text())
DATA = {
    "random_data(rows=400, validation_rows=0, seed=1)": lambda: random_data(
        rows=400, validation_rows=0, seed=1
    ),
    "regression(rows=500, validation=0.2, seed=1)": lambda: regression(
        rows=500, validation=0.2, seed=1
    ),
}


def checksum(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def case_id(case: dict) -> str:
    decay = "-epoch-decay" if case["epoch_decay"] else ""
    return f"{case['network']}-{case['optimizer']}{decay}"


def setup(case: dict):
    model = MLP(tuple(case["sizes"]), hidden=case["hidden"], output=case["output"])
    data = DATA[case["data"]]()
    theta0 = model.init(seed=case["seed"])
    return model, data, theta0


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=case_id)
def test_inputs_are_the_ones_torch_saw(case):
    """If NumPy's random streams change, the data, θ_0 or batch order differ: say so here
    rather than report a wrong optimizer."""
    _, data, theta0 = setup(case)
    rng = np.random.default_rng(case["seed"])
    orders = np.stack([rng.permutation(len(data.X)) for _ in range(case["epochs"])])
    sums = case["sha256"]
    assert checksum(data.X) == sums["X"], "the data set's features changed"
    assert checksum(data.y) == sums["y"], "the data set's targets changed"
    assert checksum(theta0) == sums["theta0"], "MLP.init(seed) draws different weights"
    assert checksum(orders.astype(np.int64)) == sums["orders"], "the minibatch order changed"


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=case_id)
def test_step_losses_match_torch(case):
    model, data, theta0 = setup(case)
    decay = case["epoch_decay"]
    history = train(
        model,
        make_optimizer(case["optimizer"], case["hyperparameters"]),
        data.X,
        data.y,
        epochs=case["epochs"],
        batch_size=case["batch_size"],
        seed=case["seed"],
        theta0=theta0,
        schedule=ConstantThenExponential(**decay) if decay else None,
    )
    expected = np.array(case["step_loss"])
    assert history.step_loss.shape == expected.shape == (39,)  # 3 epochs × 13 minibatches
    np.testing.assert_allclose(history.step_loss, expected, rtol=1e-9, atol=0)
    np.testing.assert_allclose(
        history.params[case["final_indices"]], case["final_values"], rtol=0, atol=1e-9
    )
    assert np.linalg.norm(history.params) == pytest.approx(case["final_norm"], rel=1e-9)


def test_the_epoch_decay_case_differs_from_a_constant_rate():
    # Otherwise the golden case would not test the schedule at all.
    cases = {case_id(c): c for c in GOLDEN["cases"]}
    constant = np.array(cases["dense-Adam"]["step_loss"])
    decayed = np.array(cases["dense-Adam-epoch-decay"]["step_loss"])
    np.testing.assert_array_equal(constant[:14], decayed[:14])  # epoch 1 and the first step after
    assert np.max(np.abs(constant - decayed) / constant) > 1e-6
