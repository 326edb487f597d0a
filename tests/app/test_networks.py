"""The Networks page through Streamlit's AppTest: every data set and scenario renders, bad input
gets a clear message, links are used, and no chart or export carries NaN."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lessons.networks import DEFAULT, DIVERGING, SCENARIOS, SHARED_START
from nets import DATASETS, MAX_PARAMETERS
from tests.markdown import shown
from tests.plotly_data import values
from ui.chart import decode_message

TIMEOUT = 120
APP = str(Path(__file__).parents[2] / "app.py")
PAGE = "pages/networks.py"


class Page:
    """The page under AppTest, with the figures its charts sent.

    A chart sends each large piece once per session and names it by digest afterwards, so
    every run's messages are decoded, in order, into one cache (the browser's memory).
    """

    def __init__(self, query: dict | None = None) -> None:
        self.at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        self.cache: dict = {}
        self.figures: dict[str, dict] = {}
        self.at.run()
        for key, value in (query or {}).items():
            self.at.query_params[key] = value
        self.at.switch_page(PAGE).run()
        self._record()

    def _record(self) -> None:
        assert not self.at.exception, self.at.exception
        self.figures = {}
        for element in self.at.get("component_instance"):
            key = json.loads(element.proto.json_args)["key"]
            body = decode_message(element.proto.special_args[0].bytes, self.cache)
            self.figures[key] = body["figure"]

    def set(self, kind: str, key: str, value) -> Page:
        getattr(self.at, kind)(key=key).set_value(value).run()
        self._record()
        return self

    def text(self) -> str:
        kinds = ("markdown", "caption", "info", "warning", "error")
        return "\n".join(shown(str(e.value)) for kind in kinds for e in self.at.get(kind))

    def errors(self) -> list[str]:
        return [shown(e.value) for e in self.at.error]


def names(figure: dict) -> list[str]:
    return [trace.get("name") for trace in figure["data"]]


def arrays(node) -> list[np.ndarray]:
    """Every numeric array in a figure: typed arrays and lists of numbers, frames included."""
    found = []
    if isinstance(node, dict):
        if "bdata" in node and "dtype" in node:
            return [values(node).astype(float)]
        for value in node.values():
            found += arrays(value)
    elif isinstance(node, list):
        if node and all(isinstance(v, int | float) and not isinstance(v, bool) for v in node):
            return [np.asarray(node, dtype=float)]
        for value in node:
            found += arrays(value)
    return found


def numbers(node) -> list[float]:
    """Every number in a figure outside the arrays (ranges, positions, …)."""
    if isinstance(node, dict) and not ("bdata" in node and "dtype" in node):
        return [x for value in node.values() for x in numbers(value)]
    if isinstance(node, list):
        return [x for value in node for x in numbers(value)]
    if isinstance(node, float):
        return [node]
    return []


def assert_finite(figure: dict) -> None:
    """No NaN or infinity in the data the browser receives."""
    for array in arrays(figure):
        assert np.all(np.isfinite(array)), array
    assert all(math.isfinite(x) for x in numbers(figure))


@pytest.fixture(scope="module")
def default_page() -> Page:
    return Page()


# -- the page as it opens -------------------------------------------------------------------
def test_default_view(default_page):
    page = default_page
    at = page.at
    assert at.title[0].value == "Networks"
    assert not at.error and not at.warning
    assert list(page.figures) == [
        "nn_metrics_chart",
        "nn_rates_chart",
        "nn_w1_chart",
        "nn_boundary_chart",
    ]
    optimizers = [s.variant for s in DEFAULT.optimizers]
    assert at.multiselect(key="nn_optimizers").value == optimizers
    metrics = page.figures["nn_metrics_chart"]
    lines = [f"{o} {split}" for o in optimizers for split in ("train", "validation")]
    assert names(metrics) == lines * 2  # loss, then accuracy
    # Epochs 0 … 50, and the subtitle says what every optimizer shared.
    assert len(values(metrics["data"][0]["y"])) == DEFAULT.network.epochs + 1
    assert "same θ_0 and minibatches" in metrics["layout"]["title"]["subtitle"]["text"]
    assert "2→16→16→1 tanh/sigmoid" in metrics["layout"]["title"]["subtitle"]["text"]
    assert SHARED_START in page.text()
    # Adam's effective rates are bands; SGD's is one line, α.
    rates = names(page.figures["nn_rates_chart"])
    assert "SGD (one rate for all)" in rates and "Adam" in rates
    assert "SGD: every parameter has the same rate, 0.1." in page.text()
    assert page.figures["nn_w1_chart"]["layout"]["title"]["text"].startswith("Adam:")
    assert len(page.figures["nn_boundary_chart"]["frames"]) == 30
    for figure in page.figures.values():
        assert_finite(figure)
    assert not at.toggle(key="nn_grid").value and not at.toggle(key="nn_general").value
    (download,) = at.get("download_button")
    assert download.proto.label == "Every history as CSV"


# -- every data set and scenario --------------------------------------------------------------
@pytest.mark.parametrize("dataset", [d for d in DATASETS if d != DEFAULT.network.dataset])
def test_each_data_set(dataset):
    page = Page({"nn_epochs": "5"}).set("selectbox", "nn_data", dataset)
    at = page.at
    assert not at.error, page.errors()
    info = DATASETS[dataset]
    assert info.title in page.text()
    expected = {"nn_metrics_chart", "nn_rates_chart", "nn_w1_chart"}
    if info.two_dimensional:
        expected.add("nn_boundary_chart")
    if dataset == "bag_of_words":
        expected.add("nn_words_chart")
    assert set(page.figures) == expected
    assert at.slider(key="nn_size").disabled is not info.two_dimensional
    if dataset == "random":
        assert "can only be memorised" in page.text()
    if info.two_dimensional:  # each 2-D set opens with its own noise
        noise = {"moons": 0.2, "circles": 0.1, "spirals": 0.05}[dataset]
        assert at.slider(key="nn_noise").value == pytest.approx(noise)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.key)
def test_each_scenario(scenario):
    page = Page().set("selectbox", "nn_scenario", scenario.key)
    at = page.at
    assert not at.error, page.errors()
    assert at.selectbox(key="nn_data").value == scenario.network.dataset
    assert at.text_input(key="nn_hidden").value == ", ".join(
        map(str, scenario.network.hidden_sizes)
    )
    assert at.multiselect(key="nn_optimizers").value == [s.variant for s in scenario.optimizers]
    assert at.slider(key="nn_epochs").value == scenario.network.epochs
    (info,) = at.info
    assert scenario.title in shown(info.value) and "changed since" not in info.value
    subtitle = page.figures["nn_metrics_chart"]["layout"]["title"]["subtitle"]["text"]
    assert f"batch {scenario.network.batch_size}, {scenario.network.epochs} epochs" in subtitle
    for figure in page.figures.values():
        assert_finite(figure)
    # Changing a setting the scenario made says so.
    page.set("slider", "nn_epochs", scenario.network.epochs - 1)
    assert "changed since" in at.info[0].value


# -- bad input: a clear message, and the page keeps working -----------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", '"abc" is not a positive integer'),
        ("64, -3", '"-3" is not a positive integer'),
        ("0", '"0" is not a positive integer'),
        ("1.5", '"1.5" is not a positive integer'),
        (" ", "none given"),
        ("8, 8, 8, 8, 8", "5 hidden layers (at most 4)"),
        ("[64](http://example.com)", "is not a positive integer"),
    ],
    ids=["word", "negative", "zero", "fraction", "empty", "too-deep", "markdown"],
)
def test_bad_hidden_sizes_get_a_clear_message(text, message):
    page = Page().set("text_input", "nn_hidden", text)
    (error,) = page.errors()
    assert "Invalid hidden sizes" in error and message in error
    assert not page.figures  # nothing drawn from a network that does not exist
    if "http" in text:  # shown as typed, never as a link
        assert "\\[64\\]\\(http" in page.at.error[0].value
    page.set("text_input", "nn_hidden", "8")  # and the page works again
    assert not page.at.error and "nn_metrics_chart" in page.figures


def test_too_many_parameters_states_the_limit():
    page = Page({"nn_epochs": "2"}).set("selectbox", "nn_data", "digits")
    page.set("text_input", "nn_hidden", "1000, 200")
    (error,) = page.errors()
    assert f"at most {MAX_PARAMETERS:,}" in error and "267,210 parameters" in error
    assert not page.figures


def test_a_run_too_long_for_the_page_says_how_to_shrink_it():
    page = Page({"nn_batch": "1", "nn_epochs": "300"})
    (error,) = page.errors()
    assert "This run would take about" in error and "fewer epochs" in error


def test_no_optimizer_chosen():
    page = Page().set("multiselect", "nn_optimizers", [])
    assert "Choose at least one optimizer" in page.text()
    assert not page.figures and not page.at.error


# -- divergence: where it happened, what was reached, and no NaN anywhere -----------------------
def test_a_diverging_learning_rate_names_the_epoch_and_draws_no_nan():
    page = Page().set("selectbox", "nn_scenario", DIVERGING.key)
    warnings = [shown(w.value) for w in page.at.warning]
    assert any(w.startswith("SGD diverged in epoch 1 (step 8 of 500)") for w in warnings), warnings
    assert not any(w.startswith("Adam diverged") for w in warnings)
    assert "It had reached a training loss of" in warnings[0]
    for figure in page.figures.values():
        assert_finite(figure)
    metrics = page.figures["nn_metrics_chart"]
    assert "SGD diverged" in names(metrics)
    # SGD's line stops at the epoch in which it diverged: epochs 0 and 1.
    (sgd_train,) = [t for t in metrics["data"] if t.get("name") == "SGD train"]
    assert len(values(sgd_train["y"])) == 2


# -- links, controls and what they reach --------------------------------------------------------
def test_link_values_are_used():
    page = Page(
        {
            "nn_data": "Circles",
            "nn_hidden": "8",
            "nn_activation": "relu",
            "nn_optimizers": ["Adam", "SGD + momentum"],
            "nn_epochs": "12",
            "nn_batch": "16",
            "nn_seed": "3",
            "nn_adam_lr": "0.003",
        }
    )
    at = page.at
    assert not at.warning and not at.error
    assert at.selectbox(key="nn_data").value == "circles"
    assert at.multiselect(key="nn_optimizers").value == ["Adam", "SGD + momentum"]
    subtitle = page.figures["nn_metrics_chart"]["layout"]["title"]["subtitle"]["text"]
    assert "2→8→1 relu/sigmoid, batch 16, 12 epochs, seed 3" in subtitle
    assert "Adam: α=0.003" in subtitle
    trained = [n for n in names(page.figures["nn_metrics_chart"]) if n.endswith("train")]
    assert trained == ["Adam train", "SGD + momentum train"] * 2  # loss, then accuracy


def test_an_unusable_link_value_is_refused_and_said_so():
    page = Page({"nn_epochs": "many", "nn_optimizers": ["Adam", "Lion"]})
    warning = shown(page.at.warning[0].value)
    assert "nn_epochs=many (not a number): 50 is shown instead" in warning
    assert "nn_optimizers=Adam&Lion (unknown Lion)" in warning
    assert page.at.slider(key="nn_epochs").value == DEFAULT.network.epochs


def test_w1_heatmap_follows_the_chosen_optimizer_and_falls_back():
    page = Page({"nn_epochs": "5"}).set("selectbox", "nn_w1", "SGD")
    assert page.figures["nn_w1_chart"]["layout"]["title"]["text"].startswith("SGD:")
    assert page.at.selectbox(key="nn_w1").options == ["Adam", "SGD", "RMSProp"]
    page.set("multiselect", "nn_optimizers", ["Adam", "SGD"])  # still trained: kept
    assert page.at.selectbox(key="nn_w1").value == "SGD"
    page.set("multiselect", "nn_optimizers", ["RMSProp", "Adam"])
    assert page.at.selectbox(key="nn_w1").value == "Adam"
    assert page.figures["nn_w1_chart"]["layout"]["title"]["text"].startswith("Adam:")


def test_the_course_schedule_decays_alpha_after_n_epochs():
    page = Page({"nn_epochs": "10", "nn_optimizers": ["SGD"]})
    assert page.at.slider(key="nn_decay_after").disabled
    page.set("selectbox", "nn_schedule", "course").set("slider", "nn_decay_after", 4)
    (line,) = page.figures["nn_rates_chart"]["data"][:1]
    alpha = values(line["y"])
    # 13 steps per epoch: α for 4 epochs, then ×e^−0.1 per epoch.
    assert alpha[0] == pytest.approx(0.1) and alpha[4 * 13 - 1] == pytest.approx(0.1)
    assert alpha[-1] == pytest.approx(0.1 * math.exp(-0.1 * 6), rel=1e-6)
    assert (
        "×e^−0.1 per epoch" in page.figures["nn_rates_chart"]["layout"]["title"]["subtitle"]["text"]
    )


def test_reset_returns_to_the_default_view():
    page = Page({"nn_epochs": "5", "nn_hidden": "4", "nn_data": "Circles"})
    page.at.button[0].click().run()
    page._record()
    assert page.at.slider(key="nn_epochs").value == DEFAULT.network.epochs
    assert page.at.text_input(key="nn_hidden").value == "16, 16"
    assert page.at.selectbox(key="nn_data").value == DEFAULT.network.dataset
    assert (
        "2→16→16→1 tanh/sigmoid"
        in page.figures["nn_metrics_chart"]["layout"]["title"]["subtitle"]["text"]
    )


def test_grid_search_on_demand():
    page = Page({"nn_epochs": "5"})
    assert "nn_grid_chart" not in page.figures
    page.set("toggle", "nn_grid", True)
    assert not page.at.error
    grid = page.figures["nn_grid_chart"]
    assert grid["layout"]["title"]["text"] == "Grid search: final training loss of 12 Adam models"
    assert len(grid["data"][0]["y"]) == 4 and len(grid["data"][0]["x"]) == 3  # β1×β2 by α
    table = page.at.dataframe[0].value
    assert len(table) == 12 and list(table["rank"]) == list(range(1, 13))


def test_generalisation_on_demand():
    page = Page({"nn_epochs": "5"})
    page.set("toggle", "nn_general", True)
    assert not page.at.error
    figure = page.figures["nn_general_chart"]
    assert (
        "64→64→10 relu/softmax, batch 32, 30 epochs"
        in figure["layout"]["title"]["subtitle"]["text"]
    )
    text = page.text()
    assert "On this run Adam's final validation loss is" in text
    assert "gap between validation and training loss" in text
    numbers = page.at.dataframe[0].value
    assert list(numbers["optimizer"]) == ["Adam", "SGD"]


def test_only_the_chosen_optimizers_have_widgets():
    at = Page({"nn_optimizers": ["SGD"]}).at
    drawn = {w.key for w in at.select_slider} | {w.key for w in at.slider}
    assert "nn_sgd_lr" in drawn
    assert "nn_adam_lr" not in drawn and "nn_rmsprop_rho" not in drawn


def test_the_grid_search_takes_adams_epsilon_from_the_link_when_adam_is_not_trained():
    def grid(query: dict) -> list[np.ndarray]:
        page = Page({"nn_epochs": "3", "nn_grid": "true", **query})
        assert not page.at.error and not page.at.warning
        return arrays(page.figures["nn_grid_chart"]["data"])

    hidden = grid({"nn_optimizers": ["SGD"], "nn_adam_eps": "1"})
    shown_adam = grid({"nn_optimizers": ["Adam"], "nn_adam_eps": "1"})
    default = grid({"nn_optimizers": ["SGD"]})
    assert all(np.array_equal(a, b) for a, b in zip(hidden, shown_adam, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(hidden, default, strict=True))
