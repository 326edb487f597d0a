"""Networks: the course's small neural networks trained by Adam, SGD, RMSProp … side by side, from
the same initial weights on the same minibatches, and looked at from inside."""

from __future__ import annotations

import dataclasses
from functools import partial

import streamlit as st

from lessons.networks import (
    BOUNDARY_CAPTION,
    DATA_NOTES,
    DEFAULT,
    DEFAULT_NOISE,
    DIVERGED_NOTE,
    GENERALISATION,
    GENERALISATION_CAPTION,
    GENERALISATION_NOTE,
    GRID_CAPTION,
    GRID_NOTE,
    INTRO,
    METRICS_CAPTION,
    OTHER_DEFAULTS,
    RATES_CAPTION,
    SCENARIOS_BY_KEY,
    SHARED_START,
    TWO_DIMENSIONAL,
    W1_CAPTION,
    WORDS_CAPTION,
    matches,
    run_settings,
)
from nets import DATASETS, MAX_PARAMETERS, GridSearch
from nets.model import HIDDEN
from nets.runs import SCHEDULES, Runs, RunSettings, parse_hidden_sizes
from optim.catalog import VARIANTS
from ui.chart import chart
from ui.controls import Choice, Controls, MultiChoice, Slider, Text, Toggle
from ui.exports import lazily
from ui.hyperparameters import controls_for, setting_values
from ui.progress import computed, progress_bar
from ui.shell import ensure_app_shell
from ui.text import MAX_MESSAGE, literal
from viz.networks import (
    boundary_figure,
    divergence_text,
    generalisation_figure,
    generalisation_lines,
    generalisation_numbers,
    generalisation_verdict,
    grid_search_figure,
    grid_search_table,
    history_csv,
    metrics_figure,
    rate_bands_figure,
    rate_spread_lines,
    w1_rates_figure,
    word_rates,
    words_figure,
)
from viz.style import chart_config

ensure_app_shell()

