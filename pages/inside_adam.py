"""Inside Adam: one run opened up — effective learning rates, moments, bias correction,
framework conventions, variants, and the arithmetic of any step with its real numbers."""

from __future__ import annotations

import dataclasses
from functools import partial

import numpy as np
import streamlit as st

from functions import get_function, list_functions
from lessons.adam import (
    ADVANTAGES,
    CONVENTIONS,
    DEFAULT,
    EQUATION_PARTS,
    EQUATIONS,
    EQUATIONS_NOTE,
    HYPERPARAMETERS,
    LIMITATIONS,
    PRESETS_BY_KEY,
    RATES_NOTE,
    ROSENBROCK_NOTE,
    SCHEDULE_NOTES,
)
from optim.inside import (
    ADAM_VARIANTS,
    SCHEDULES,
    InsideRuns,
    InsideSettings,
    convention_gaps,
    convention_runs,
    first_moment_example,
    first_step,
    inside_runs,
    nearest_step,
    rate_comparison,
    settle_step,
    step_numbers,
)
from ui.chart import Click, Scrub, chart
from ui.controls import Choice, Controls, Number, Slider, Toggle
from ui.hyperparameters import LEARNING_RATES, control_for
from ui.objectives import show_formula
from ui.runs import builtin, landscape
from ui.shell import ensure_app_shell
from ui.text import MAX_MESSAGE, literal
from viz.inside import (
    CONVENTION_TITLES,
    LIVE_PATH_POINTS,
    LIVE_STEP_POINTS,
    bias_figure,
    conventions_figure,
    decay_figure,
    path_figure,
    run_title,
    runs_csv,
    schedule_figure,
    step_latex,
    step_markers,
    steps_figure,
)
from viz.stops import FigureArrays, figure_arrays, stops_of, window
from viz.style import chart_config, format_number

ensure_app_shell()

ADAM = DEFAULT.settings()["Adam"]
HYPERPARAMETER_CONTROLS = {
    name: control_for("ia", "Adam", name, value) for name, value in ADAM.items()
}
DECAY_CONTROL = control_for("ia", "AdamW", "weight_decay", 0.1)
MAX_STEPS = 1000
TABS = ("Bias correction", "Frameworks", "Variants", "What the course claims")
CONTROLS = Controls(
    (
        Choice(
            "ia_preset",
            "Scenarios",
            "",
            help="Each sets everything at once and says what to look for.",
            options=["", *PRESETS_BY_KEY],
            format_func=lambda key: PRESETS_BY_KEY[key].title if key else "Choose a scenario…",
        ),
        Choice(
            "ia_function",
            "Function",
            DEFAULT.function,
            options=list_functions(),
            format_func=lambda name: get_function(name).title,
        ),
        Number("ia_x", "Start x", DEFAULT.start[0], low=-1e3, high=1e3, step=0.1),
        Number("ia_y", "Start y", DEFAULT.start[1], low=-1e3, high=1e3, step=0.1),
        Slider("ia_steps", "Steps", DEFAULT.steps, low=10, high=MAX_STEPS, step=10),
        Choice(
            "ia_variant",
            "Variant",
            DEFAULT.optimizers[0].variant,
            help="AMSGrad divides by the largest v so far; AdamW adds decoupled weight decay.",
            options=ADAM_VARIANTS,
        ),
        Choice(
            "ia_convention",
            "Framework convention",
            DEFAULT.convention,
            help="Whose arithmetic the run and the step inspector follow.",
            options=tuple(CONVENTION_TITLES),
            format_func=CONVENTION_TITLES.get,
        ),
        Toggle(
            "ia_bias",
            "Bias correction",
            DEFAULT.bias_correction,
            help="Divide m and v by 1 − βᵗ. Off is what a first implementation often forgets.",
        ),
        Choice(
            "ia_schedule",
            "Learning-rate schedule",
            DEFAULT.schedule,
            help="Multiplies α step by step; its curve is drawn under Variants.",
            options=SCHEDULES,
            format_func=str.capitalize,
        ),
        *HYPERPARAMETER_CONTROLS.values(),
        DECAY_CONTROL,
        Slider(
            "ia_step",
            "Step t to inspect",
            DEFAULT.step,
            help="Or click a point of the path.",
            low=1,
            high=MAX_STEPS,
            step=1,
        ),
        Choice(
            "ia_image",
            "Chart toolbar saves",
            "png",
            options=["png", "svg"],
            format_func=str.upper,
        ),
    )
)


