"""Every page's scenarios share one shape, and each is something its page can show."""

from __future__ import annotations

import pytest

from functions import list_functions
from lessons import adam, experiments, networks, playground
from lessons.scenarios import Scenario, by_key, optimizer
from nets.data import DATASETS
from nets.runs import SCHEDULES as NETWORK_SCHEDULES
from optim.catalog import VARIANTS
from optim.inside import ADAM_VARIANTS, SCHEDULES

ALL = [
    playground.DEFAULT,
    *playground.PRESETS,
    *adam.PRESETS,
    experiments.COURSE_GRID_SEARCH,
    experiments.HIMMELBLAU_BASINS,
    *networks.SCENARIOS,
]


@pytest.mark.parametrize("scenario", ALL, ids=lambda s: s.key)
def test_scenario_is_in_domain_terms_the_app_knows(scenario):
    assert isinstance(scenario, Scenario)
    assert scenario.title and scenario.notice
    for variant, hyperparameters in scenario.optimizers:
        assert set(dict(hyperparameters)) <= set(VARIANTS[variant].hyperparameters)
    if scenario.network is not None:  # the Networks page: a data set instead of a function
        assert scenario.function == "" and scenario.network.dataset in DATASETS
        assert scenario.schedule in NETWORK_SCHEDULES
        return
    assert scenario.function in (*list_functions(), "custom")
    assert (scenario.function == "custom") == bool(scenario.expression)
    assert scenario.schedule in SCHEDULES


@pytest.mark.parametrize("scenario", adam.PRESETS, ids=lambda s: s.key)
def test_inside_adam_scenarios_run_one_adam_variant(scenario):
    ((variant, _),) = scenario.optimizers
    assert variant in ADAM_VARIANTS


def test_settings_and_keys():
    s = playground.PRESETS_BY_KEY["overshoot"]
    assert s.settings()["Nesterov"] == {"learning_rate": 0.02, "momentum": 0.95}
    assert s.hyperparameters("SGD", {"learning_rate": 1.0, "momentum": 0.0}) == {
        "learning_rate": 0.02,
        "momentum": 0.0,
    }
    twice = optimizer("SGD", learning_rate=0.1)
    with pytest.raises(ValueError, match="unique"):
        by_key((s, s))
    assert twice.variant == "SGD"
