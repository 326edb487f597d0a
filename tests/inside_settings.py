"""The Inside Adam settings record the tests of optim/inside and viz/inside share."""

from __future__ import annotations

from optim.inside import InsideSettings

START = (-1.5, 2.5)
DEFAULT = {"learning_rate": 0.02, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}


def setup(
    steps: int,
    variant: str = "Adam",
    hyperparameters: dict | None = None,
    convention: str = "pytorch",
    bias: bool = True,
    schedule: str = "constant",
) -> InsideSettings:
    """The page's settings record for a run on Rosenbrock from START."""
    return InsideSettings(
        function="rosenbrock",
        start=START,
        steps=steps,
        variant=variant,
        hyperparameters=tuple((hyperparameters or DEFAULT).items()),
        convention=convention,
        bias_correction=bias,
        schedule=schedule,
    )