# -- callbacks: they only move values between presets, clicks and widgets ---------------------
def apply_preset() -> None:
    """Map the chosen scenario onto this page's widgets."""
    scenario = PRESETS_BY_KEY.get(st.session_state["ia_preset"])
    if scenario is None:
        return
    ((variant, hyperparameters),) = scenario.optimizers
    values = dict(hyperparameters)
    st.session_state.update(
        {control.key: values[name] for name, control in HYPERPARAMETER_CONTROLS.items()},
        ia_function=scenario.function,
        ia_x=scenario.start[0],
        ia_y=scenario.start[1],
        ia_steps=scenario.steps,
        ia_variant=variant,
        ia_convention=scenario.convention,
        ia_bias=scenario.bias_correction,
        ia_schedule=scenario.schedule,
        ia_step=scenario.step or DEFAULT.step,
    )
    if "weight_decay" in values:
        st.session_state[DECAY_CONTROL.key] = values["weight_decay"]
    if scenario.view:
        st.session_state["ia_tab"] = scenario.view


def reset() -> None:
    CONTROLS.reset(st.session_state)


def step_from_click(click: Click) -> None:
    settings = st.session_state.get("ia_shown")  # the settings of the map that was clicked
    if settings is not None:
        main = analyse(settings).main
        st.session_state["ia_step"] = nearest_step(main, click["x"], click["y"])


# -- core calls, cached on the settings record: the runs above the tabs; the frameworks tab's --
@st.cache_data(max_entries=32, show_spinner=False)
def analyse(settings: InsideSettings) -> InsideRuns:
    return inside_runs(settings)


@st.cache_data(max_entries=16, show_spinner=False)
def frameworks(settings: InsideSettings) -> dict:
    return convention_runs(settings)


def export_csv(runs: InsideRuns, settings: InsideSettings) -> bytes:
    # Runs on click, outside the script: the framework runs are made here, not cached.
    return runs_csv(runs, convention_runs(settings))


# α on the left redraws the map and the curves at once for the stops within LIVE_REACH of
# its value (each stop: one run and its two figures, cached); a new α moves the window.
LIVE_REACH = 3


@st.cache_data(max_entries=64, show_spinner=False)
def alpha_stop(settings: InsideSettings) -> tuple[FigureArrays, FigureArrays, np.ndarray]:
    """What the map and the curves show at `settings` (one stop of α's live redraw), and the
    run's path, on which `live_alpha` sets the step markers for the step shown."""
    runs = analyse(settings)
    picture, background = landscape(builtin(settings.function), resolution=300)
    objective = get_function(settings.function)
    return (
        figure_arrays(path_figure(objective, picture, background, runs, 1), LIVE_PATH_POINTS),
        figure_arrays(
            steps_figure(runs, 1, title=f"Over the steps — {settings.variant}"),
            LIVE_STEP_POINTS,
        ),
        runs.main.params,
    )