HYPERPARAMETERS = controls_for("nn", {**OTHER_DEFAULTS, **DEFAULT.settings()})
BATCH_SIZES = (1, 2, 3, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
MAX_NAMED_INPUTS = 20  # W1's rows are named by their features up to this many (words, x, y)
CONTROLS = Controls(
    (
        Choice(
            "nn_scenario",
            "Scenarios",
            "",
            help="The course's networks and a few lessons: each sets everything at once and "
            "says what to look for.",
            options=["", *SCENARIOS_BY_KEY],
            format_func=lambda key: SCENARIOS_BY_KEY[key].title if key else "Choose a scenario…",
        ),
        Choice(
            "nn_data",
            "Data set",
            DEFAULT.network.dataset,
            options=list(DATASETS),
            format_func=lambda name: DATASETS[name].title,
        ),
        Slider("nn_size", "Points", DEFAULT.network.size, low=50, high=2000, step=50),
        Slider(
            "nn_noise", "Noise", DEFAULT.network.noise, low=0.0, high=1.0, step=0.05, format="%.2f"
        ),
        Text(
            "nn_hidden",
            "Hidden layer sizes",
            ", ".join(map(str, DEFAULT.network.hidden_sizes)),
            help="One positive integer per hidden layer, e.g. 64, 32. Inputs and outputs follow "
            f"from the data set; at most {MAX_PARAMETERS:,} parameters.".replace(",", " "),
            max_chars=60,
        ),
        Choice("nn_activation", "Hidden activation", DEFAULT.network.hidden, options=list(HIDDEN)),
        MultiChoice(
            "nn_optimizers",
            "Optimizers to compare",
            [s.variant for s in DEFAULT.optimizers],
            options=list(VARIANTS),
        ),
        Slider("nn_epochs", "Epochs", DEFAULT.network.epochs, low=1, high=300, step=1),
        Choice(
            "nn_batch",
            "Minibatch size",
            DEFAULT.network.batch_size,
            options=BATCH_SIZES,
            slider=True,
        ),
        Choice(
            "nn_schedule",
            "Learning-rate schedule",
            DEFAULT.schedule,
            options=list(SCHEDULES),
            format_func=SCHEDULES.get,
        ),
        Slider(
            "nn_decay_after",
            "N: epochs at constant α",
            DEFAULT.network.constant_epochs,
            help="The course keeps α for 50 epochs, then multiplies it by e^−0.1 per epoch.",
            low=0,
            high=300,
            step=1,
        ),
        Slider(
            "nn_seed",
            "Seed",
            0,
            help="Draws the data, the initial weights θ₀ and the order of the minibatches.",
            low=0,
            high=100,
            step=1,
        ),
        Choice("nn_w1", "Optimizer", "Adam", options=list(VARIANTS)),
        Toggle("nn_grid", "Run the twelve models", False),
        Toggle("nn_general", "Train Adam and SGD on the digits", False),
        Choice(
            "nn_image", "Chart toolbar saves", "png", options=["png", "svg"], format_func=str.upper
        ),
        *(c for controls in HYPERPARAMETERS.values() for c in controls.values()),
    )
)


# -- callbacks: they only move values between scenarios and widgets ---------------------------
def apply_scenario() -> None:
    scenario = SCENARIOS_BY_KEY.get(st.session_state["nn_scenario"])
    if scenario is None:
        return
    values = {
        "nn_data": scenario.network.dataset,
        "nn_hidden": ", ".join(map(str, scenario.network.hidden_sizes)),
        "nn_activation": scenario.network.hidden,
        "nn_optimizers": [s.variant for s in scenario.optimizers],
        "nn_epochs": scenario.network.epochs,
        "nn_batch": scenario.network.batch_size,
        "nn_schedule": scenario.schedule,
        "nn_decay_after": scenario.network.constant_epochs,
        "nn_seed": 0,  # the seed its notice was checked with
    }
    if scenario.network.dataset in TWO_DIMENSIONAL:
        values.update(nn_size=scenario.network.size, nn_noise=scenario.network.noise)
    for setting in scenario.optimizers:
        values.update(setting_values(HYPERPARAMETERS, setting))
    CONTROLS.forget_link_values(values)
    st.session_state.update(values)


def data_defaults() -> None:
    """A 2-D data set opens with its own noise."""
    noise = DEFAULT_NOISE.get(st.session_state["nn_data"])
    if noise is not None:
        st.session_state["nn_noise"] = noise


def reset() -> None:
    CONTROLS.reset(st.session_state)


def render_hyperparameters(variant: str) -> dict[str, float]:
    return {name: control.render() for name, control in HYPERPARAMETERS[variant].items()}


# -- the core calls, cached on the settings record (plain values) ------------------------------
# One entry holds the data set and one History per optimizer: about 1 MB for the default
# view, 4 MB for the course's 20→64→1, 8 MB for the digits. nets bounds the θ and W1
# snapshots of the largest network the page accepts to ~50 MB.
@st.cache_data(max_entries=8, show_spinner=False)
def trained(settings: RunSettings) -> Runs:
    data, model, seconds = settings.prepare()
    count = len(settings.optimizers)
    # ui.progress measures work in optim's trajectory-steps; nets estimates seconds.
    progress = progress_bar(
        seconds,
        f"Training {count} cop{'ies' if count > 1 else 'y'} of {model.describe()} for "
        f"{settings.epochs} epochs…",
    )
    return settings.run(progress, data)


# One entry holds twelve models' losses per step and epoch and their θ snapshots (no rates):
# about 9 MB for the course's 20→64→1 (the snapshots are most of it).
@st.cache_data(max_entries=4, show_spinner=False)
def searched(settings: RunSettings, epsilon: float) -> GridSearch:
    data, model, _ = settings.prepare()
    settings.check_time(data, model, grid=True)
    progress = progress_bar(
        settings.seconds(data, model, grid=True),
        "Training the twelve models of the grid search…",
    )
    return settings.grid_search({"epsilon": epsilon}, progress, data)


def draw(figure, key: str, image_format: str) -> None:
    chart(figure, key=f"nn_{key}_chart", config=chart_config(f"adam-lab-nets-{key}", image_format))


# -- page -----------------------------------------------------------------------------------
st.title("Networks")
st.markdown(INTRO)
CONTROLS.warn_about_link()

with st.sidebar:
    CONTROLS["nn_scenario"].render(on_change=apply_scenario)
    st.subheader("Data and network")
    dataset = CONTROLS["nn_data"].render(on_change=data_defaults)
    two_dimensional = dataset in TWO_DIMENSIONAL
    left, right = st.columns(2)
    size = CONTROLS["nn_size"].render(left, disabled=not two_dimensional)
    noise = CONTROLS["nn_noise"].render(right, disabled=not two_dimensional)
    hidden_text = CONTROLS["nn_hidden"].render()
    activation = CONTROLS["nn_activation"].render()
    st.subheader("Training")
    chosen = CONTROLS["nn_optimizers"].render()
    epochs = CONTROLS["nn_epochs"].render()
    batch_size = CONTROLS["nn_batch"].render()
    schedule = CONTROLS["nn_schedule"].render()
    constant_epochs = CONTROLS["nn_decay_after"].render(disabled=schedule != "course")
    seed = CONTROLS["nn_seed"].render()
    st.button("Reset everything", on_click=reset, width="stretch")
    st.subheader("Hyperparameters")
    # Only the chosen optimizers' widgets are drawn (see the Playground).
    hyperparameters = {}
    for variant in chosen:
        with st.expander(variant, expanded=len(chosen) <= 3):
            hyperparameters[variant] = render_hyperparameters(variant)
    image_format = CONTROLS["nn_image"].render()

if not chosen:
    st.info("Choose at least one optimizer on the left.")
    st.stop()
try:
    settings = RunSettings(
        dataset=dataset,
        options=(("size", size), ("noise", noise)) if two_dimensional else (),
        hidden_sizes=parse_hidden_sizes(hidden_text),
        hidden=activation,
        optimizers=tuple((name, tuple(hyperparameters[name].items())) for name in chosen),
        epochs=epochs,
        batch_size=batch_size,
        schedule=schedule,
        constant_epochs=constant_epochs,
        seed=seed,
    )
    runs = computed(trained, settings)
except ValueError as problem:
    st.error(literal(str(problem), MAX_MESSAGE))
    st.stop()
data, model, histories = runs

scenario = SCENARIOS_BY_KEY.get(st.session_state.get("nn_scenario", ""))
if scenario is not None:
    changed = (
        ""
        if matches(scenario, settings)
        else " *(The settings have changed since: this describes the scenario's own.)*"
    )
    st.info(f"**{scenario.title}** — {scenario.notice}{changed}")
st.markdown(f"**{data.title}**, {model.describe()}. {DATA_NOTES[dataset]} {SHARED_START}")
for name, history in histories.items():
    if history.diverged_at >= 0:
        st.warning(divergence_text(name, history))
if any(history.diverged_at >= 0 for history in histories.values()):
    st.caption(DIVERGED_NOTE)

# -- loss and accuracy ----------------------------------------------------------------------
st.subheader("Loss and accuracy per epoch")
draw(metrics_figure(histories), "metrics", image_format)
gaps = ""
converged = {name: h for name, h in histories.items() if h.diverged_at < 0}
if data.validation is not None and converged:
    lines = generalisation_lines(generalisation_numbers(converged))
    gaps = " After the last epoch: " + "; ".join(lines) + "."
st.caption(METRICS_CAPTION + gaps)

# -- effective learning rates -----------------------------------------------------------------
st.subheader("The learning rate each parameter really gets")
draw(rate_bands_figure(histories), "rates", image_format)
st.caption(RATES_CAPTION)
st.markdown("\n".join(f"- {line}" for line in rate_spread_lines(histories)))
default_w1 = "Adam" if "Adam" in chosen else chosen[0]
if st.session_state.get("nn_w1") not in chosen:
    st.session_state["nn_w1"] = default_w1  # the optimizer shown is no longer trained
w1_control = dataclasses.replace(CONTROLS["nn_w1"], options=chosen, default=default_w1)
w1_name = w1_control.render(st.columns([1, 3])[0])
names = data.feature_names if len(data.feature_names) <= MAX_NAMED_INPUTS else ()
draw(w1_rates_figure(histories[w1_name], w1_name, feature_names=names), "w1", image_format)
st.caption(W1_CAPTION)

# -- what the data set lets us see ------------------------------------------------------------
if two_dimensional:
    st.subheader("Decision boundaries")
    draw(boundary_figure(histories, data), "boundary", image_format)
    st.caption(BOUNDARY_CAPTION)
if dataset == "bag_of_words":
    st.subheader("Rare and frequent words")
    draw(words_figure(histories, data), "words", image_format)
    st.caption(WORDS_CAPTION)
    st.dataframe(word_rates(histories, data), hide_index=True, width="stretch")

# -- the course's grid search, on demand --------------------------------------------------------
st.subheader("The course's grid search")
st.markdown(GRID_NOTE)
extra = {}  # the runs shown below the main ones, for the CSV
adam_epsilon = HYPERPARAMETERS["Adam"]["epsilon"].key
epsilon = (
    hyperparameters["Adam"]["epsilon"]
    if "Adam" in hyperparameters
    else CONTROLS.linked_value(adam_epsilon)
)
show_grid = CONTROLS["nn_grid"].render()
if show_grid:
    try:
        search = computed(searched, settings, epsilon)
    except ValueError as problem:
        st.error(literal(str(problem), MAX_MESSAGE))
    else:
        extra["grid search (Adam)"] = search.history
        draw(grid_search_figure(search), "grid", image_format)
        st.caption(GRID_CAPTION)
        st.dataframe(grid_search_table(search), hide_index=True, width="stretch")

# -- generalisation: Adam against SGD on real data, on demand -----------------------------------
st.subheader("Does Adam generalise worse than SGD?")
st.markdown(GENERALISATION_NOTE)
general_settings = run_settings(GENERALISATION, seed)
show_general = CONTROLS["nn_general"].render()
if show_general:
    try:
        general = computed(trained, general_settings).histories
    except ValueError as problem:
        st.error(literal(str(problem), MAX_MESSAGE))
    else:
        extra.update({f"digits: {name}": history for name, history in general.items()})
        numbers = generalisation_numbers(general)
        st.markdown(generalisation_verdict(numbers))
        draw(generalisation_figure(general), "general", image_format)
        st.caption(GENERALISATION_CAPTION)
        st.dataframe(numbers, hide_index=True, width="stretch")

# -- exports ----------------------------------------------------------------------------------
st.subheader("Take it with you")
st.caption(
    "The camera icon in each chart's toolbar saves it as PNG or SVG (choose on the left). The "
    "CSV holds every run on this page — each optimizer, and the grid search and the digits "
    "runs when shown — one row per step, with the epoch metrics at each epoch's last step."
)
# Built on the first click, once per settings (see ui/exports.py).
shown = (settings, epsilon if show_grid else None, general_settings if show_general else None)
st.download_button(
    "Every history as CSV",
    data=lazily(("nets-csv", *shown, tuple(extra)), partial(history_csv, {**histories, **extra})),
    file_name="adam-lab-networks.csv",
    mime="text/csv",
    on_click="ignore",
)
