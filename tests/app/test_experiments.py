"""The Experiments pages (Sweep, Basins, Noise) through AppTest, on small, fast grids."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.markdown import shown
from tests.plotly_data import values

TIMEOUT = 120
APP = str(Path(__file__).parents[2] / "app.py")
SMALL = {"ex_grid": "10", "ex_steps": "100"}


def open_page(query: dict | None = None, page: str = "pages/sweep.py") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def title(figure: dict) -> str:
    return figure["layout"]["title"]["text"]


def heatmaps(figure: dict) -> list[np.ndarray]:
    return [values(t["z"]) for t in figure["data"] if t["type"] == "heatmap"]


def test_sweep_opens_on_adam_beta1_by_beta2_on_rosenbrock_with_the_best_cell():
    at = open_page(SMALL)
    figures = charts(at)
    assert len(figures) == 3  # heatmap, loss of the shown cell, its path
    sweep, loss, path = figures
    assert title(sweep).startswith("Adam on Rosenbrock: final loss")
    assert sweep["layout"]["xaxis"]["title"]["text"].startswith("β1")
    assert sweep["layout"]["yaxis"]["title"]["text"].startswith("β2")
    assert heatmaps(sweep)[0].shape == (10, 10)
    # The course's grid search shows as rings where it falls inside β1 × β2.
    assert any(t.get("name") == "the course's grid search" for t in sweep["data"])
    assert "Showing the best cell" in at.info[0].value
    assert title(path).startswith("Path at β1 = ")
    assert title(loss).startswith("Loss at β1 = ")
    assert [d.label for d in at.get("download_button")] == ["Sweep grid as CSV"]


def test_course_grid_search_button_sets_alpha_by_beta1_and_lists_the_twelve_models():
    at = open_page(SMALL)
    next(b for b in at.button if b.label == "The course's grid search").click().run()
    assert not at.exception
    sweep = charts(at)[0]
    assert sweep["layout"]["xaxis"]["title"]["text"] == "α (log scale)"
    assert sweep["layout"]["yaxis"]["title"]["text"].startswith("β1")
    rings = next(t for t in sweep["data"] if t.get("name") == "the course's grid search")
    assert len(values(rings["x"])) == 6  # α ∈ {0.001, 0.01, 0.1} × β1 ∈ {0.9, 0.95}
    table = at.dataframe[0].value
    assert len(table) == 12 and table["rank"].tolist() == list(range(1, 13))


@pytest.mark.parametrize("color", ["steps", "status"])
def test_colour_by_changes_the_heatmap(color):
    at = open_page(SMALL)
    at.selectbox(key="ex_color").set_value(color).run()
    assert not at.exception
    sweep = charts(at)[0]
    assert title(sweep).startswith(f"Adam on Rosenbrock: {'steps' if color == 'steps' else 'conv'}")


def test_changing_the_optimizer_offers_its_own_axes():
    at = open_page(SMALL)
    at.selectbox(key="ex_optimizer").set_value("SGD + momentum").run()
    assert not at.exception
    assert at.selectbox(key="ex_momentum_xaxis").value == "learning_rate"
    assert at.selectbox(key="ex_momentum_yaxis").value == "momentum"
    sweep = charts(at)[0]
    assert title(sweep).startswith("SGD + momentum on Rosenbrock")
    assert sweep["layout"]["yaxis"]["title"]["text"].startswith("μ")


def test_choosing_the_same_hyperparameter_twice_is_explained_not_raised():
    at = open_page(SMALL)
    at.selectbox(key="ex_adam_xaxis").set_value("beta2").run()
    assert not at.exception
    assert at.error and "different hyperparameter" in at.error[0].value
    assert not at.get("plotly_chart")


def test_a_tampered_link_warns_and_falls_back_to_the_default():
    at = open_page({**SMALL, "ex_steps": "lots"})
    assert at.warning and "ex_steps=lots (not a number)" in shown(at.warning[0].value)
    assert at.slider(key="ex_steps").value == 1000


def test_basins_page_shows_two_maps_and_both_paths_from_a_start_where_they_differ():
    at = open_page({"ex_basin_grid": "20", "ex_basin_steps": "200"}, "pages/basins.py")
    figures = charts(at)
    assert len(figures) == 3  # the two maps, the paths, the loss
    maps, paths, _ = figures
    assert title(maps).startswith("Himmelblau: where each of 400 starts ends after 200 steps")
    codes = heatmaps(maps)
    assert len(codes) == 2 and all(c.shape == (20, 20) for c in codes)
    assert "end in different places" in at.info[0].value
    assert title(paths).startswith("Paths from (")
    names = [t["name"] for t in paths["data"] if t.get("mode") == "lines"]
    assert [n.split(" (")[0] for n in names] == ["SGD", "Adam"]
    shares = at.dataframe[0].value
    assert list(shares.columns) == ["where the run ended", "SGD", "Adam"]
    assert shares[["SGD", "Adam"]].sum().tolist() == pytest.approx([1.0, 1.0])


def test_noise_page_compares_four_optimizers_over_the_seeds():
    at = open_page({"ex_seeds": "3", "ex_noise_steps": "60", "ex_tune": "manual"}, "pages/noise.py")
    figures = charts(at)
    assert len(figures) == 1
    noise = figures[0]
    assert title(noise).startswith("Rosenbrock: f − f* over 3 seeds, σ = 1, sparsity 50%")
    legend = [t["name"] for t in noise["data"] if t.get("showlegend") is not False]
    assert [n.split(" (")[0] for n in legend] == ["SGD", "SGD + momentum", "RMSProp", "Adam"]
    table = at.dataframe[0].value
    assert table["optimizer"].tolist() == ["SGD", "SGD + momentum", "RMSProp", "Adam"]
    assert "α=0.001" in table["settings"][0]  # set by hand
    assert at.markdown and any("Median f − f* after 60 steps" in m.value for m in at.markdown)


def test_noise_page_searches_each_learning_rate_by_default():
    at = open_page({"ex_seeds": "2", "ex_noise_steps": "40"}, "pages/noise.py")
    assert not at.exception
    table = at.dataframe[0].value
    rates = [float(s.split("α=")[1].split(",")[0]) for s in table["settings"]]
    assert all(0.0001 <= r <= 1 for r in rates)
    # The α controls are disabled while the search chooses α.
    assert at.select_slider(key="ex_noise_adam_lr").disabled


def test_reset_puts_the_sweep_back_to_its_defaults():
    at = open_page(SMALL)
    at.selectbox(key="ex_optimizer").set_value("RMSProp").run()
    at.slider(key="ex_grid").set_value(15).run()
    assert heatmaps(charts(at)[0])[0].shape == (15, 15)
    next(b for b in at.button if b.label == "Reset the sweep").click().run()
    assert not at.exception
    assert at.selectbox(key="ex_optimizer").value == "Adam"
    assert at.slider(key="ex_grid").value == 60
    assert heatmaps(charts(at)[0])[0].shape == (60, 60)


def test_an_old_experiments_link_to_a_tab_opens_that_tools_page():
    at = open_page({"ex_view": "Basins", "ex_basin_grid": "20", "ex_basin_steps": "100"})
    assert not at.exception
    assert at.title[0].value == "Basins of attraction"
    assert heatmaps(charts(at)[0])[0].shape == (20, 20)