def live_alpha(settings: InsideSettings, step: int) -> tuple[list[Scrub], list[Scrub]]:
    """The map's and the curves' live stops for α (followed, not drawn), around its value."""
    alpha = dict(settings.hyperparameters)["learning_rate"]
    values, index = window(LEARNING_RATES, alpha, LIVE_REACH)
    at_stops = [
        dataclasses.replace(
            settings,
            hyperparameters=tuple(
                (name, v if name == "learning_rate" else value)
                for name, value in settings.hyperparameters
            ),
        )
        for v in values
    ]
    try:
        arrays = [alpha_stop(stop) for stop in at_stops]
    except ValueError:
        return [], []  # a stop the core refuses: α goes through the rerun alone
    for path, _, params in arrays:
        # The markers of step t (the map's last trace) on this stop's path.
        path.traces[max(path.traces)] = step_markers(params, step)
    shared = dict(
        name=HYPERPARAMETER_CONTROLS["learning_rate"].key,
        label="α",
        values=values,
        index=index,
        text=[format_number(v) for v in values],
        follows=True,
        row=False,
    )
    scrubs = []
    # The map's coordinates travel as float16; the curves span decades and stay float32.
    for figures, compact in (([a[0] for a in arrays], True), ([a[1] for a in arrays], False)):
        traces, texts = stops_of(figures)
        scrubs.append(
            [Scrub(**shared, traces=traces, layout=texts, compact=compact)] if traces else []
        )
    return scrubs[0], scrubs[1]


def draw_chart(figure, key: str, image: str, **kwargs) -> None:
    chart(figure, key=key, config=chart_config(f"inside-adam-{key[3:]}", image), **kwargs)


# -- page -----------------------------------------------------------------------------------
st.title("Inside Adam")
st.markdown(
    "The other pages show *where* an optimizer goes; this one shows *why*. One Adam run is "
    "opened up: the learning rate each parameter really gets, the two moment estimates, the "
    "bias correction, and every number of any step — enough to check the arithmetic by hand."
)
CONTROLS.warn_about_link()

# -- the algorithm ----------------------------------------------------------------------------
with st.expander("The algorithm and its four hyperparameters", expanded=True):
    equations, parts = st.columns([2, 3], gap="medium")
    equations.latex(EQUATIONS)
    parts.markdown("\n".join(f"- {part}" for part in EQUATION_PARTS))
    parts.caption(EQUATIONS_NOTE)
    st.markdown(
        "| hyperparameter | what it does | usual range (default) | try it here |\n"
        "|---|---|---|---|\n"
        + "\n".join(
            f"| **{h.symbol}** — {h.name} | {h.does} | {h.usual} ({h.default}) | {h.try_this} |"
            for h in HYPERPARAMETERS
        )
    )


with st.sidebar:
    CONTROLS["ia_preset"].render(on_change=apply_preset)
    function = CONTROLS["ia_function"].render()
    left, right = st.columns(2)
    start = (CONTROLS["ia_x"].render(left), CONTROLS["ia_y"].render(right))
    steps = CONTROLS["ia_steps"].render()
    variant = CONTROLS["ia_variant"].render()
    convention = CONTROLS["ia_convention"].render()
    bias_correction = CONTROLS["ia_bias"].render()
    schedule = CONTROLS["ia_schedule"].render()


