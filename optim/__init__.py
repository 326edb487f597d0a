"""Gradient-based optimizers in pure NumPy, and `run()` to trace them over an objective."""

from optim import schedules
from optim.adagrad import Adagrad, AdagradState
from optim.adam import Adam, AdamState, AdamW
from optim.base import CONVENTIONS, Optimizer
from optim.rmsprop import RMSProp, RMSPropState
from optim.run import Trajectory, run
from optim.sgd import SGD, SGDState

__all__ = [
    "CONVENTIONS",
    "SGD",
    "Adagrad",
    "AdagradState",
    "Adam",
    "AdamState",
    "AdamW",
    "Optimizer",
    "RMSProp",
    "RMSPropState",
    "SGDState",
    "Trajectory",
    "run",
    "schedules",
]
