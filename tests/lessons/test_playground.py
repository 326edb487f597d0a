"""Every teacher preset says what to notice; these tests check that it is what happens."""

from __future__ import annotations

import numpy as np
import pytest

from functions import get_function, parse_expression
from lessons.playground import DEFAULT, PRESETS, PRESETS_BY_KEY
from optim import run
from optim.catalog import VARIANTS, make_optimizer
from ui.hyperparameters import BETA2, EPSILONS, LEARNING_RATES


def runs_of(preset):
    objective = (
        parse_expression(preset.expression)
        if preset.function == "custom"
        else get_function(preset.function)
    )
    return objective, {
        name: run(make_optimizer(name, values), objective, preset.start, preset.steps)
        for name, values in preset.settings().items()
    }


def path_length(trajectory) -> float:
    return float(np.linalg.norm(np.diff(trajectory.params, axis=0), axis=1).sum())


@pytest.mark.parametrize("preset", [DEFAULT, *PRESETS], ids=lambda p: p.key)
def test_preset_settings_are_values_the_controls_offer(preset):
    assert len(PRESETS) >= 6
    assert preset.notice and preset.title
    assert 10 <= preset.steps <= 5000 and preset.steps % 10 == 0
    for name, values in preset.settings().items():
        assert set(values) <= set(VARIANTS[name].hyperparameters)
        assert values.get("learning_rate", 1e-3) in LEARNING_RATES
        assert values.get("beta2", 0.999) in BETA2
        assert values.get("epsilon", 1e-8) in EPSILONS
        assert 0 <= values.get("beta1", 0.9) <= 0.999
        assert 0 <= values.get("momentum", 0.9) <= 0.99


def test_course_example_adam_moves_about_alpha_per_step():
    _, runs = runs_of(PRESETS_BY_KEY["course"])
    adam = runs["Adam"]
    assert np.all(np.abs(adam.updates) <= 1.01 * 0.001)  # each coordinate moves at most ~α
    assert path_length(adam) < 0.3
    assert np.abs(runs["RMSProp"].updates[0]) == pytest.approx([0.01, 0.01], rel=1e-6)  # 10 α
    assert path_length(runs["RMSProp"]) > path_length(adam)
    losses = {name: float(t.final_loss) for name, t in runs.items()}
    assert min(losses, key=losses.get) == "SGD"


def test_valley_sgd_bounces_while_adam_follows_the_floor():
    _, runs = runs_of(PRESETS_BY_KEY["valley"])
    assert path_length(runs["SGD"]) > 2 * path_length(runs["Adam"])
    # Bouncing: SGD's x-step changes sign far more often than Adam's.
    flips = {name: int(np.sum(np.diff(np.sign(t.updates[:, 1])) != 0)) for name, t in runs.items()}
    assert flips["SGD"] > 10 * max(flips["Adam"], 1)


def test_first_step_is_alpha_for_adam_and_sgd_diverges():
    objective, runs = runs_of(PRESETS_BY_KEY["first-step"])
    np.testing.assert_allclose(np.abs(runs["Adam"].updates[0]), [0.05, 0.05], rtol=1e-9)
    g = objective.gradient(np.array(PRESETS_BY_KEY["first-step"].start))
    assert 1e4 < abs(g[0]) < 1e6 and 1e5 < abs(g[1]) < 1e7
    assert runs["SGD"].diverged_at == 2 and runs["Adam"].diverged_at == -1


def test_large_epsilon_adam_tracks_sgd():
    _, runs = runs_of(PRESETS_BY_KEY["large-epsilon"])
    assert np.abs(runs["Adam"].gradients).max() < 0.3
    gap_sgd = np.linalg.norm(runs["Adam"].params - runs["SGD"].params, axis=1).max()
    gap_rms = np.linalg.norm(runs["Adam"].params - runs["RMSProp"].params, axis=1).max()
    assert gap_sgd < 0.25 < 1.0 < gap_rms


def test_small_beta2_adam_stays_jumpy_and_amsgrad_settles():
    objective, runs = runs_of(PRESETS_BY_KEY["small-beta2"])

    def roughness(t):  # sign changes of the loss's slope over the second half
        return int(np.sum(np.diff(np.sign(np.diff(t.loss[500:]))) != 0))

    assert roughness(runs["Adam"]) > 10 * roughness(runs["AMSGrad"])
    _, adam_distance = objective.nearest_minimum(runs["Adam"].final_params)
    _, ams_distance = objective.nearest_minimum(runs["AMSGrad"].final_params)
    assert ams_distance < 1e-6 < adam_distance


def test_momentum_overshoots_and_sgd_does_not():
    objective, runs = runs_of(PRESETS_BY_KEY["overshoot"])
    rises = {
        name: int(np.sum(np.diff(objective.nearest_minimum(t.params)[1]) > 0))
        for name, t in runs.items()
    }
    assert rises["SGD"] == 0
    assert rises["SGD + momentum"] > 50
    assert path_length(runs["Nesterov"]) < path_length(runs["SGD + momentum"])
    assert runs["Nesterov"].converged_at < runs["SGD + momentum"].converged_at


def test_saddle_sgd_lingers_and_adam_escapes():
    _, runs = runs_of(PRESETS_BY_KEY["saddle"])
    assert np.abs(runs["SGD"].params[:, 1]).max() < 0.5
    escaped = np.flatnonzero(np.abs(runs["Adam"].params[:, 1]) > 1)
    assert escaped.size and escaped[0] < 100
    assert runs["Adam"].final_loss < runs["SGD"].final_loss


def test_per_parameter_steps_move_both_coordinates_together():
    _, runs = runs_of(PRESETS_BY_KEY["per-parameter"])
    sgd_50, adam_50 = runs["SGD"].params[50], runs["Adam"].params[50]
    assert abs(sgd_50[0]) < 1e-3 < 1.0 < abs(sgd_50[1])  # x done, y crawling
    assert adam_50[0] == pytest.approx(-adam_50[1], rel=1e-6)  # on the diagonal
    assert runs["Adam"].converged_at < runs["SGD"].converged_at


def test_himmelblau_course_example():
    objective, runs = runs_of(PRESETS_BY_KEY["himmelblau"])
    target = (-2.805118086952745, 3.131312518250573)
    for trajectory in runs.values():
        index, _ = objective.nearest_minimum(trajectory.final_params)
        assert objective.minima[index] == target
    _, adam_distance = objective.nearest_minimum(runs["Adam"].final_params)
    _, rms_distance = objective.nearest_minimum(runs["RMSProp"].final_params)
    assert rms_distance < 0.01 < 0.05 < adam_distance