# -- what the sliders change: a fragment, so moving one redraws only this part -----------------
@st.fragment
def explore(
    function: str,
    start: tuple,
    steps: int,
    variant: str,
    convention: str,
    bias_correction: bool,
    schedule: str,
) -> None:
    with st.sidebar:
        st.subheader("Hyperparameters")
        settings = {name: control.render() for name, control in HYPERPARAMETER_CONTROLS.items()}
        if variant == "AdamW":
            settings["weight_decay"] = DECAY_CONTROL.render()
        image = CONTROLS["ia_image"].render()
        draw = partial(draw_chart, image=image)
        if st.button("Reset everything", on_click=reset, width="stretch"):
            st.rerun()  # the controls above the fragment were reset too

    objective = get_function(function)
    run_settings = InsideSettings(
        function=function,
        start=start,
        steps=steps,
        variant=variant,
        hyperparameters=tuple(settings.items()),
        convention=convention,
        bias_correction=bias_correction,
        schedule=schedule,
    )
    try:
        runs = analyse(run_settings)
    except ValueError as problem:
        st.error(literal(str(problem), MAX_MESSAGE))
        return
    main = runs.main
    st.session_state["ia_shown"] = run_settings  # what a click on the map refers to
    subtitle = run_title(runs, objective)

    preset = PRESETS_BY_KEY.get(st.session_state.get("ia_preset", ""))
    if preset is not None:
        st.info(f"**{preset.title}** — {preset.notice}")

    # -- step picker, map and effective learning rates ------------------------------------------
    st.subheader("One run, step by step")
    if st.session_state.get("ia_step", DEFAULT.step) > steps:
        st.session_state["ia_step"] = steps
    step = dataclasses.replace(CONTROLS["ia_step"], high=steps).render()
    picture, background = landscape(builtin(function), resolution=300)
    numbers = step_numbers(main, step)
    if main.diverged_at >= 0:
        st.warning(
            f"This run diverged at step {int(main.diverged_at)} (θ left the plotting bounds or f "
            "stopped being finite); from there on its numbers repeat the last good step. "
            "Lower α to follow it further."
        )
    map_column, steps_column = st.columns(2, gap="medium")
    on_map, on_curves = live_alpha(run_settings, step)
    with map_column:
        draw(
            path_figure(objective, picture, background, runs, step),
            "ia_path",
            on_click=step_from_click,
            scrub=on_map,
        )
        comparison = rate_comparison(main, step)
        st.markdown(
            f"**Why two rates?** At step {step}, x's effective learning rate is "
            f"**{format_number(comparison.rates[0])}** and y's "
            f"**{format_number(comparison.rates[1])}** (y's is "
            f"{format_number(comparison.ratio)}× x's), because the running RMS of the gradient, "
            f"√v̂, is {format_number(comparison.rms[0])} for x and "
            f"{format_number(comparison.rms[1])} for y. {RATES_NOTE}"
            + (f" {ROSENBROCK_NOTE}" if function == "rosenbrock" else "")
        )
        show_formula(objective)
    with steps_column:
        draw(
            steps_figure(runs, step, title=f"Over the steps — {variant}"),
            "ia_steps_chart",
            scrub=on_curves,
        )
        st.caption(
            "Top: the learning rate each parameter really gets — α_t/(√v̂_t + ε) for Adam, "
            "α/(√v_t + ε) for RMSProp (same α, ρ = β2), α for SGD. Then m_t, a running mean of the "
            "gradient, and v_t, a running mean of its square, each with its bias-corrected "
            "version (lighter)"
            + ("; brown: AMSGrad's v_max, the largest v so far" if "v_max" in main.state else "")
            + ". Bottom: the update the step inspector computes."
        )

    # -- step inspector ---------------------------------------------------------------------------
    st.subheader(f"Step {step}: every equation with its numbers")
    st.caption(
        f"{subtitle}. {CONVENTION_TITLES[convention]} convention"
        + (
            f"; α_t = α × the schedule's factor ({main.schedule.describe()})"
            if main.schedule
            else ""
        )
        + ". Numbers are printed to 10 significant digits; the last digit of a result may differ "
        "from what the printed operands give, because the run keeps all of float64's ~16 digits."
    )
    st.latex(step_latex(numbers))

    # -- deeper views: only the open tab is computed and drawn -------------------------------------
    bias_tab, frameworks_tab, variants_tab, claims_tab = st.tabs(
        TABS, key="ia_tab", on_change="rerun", bind="query-params"
    )
    if bias_tab.open:
        with bias_tab:
            beta1, beta2 = main.optimizer.beta1, main.optimizer.beta2
            figure_column, text_column = st.columns([3, 2], gap="medium")
            with figure_column:
                draw(bias_figure(beta1, beta2, steps), "ia_bias_factors")
            with text_column:
                example_m, example_m_hat = first_moment_example(beta1)
                settled1, settled2 = settle_step(beta1), settle_step(beta2)
                first = first_step(runs.corrected, runs.uncorrected)
                st.markdown(
                    f"m and v start at 0, so early averages are too small: with g₁ = 0.1 and β1 = "
                    f"{format_number(beta1)}, m₁ = {format_number(example_m)}, but m̂₁ = "
                    f"{format_number(example_m_hat)}. Dividing by 1 − βᵗ fixes it. The factor "
                    f"1/(1 − β1ᵗ) falls below 1.01 at **t = {settled1:,}**, and 1/(1 − β2ᵗ) only "
                    f"at **t = {settled2:,}**.".replace(",", " ")
                )
                st.markdown(
                    f"**First step.** With correction each coordinate moves "
                    f"{format_number(first.with_correction[0])} and "
                    f"{format_number(first.with_correction[1])} (≈ α = "
                    f"{format_number(first.predicted_with)}); without, "
                    f"{format_number(first.without_correction[0])} and "
                    f"{format_number(first.without_correction[1])} (≈ α(1 − β1)/√(1 − β2) = "
                    f"{format_number(first.predicted_without)}, {format_number(first.ratio)}× as "
                    "long). The grey dashed path on the map is the run with bias correction "
                    "switched the other way."
                )

    if frameworks_tab.open:
        with frameworks_tab:
            gaps = convention_gaps(frameworks(run_settings))
            figure_column, text_column = st.columns([3, 2], gap="medium")
            with figure_column:
                draw(
                    conventions_figure(
                        gaps, step, subtitle=f"{subtitle}; the same settings under each framework"
                    ),
                    "ia_conventions",
                )
            with text_column:
                for name, sentence in CONVENTIONS.items():
                    gap = ""
                    if name in gaps:
                        last = gaps[name][-1]
                        shown = "the same up to rounding" if last < 1e-12 else format_number(last)
                        gap = f" After {steps} steps: {shown}."
                    st.markdown(f"**{CONVENTION_TITLES[name]}.** {sentence}{gap}")

    if variants_tab.open:
        with variants_tab:
            schedule_column, decay_column = st.columns(2, gap="medium")
            with schedule_column:
                if runs.unscheduled is not None:
                    draw(schedule_figure(runs, step), "ia_schedule_curve")
                    st.caption(
                        f"{SCHEDULE_NOTES[schedule]} The dotted purple path on the map keeps α "
                        "constant."
                    )
                else:
                    st.info(
                        f"{SCHEDULE_NOTES['constant']} Choose a schedule on the left to draw "
                        "α_t and see its effect on the path and on the effective learning rates."
                    )
            with decay_column:
                if variant == "AdamW":
                    draw(decay_figure(main, step), "ia_decay")
                    st.caption(
                        "AdamW first shrinks θ by α·λ·θ, apart from the gradient, then takes "
                        "Adam's step: the decay pulls every coordinate towards 0, wherever the "
                        "minimum is."
                    )
                else:
                    st.info(
                        "Choose AdamW on the left to compare its decay term α·λ·θ with Adam's "
                        "own step."
                    )
                if variant == "AMSGrad":
                    st.info("AMSGrad's v_max is drawn in brown in the ‘over the steps’ chart.")
                else:
                    st.info(
                        "Choose AMSGrad on the left to see v_max against v in the ‘over the "
                        "steps’ chart."
                    )

    if claims_tab.open:
        with claims_tab:
            good, bad = st.columns(2, gap="medium")
            good.markdown("**Advantages**\n" + "\n".join(f"- **{a}** — {b}" for a, b in ADVANTAGES))
            bad.markdown(
                "**Limitations**\n" + "\n".join(f"- **{a}** — {b}" for a, b in LIMITATIONS)
            )

    # -- exports ----------------------------------------------------------------------------------
    st.subheader("Take it with you")
    st.caption(
        "The camera icon in each chart's toolbar saves it as PNG or SVG (choose on the left); the "
        "CSV holds every series of this page, one row per step, at full precision."
    )
    st.download_button(
        "Every series as CSV",
        data=partial(export_csv, runs, run_settings),
        file_name="inside-adam.csv",
        mime="text/csv",
        on_click="ignore",
    )


explore(function, start, steps, variant, convention, bias_correction, schedule)
