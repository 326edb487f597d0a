"""Regenerate tests/golden/nets_torch.json: torch training the course's networks, step by step.

Needs torch 2.13 (CPU) and NumPy, not the test suite's environment. Run from the repository
root, with the project on the path:

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch==2.13.0 numpy
    PYTHONPATH=. /tmp/torchenv/bin/python tests/golden/make_nets_golden.py

Each case trains a network in float64 with torch.nn and torch.optim from OUR θ_0 (each
W of shape (in, out) transposed into torch's Linear weight (out, in)), on OUR minibatches
(the pinned rule: `rng = np.random.default_rng(seed)`, each epoch `rng.permutation(rows)`,
consecutive slices of `batch_size`), and stores the loss of every minibatch before its update,
and a sample of the final parameters in our layout. The data, θ_0 and the batch order are
made here with NumPy and stored as sha256 checksums, so a change in NumPy's random streams
shows up as a checksum failure in the test rather than as a silently different run.
"""

from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path

import numpy as np
import torch

from nets.data import random_data, regression
from nets.model import MLP

torch.set_default_dtype(torch.float64)
HERE = Path(__file__).parent
EPOCHS = 3
BATCH_SIZE = 32
SEED = 0
SAMPLES = 16  # final parameters stored per case: θ at 16 evenly spaced indices, and ‖θ‖


def checksum(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def batch_orders(rows: int, epochs: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([rng.permutation(rows) for _ in range(epochs)])


NETWORKS = {
    "dense": {
        "model": MLP((20, 64, 1), hidden="relu", output="sigmoid"),
        "data": lambda: random_data(rows=400, validation_rows=0, seed=1),
        "data_call": "random_data(rows=400, validation_rows=0, seed=1)",
    },
    "regressor": {
        "model": MLP((10, 64, 32, 1), hidden="relu", output="linear"),
        "data": lambda: regression(rows=500, validation=0.2, seed=1),
        "data_call": "regression(rows=500, validation=0.2, seed=1)",
    },
}

OPTIMIZERS = {
    "Adam": ({"learning_rate": 1e-3}, lambda p: torch.optim.Adam(p, lr=1e-3)),
    "SGD + momentum": (
        {"learning_rate": 1e-2, "momentum": 0.9},
        lambda p: torch.optim.SGD(p, lr=1e-2, momentum=0.9),
    ),
    "RMSProp": ({"learning_rate": 1e-3}, lambda p: torch.optim.RMSprop(p, lr=1e-3)),
}


def torch_network(model: MLP, theta0: np.ndarray) -> torch.nn.Sequential:
    layers: list[torch.nn.Module] = []
    for k, (fan_in, fan_out) in enumerate(zip(model.sizes[:-1], model.sizes[1:], strict=True)):
        linear = torch.nn.Linear(fan_in, fan_out)
        W, b = model.blocks[2 * k], model.blocks[2 * k + 1]
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(theta0[W.slice].reshape(W.shape).T))
            linear.bias.copy_(torch.tensor(theta0[b.slice]))
        layers.append(linear)
        if k < model.n_layers - 1:
            layers.append(torch.nn.ReLU() if model.hidden == "relu" else torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def flat_params(network: torch.nn.Sequential) -> np.ndarray:
    """θ in our layout: W1 (in, out) row-major, b1, W2, b2, …"""
    parts = []
    for layer in network:
        if isinstance(layer, torch.nn.Linear):
            parts += [layer.weight.detach().numpy().T.ravel(), layer.bias.detach().numpy()]
    return np.concatenate(parts)


def run_case(net: str, variant: str, epoch_decay: dict | None = None) -> dict:
    spec = NETWORKS[net]
    model: MLP = spec["model"]
    data = spec["data"]()
    X, y = data.X, data.y
    theta0 = model.init(seed=SEED)
    orders = batch_orders(len(X), EPOCHS, SEED)
    hyperparameters, make = OPTIMIZERS[variant]
    network = torch_network(model, theta0)
    optimizer = make(network.parameters())
    scheduler = None
    if epoch_decay is not None:
        n, rate = epoch_decay["constant_epochs"], epoch_decay["rate"]
        # Keras's LearningRateScheduler: α for the first n epochs, then ×e^−rate per epoch.
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda e: float(np.exp(-rate * max(e - n + 1, 0)))
        )
    loss_fn = torch.nn.BCEWithLogitsLoss() if model.output == "sigmoid" else torch.nn.MSELoss()
    X_t, y_t = torch.tensor(X), torch.tensor(y)
    losses = []
    for order in orders:
        for start in range(0, len(X), BATCH_SIZE):
            index = torch.tensor(order[start : start + BATCH_SIZE])
            optimizer.zero_grad()
            loss = loss_fn(network(X_t[index]), y_t[index])
            loss.backward()
            losses.append(loss.item())
            optimizer.step()
        if scheduler is not None:
            scheduler.step()
    final = flat_params(network)
    sample = np.linspace(0, model.n_parameters - 1, SAMPLES).round().astype(int)
    return {
        "network": net,
        "sizes": list(model.sizes),
        "hidden": model.hidden,
        "output": model.output,
        "data": spec["data_call"],
        "optimizer": variant,
        "hyperparameters": hyperparameters,
        "epoch_decay": epoch_decay,
        "epochs": EPOCHS,
        "batch_size": BATCH_SIZE,
        "seed": SEED,
        "sha256": {
            "X": checksum(X),
            "y": checksum(y),
            "theta0": checksum(theta0),
            "orders": checksum(orders.astype(np.int64)),
        },
        "step_loss": losses,
        "final_indices": sample.tolist(),
        "final_values": final[sample].tolist(),
        "final_norm": float(np.linalg.norm(final)),
    }


def main() -> None:
    cases = [run_case(net, variant) for net in NETWORKS for variant in OPTIMIZERS]
    cases.append(run_case("dense", "Adam", {"constant_epochs": 1, "rate": 0.1}))
    document = {
        "made_by": "tests/golden/make_nets_golden.py",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "dtype": "float64",
        "cases": cases,
    }
    path = HERE / "nets_torch.json"
    path.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {path} ({path.stat().st_size:,} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
