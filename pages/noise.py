"""Noisy and sparse gradients: four optimizers over many seeds, each seeing the same draws."""

from __future__ import annotations

import streamlit as st

from functions import get_function, list_functions
from optim.experiments import NOISE_OPTIMIZERS, noise_study, noise_work, seconds
from ui.chart import chart
from ui.controls import Choice, Controls, Slider
from ui.hyperparameters import controls_for
from ui.progress import computed, progress_bar
from ui.shell import ensure_app_shell
from ui.text import MAX_MESSAGE, literal
from viz.experiments import csv_on_demand, noise_figure, noise_summary, noise_table, noise_verdict
from viz.style import chart_config, format_number

ensure_app_shell()

SIGMAS = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
SETTINGS = controls_for(
    "ex_noise",
    {
        "SGD": {"learning_rate": 0.001},
        "SGD + momentum": {"learning_rate": 0.001},
        "RMSProp": {"learning_rate": 0.01},
        "Adam": {"learning_rate": 0.05},
    },
)
CONTROLS = Controls(
    (
        Choice(
            "ex_noise_function",
            "Function",
            "rosenbrock",
            options=list_functions(),
            format_func=lambda name: get_function(name).title,
        ),
        Slider("ex_noise_x", "Start x", -1.5, low=-10.0, high=10.0, step=0.1, format="%.2f"),
        Slider("ex_noise_y", "Start y", 2.5, low=-10.0, high=10.0, step=0.1, format="%.2f"),
        Slider("ex_noise_steps", "Steps", 500, low=50, high=2000, step=50),
        Choice(
            "ex_sigma",
            "Gradient noise σ",
            1.0,
            options=SIGMAS,
            format_func=format_number,
            slider=True,
        ),
        Slider(
            "ex_sparsity",
            "Sparsity (share of zeroed coordinates)",
            0.5,
            low=0.0,
            high=0.95,
            step=0.05,
        ),
        Slider("ex_seeds", "Seeds per optimizer", 20, low=2, high=100, step=1),
        Slider("ex_seed", "First seed", 0, low=0, high=999, step=1),
        Choice(
            "ex_tune",
            "Learning rates",
            "best",
            help="Each optimizer gets the α with the lowest median final loss under this noise, "
            "from 0.0001 to 1 — so the comparison is between optimizers at their best.",
            options=["best", "manual"],
            format_func={"best": "each optimizer's best α (searched)", "manual": "set by hand"}.get,
        ),
        *(c for variant in NOISE_OPTIMIZERS for c in SETTINGS[variant].values()),
        Choice(
            "ex_image", "Chart toolbar saves", "png", options=["png", "svg"], format_func=str.upper
        ),
    )
)


def start_of_function() -> None:
    x, y = get_function(st.session_state["ex_noise_function"]).start
    st.session_state.update(ex_noise_x=float(x), ex_noise_y=float(y))


# Up to 4 optimizers × 101 runs × 2 001 steps of loss: about 6.5 MB per entry.
@st.cache_data(max_entries=8, show_spinner=False)
def cached_noise(function, start, steps, settings, sigma, sparsity, seeds, seed, tune):
    work = noise_work(len(settings), seeds, steps, tune)
    return noise_study(
        function,
        start,
        steps,
        {variant: dict(values) for variant, values in settings},
        noise=sigma,
        sparsity=sparsity,
        seeds=seeds,
        seed=seed,
        tune=tune,
        progress=progress_bar(
            seconds(work), f"Running {len(settings)} optimizers × {seeds} seeds…"
        ),
    )


# -- page -----------------------------------------------------------------------------------
st.title("Noisy and sparse gradients")
st.markdown(
    "The material says Adam is robust to noisy and sparse gradients. Here every gradient gets "
    "Gaussian noise of size σ, then each coordinate is zeroed with probability p; every "
    "optimizer sees exactly the same draws for each seed."
)
st.latex(
    r"\tilde g_{t,i} = \big(g_{t,i} + \sigma\,\xi_{t,i}\big)\,b_{t,i},\quad "
    r"\xi_{t,i} \sim \mathcal N(0, 1),\quad b_{t,i} \sim \mathrm{Bernoulli}(1 - p)"
)
CONTROLS.warn_about_link()
image_format = CONTROLS["ex_image"].render(st.sidebar)

with st.sidebar:
    function = CONTROLS["ex_noise_function"].render(on_change=start_of_function)
    left, right = st.columns(2)
    start = (CONTROLS["ex_noise_x"].render(left), CONTROLS["ex_noise_y"].render(right))
    steps = CONTROLS["ex_noise_steps"].render()
    sigma = CONTROLS["ex_sigma"].render()
    sparsity = CONTROLS["ex_sparsity"].render()
    seeds = CONTROLS["ex_seeds"].render()
    seed = CONTROLS["ex_seed"].render()
    tune = CONTROLS["ex_tune"].render() == "best"
    chosen = {}
    for variant in NOISE_OPTIMIZERS:
        with st.expander(f"{variant} settings", expanded=False):
            chosen[variant] = {
                name: control.render(disabled=tune and name == "learning_rate")
                for name, control in SETTINGS[variant].items()
            }
    st.button(
        "Reset the noise study",
        on_click=CONTROLS.reset,
        args=(st.session_state,),
        width="stretch",
    )

objective = get_function(function)
try:
    study = computed(
        cached_noise,
        function,
        start,
        steps,
        tuple((v, tuple(h.items())) for v, h in chosen.items()),
        sigma,
        sparsity,
        seeds,
        seed,
        tune,
    )
except ValueError as problem:
    st.error(literal(str(problem), MAX_MESSAGE))
    st.stop()
if tune:
    failed = [v for v, rate in study.tuned.items() if rate is None]
    if failed:
        st.warning(f"{', '.join(failed)} diverged at every α tried, so the α set by hand is shown.")
chart(
    noise_figure(
        study,
        title=f"{objective.title}: f − f* over {seeds} seeds, σ = {format_number(sigma)}, "
        f"sparsity {sparsity:.0%}",
    ),
    key="ex_noise_chart",
    config=chart_config("adam-lab-noise", image_format),
)
st.caption(
    "Line: the geometric mean over the seeds (the mean of log f − f*, which one bad seed cannot "
    "drag up). Band: the middle half of the seeds (25th to 75th percentile). Dotted: the same "
    "optimizer without noise or sparsity. The table has the plain mean too."
)
st.markdown(noise_verdict(study))
summary = noise_summary(study)
st.dataframe(
    summary,
    hide_index=True,
    width="stretch",
    column_config={
        column: st.column_config.NumberColumn(format="%.3g") for column in summary.columns[2:-1]
    },
)
st.download_button(
    "Curves as CSV",
    data=csv_on_demand(noise_table, study),
    file_name="adam-lab-noise.csv",
    mime="text/csv",
    on_click="ignore",
)
