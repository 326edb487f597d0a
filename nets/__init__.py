"""Small neural networks in NumPy, trained by the optimizers of `optim`, with a look inside.

`MLP` is the network (θ as one flat vector, exact gradients), `train` trains it with any
optimizer and records a `History` (losses, accuracies, scheduled α, effective learning rates
per layer and per weight, θ snapshots); `compare` trains one copy per optimizer from the same
θ_0 on the same minibatches; `grid_search` trains the course's 12 Adam models as one batch.
`nets.data` makes or ships the data sets and names the course's networks (`PRESETS`).

>>> import numpy as np
>>> from nets import MLP, train
>>> from optim import Adam
>>> model = MLP((20, 64, 1), hidden="relu", output="sigmoid", loss="binary_crossentropy")
>>> theta0 = model.init(seed=0)
>>> X, y = np.random.default_rng(0).normal(size=(64, 20)), np.ones((64, 1))
>>> history = train(model, Adam(learning_rate=1e-3), X, y, epochs=2, batch_size=32, seed=0,
...                 theta0=theta0)
>>> history.step_loss.shape, history.params.shape, history.rate_quantiles.shape
((4,), (1409,), (4, 2, 5))
"""

from nets import data, schedules
from nets.data import DATASETS, PRESETS, Dataset, Preset, load
from nets.model import MAX_PARAMETERS, MLP, Block
from nets.schedules import ConstantThenExponential, EpochSchedule
from nets.training import QUANTILES, GridSearch, History, compare, grid_search, train

__all__ = [
    "DATASETS",
    "MAX_PARAMETERS",
    "MLP",
    "PRESETS",
    "QUANTILES",
    "Block",
    "ConstantThenExponential",
    "Dataset",
    "EpochSchedule",
    "GridSearch",
    "History",
    "Preset",
    "compare",
    "data",
    "grid_search",
    "load",
    "schedules",
    "train",
]
