"""Playground: several optimizers race over one landscape; every setting lives in the URL."""

from __future__ import annotations

from functools import partial

import streamlit as st

from functions import Objective, get_function, list_functions
from lessons.playground import DEFAULT, PRESETS_BY_KEY
from optim.advice import stable_learning_rate
from optim.catalog import SYMBOLS, VARIANTS, make_optimizer
from optim.experiments import run_with_stops
from ui.chart import Click, Scrub, chart
from ui.controls import Choice, Controls, MultiChoice, Number, Slider, Text
from ui.exports import lazily
from ui.hyperparameters import BETA2, BETAS, LEARNING_RATES, STOPS, controls_for
from ui.objectives import CUSTOM, objective_or_error, show_formula
from ui.runs import FunctionKey, landscape, trajectory
from ui.shell import ensure_app_shell
from ui.text import MAX_MESSAGE, literal, markdown_table
from viz.curves import progress_figure, progress_scrub_traces, progress_stop_subtitles
from viz.exports import figure_html, race_gif, to_csv, to_json
from viz.paths import race_figure, race_scrub_traces, race_stop_names, surface_figure
from viz.style import chart_config, format_number
from viz.tables import as_text, summary_table

ensure_app_shell()

HYPERPARAMETERS = controls_for("pg", DEFAULT.settings())
# The sliders that can be dragged live on the map, and their stops.
LIVE = {"learning_rate": LEARNING_RATES, "beta1": BETAS, "beta2": BETA2}
CONTROLS = Controls(
    (
        Choice(
            "pg_preset",
            "Teacher presets",
            "",
            help="Each sets everything at once and says what to look for.",
            options=["", *PRESETS_BY_KEY],
            format_func=lambda key: PRESETS_BY_KEY[key].title if key else "Choose a scenario…",
        ),
        Choice(
            "pg_function",
            "Function",
            DEFAULT.function,
            options=[*list_functions(), CUSTOM],
            format_func=lambda name: (
                "Custom f(x, y)…" if name == CUSTOM else get_function(name).title
            ),
        ),
        Text(
            "pg_expression",
            "f(x, y) =",
            "sin(x)*cos(y) + 0.05*(x^2 + y^2)",
            help="Numbers, x, y, pi, e, + − * / ^, parentheses, and sin, cos, tan, exp, log, sqrt, "
            "abs, tanh, … — for example (1-x)^2 + 100*(y-x^2)^2",
        ),
        Choice(
            "pg_range",
            "Plot x and y over ±",
            5.0,
            help="The square the typed-in function is drawn over.",
            options=[0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0],
            format_func=format_number,
            slider=True,
        ),
        MultiChoice(
            "pg_optimizers",
            "Optimizers to compare",
            [name for name, _ in DEFAULT.optimizers],
            options=list(VARIANTS),
        ),
        Slider("pg_steps", "Steps", DEFAULT.steps, low=10, high=5000, step=10),
        Number("pg_x", "Start x", DEFAULT.start[0], low=-1e3, high=1e3, step=0.1),
        Number("pg_y", "Start y", DEFAULT.start[1], low=-1e3, high=1e3, step=0.1),
        Choice(
            "pg_live",
            "Live sliders under the map for",
            "Adam",
            help="Its α (and β1, β2 for Adam, AdamW, AMSGrad) can be dragged under the map, "
            "and its α and β2 on the left redraw at once too: its path and curves follow the "
            "thumb, without waiting for the page.",
            options=list(VARIANTS),
        ),
        Choice(
            "pg_image",
            "Chart toolbar saves",
            "png",
            options=["png", "svg"],
            format_func=str.upper,
        ),
        *(c for controls in HYPERPARAMETERS.values() for c in controls.values()),
    )
)


# -- callbacks: they only move values between presets, clicks and widgets ---------------------
def apply_preset() -> None:
    preset = PRESETS_BY_KEY.get(st.session_state["pg_preset"])
    if preset is None:
        return
    values = dict(
        pg_function=preset.function,
        pg_optimizers=[name for name, _ in preset.optimizers],
        pg_steps=preset.steps,
        pg_x=preset.start[0],
        pg_y=preset.start[1],
    )
    if preset.expression:
        values.update(pg_expression=preset.expression, pg_range=CONTROLS["pg_range"].default)
    for name, settings in preset.settings().items():
        for hyperparameter, value in settings.items():
            values[HYPERPARAMETERS[name][hyperparameter].key] = value
    CONTROLS.forget_link_values(values)
    st.session_state.update(values)


def start_of_function() -> None:
    """A new function starts from its own default point (inside its map)."""
    objective, _ = objective_or_error(
        st.session_state["pg_function"],
        st.session_state.get("pg_expression", CONTROLS["pg_expression"].default),
        st.session_state.get("pg_range", CONTROLS["pg_range"].default),
    )
    if objective is not None:
        st.session_state.update(pg_x=objective.start[0], pg_y=objective.start[1])


def reset() -> None:
    CONTROLS.reset(st.session_state)


def framework_defaults(variant: str) -> None:
    for name, value in VARIANTS[variant].defaults().items():
        control = HYPERPARAMETERS[variant][name]
        st.session_state[control.key] = control.coerce(value)


def render_hyperparameters(variant: str, container) -> dict:
    """The variant's hyperparameter widgets and a framework-defaults button, in `container`."""
    with container:
        values = {name: c.render() for name, c in HYPERPARAMETERS[variant].items()}
        st.button(
            "PyTorch defaults",
            key=f"pg_defaults_{VARIANTS[variant].slug}",
            on_click=framework_defaults,
            args=(variant,),
        )
    return values


def start_from_click(click: Click) -> None:
    x, y = click["pointer"]["x"], click["pointer"]["y"]
    st.session_state.update(pg_x=round(x, 3), pg_y=round(y, 3))


def take_live_values(values: dict[str, float]) -> None:
    """A live slider was let go: its widget (and so the address) takes the value."""
    st.session_state.update(values)


def live_stops(variant: str) -> dict[str, tuple[float, ...]]:
    """The hyperparameters of `variant` its live sliders move, with their stops."""
    return {name: stops for name, stops in LIVE.items() if name in HYPERPARAMETERS[variant]}


def live_sliders(
    objective: Objective, variant: str, race_runs: dict, values: dict, paths: dict
) -> tuple[list[Scrub], list[Scrub]]:
    """The live sliders of `variant`'s α (and β1, β2 for the Adam family): those drawn under
    the map, and the progress chart's, which follow them unseen. `paths` holds every stop's
    path (from one batched run), so that dragging redraws both charts without a rerun. The
    sidebar's own sliders over the same stops (α, β2) move them too."""
    controls = HYPERPARAMETERS[variant]
    on_map, on_progress = [], []
    for name, options in live_stops(variant).items():
        current = controls[name].coerce(values[name]) if name in STOPS else values[name]
        shared = dict(
            name=controls[name].key,
            label=f"{variant} {SYMBOLS[name]}",
            values=options,
            index=min(range(len(options)), key=lambda k: abs(options[k] - current)),
            text=[format_number(v) for v in options],
            follows=STOPS.get(name) == options,
        )
        on_map.append(
            Scrub(
                **shared,
                traces=race_scrub_traces(objective, race_runs, variant, paths[name]),
                names=race_stop_names(objective, race_runs, variant, name, options),
                compact=True,  # map coordinates: float16 is a fraction of a pixel
            )
        )
        on_progress.append(
            Scrub(
                **shared,
                traces=progress_scrub_traces(objective, race_runs, variant, paths[name]),
                layout=progress_stop_subtitles(race_runs, variant, name, options),
                row=False,
            )
        )
    return on_map, on_progress


# -- the core calls, cached on plain values (see ui/runs.py) --------------------------------
# The live optimizer's run and every stop of its live sliders (≈ 55 paths) of at most 5 001
# points: ≤ 5 MB. Shared, not copied (see ui/runs.py): nothing changes them once made.
@st.cache_resource(max_entries=8, show_spinner=False)
def live_run(function: FunctionKey, variant: str, settings: tuple, steps: int, start: tuple):
    """The run of the optimizer whose sliders scrub live, and the paths at their stops, in
    one batched call (about the cost of the run alone)."""
    objective, error = objective_or_error(*function)
    if objective is None:
        raise ValueError(error)
    stops = live_stops(variant)
    return run_with_stops(variant, objective, start, steps, dict(settings), stops)


@st.cache_data(max_entries=64, show_spinner=False)
def safer_rate(function: FunctionKey, variant: str, settings: tuple, steps: int, start: tuple):
    objective, _ = objective_or_error(*function)
    return stable_learning_rate(make_optimizer(variant, dict(settings)), objective, start, steps)


# -- page -----------------------------------------------------------------------------------
st.title("Playground")
st.markdown(
    "Pick a landscape and a few optimizers, then move α, β1, β2 and ε and watch the paths "
    "change. Each optimizer keeps its colour on every page. Everything you set is in the "
    "address bar: copy it to share exactly this figure."
)
CONTROLS.warn_about_link()

with st.sidebar:
    CONTROLS["pg_preset"].render(on_change=apply_preset)
    function = CONTROLS["pg_function"].render(on_change=start_of_function)
    # The custom function's widgets are drawn on every run, in a collapsed expander when not
    # in use: a widget drawn for the first time takes the link's value even over one a preset
    # sets in code (presets and Reset drop such values, see `Controls.forget_link_values`).
    with st.expander("Custom f(x, y)", expanded=function == CUSTOM):
        expression = CONTROLS["pg_expression"].render()
        half_width = CONTROLS["pg_range"].render(on_change=start_of_function)
    if function != CUSTOM:
        expression, half_width = "", 5.0
    objective, error = objective_or_error(function, expression, half_width)
    function_key = (function, expression, half_width)
    if error:
        st.error(literal(error, MAX_MESSAGE))
    chosen = CONTROLS["pg_optimizers"].render()
    live = CONTROLS["pg_live"].render()
    steps = CONTROLS["pg_steps"].render()
    left, right = st.columns(2)
    start = (CONTROLS["pg_x"].render(left), CONTROLS["pg_y"].render(right))
    st.button("Reset everything", on_click=reset, width="stretch")


# -- what the hyperparameters change: a fragment, so moving one reruns only this part --------
@st.fragment
def explore(
    objective: Objective | None,
    error: str,
    function_key: FunctionKey,
    chosen: list[str],
    live: str,
    steps: int,
    start: tuple[float, float],
) -> None:
    if start != (st.session_state["pg_x"], st.session_state["pg_y"]):
        st.rerun()  # a click on the map set a new start: the widgets above follow
    with st.sidebar:
        st.subheader("Hyperparameters")
        # Only the chosen optimizers' widgets are drawn (each costs time on every change); one
        # taken away keeps its values in the session's link and gets them back when chosen again.
        settings = {
            variant: render_hyperparameters(
                variant, st.expander(variant, expanded=len(chosen) <= 3)
            )
            for variant in chosen
        }
        image_format = CONTROLS["pg_image"].render()
    if objective is None:
        st.error(f"This function cannot be used: {literal(error, MAX_MESSAGE)}")
        return
    if not chosen:
        show_formula(objective)
        st.info("Choose at least one optimizer on the left.")
        return
    draw_race(objective, function_key, chosen, live, steps, start, settings, image_format)


def draw_race(
    objective: Objective,
    function_key: FunctionKey,
    chosen: list[str],
    live: str,
    steps: int,
    start: tuple[float, float],
    settings: dict,
    image_format: str,
) -> None:
    try:
        live_paths: dict = {}
        runs = {}
        for name in chosen:
            values = tuple(settings[name].items())
            if name == live:
                runs[name], live_paths = live_run(function_key, name, values, steps, start)
            else:
                runs[name] = trajectory(function_key, name, values, steps, start)
    except ValueError as problem:
        show_formula(objective)
        st.error(literal(str(problem), MAX_MESSAGE))
        return

    picture, background = landscape(function_key)
    title = (
        f"{objective.title} — start ({format_number(start[0])}, {format_number(start[1])}), "
        f"{steps} steps"
    )
    main, side = st.columns([3, 2], gap="medium")
    with main:
        race = race_figure(objective, picture, background, runs, title=title)
        # Tabs rerun the page when switched, so only the open one draws its figure: the 3-D
        # surface costs a WebGL redraw on every change and is rarely the view in use.
        paths_tab, surface_tab = st.tabs(
            ["Paths", "3-D surface"], key="pg_view", on_change="rerun", bind="query-params"
        )
        sliders, following = (
            live_sliders(objective, live, runs, settings[live], live_paths)
            if live in runs
            else ([], [])
        )
        if paths_tab.open:
            with paths_tab:
                chart(
                    race,
                    key="pg_race",
                    config=chart_config("adam-lab-paths", image_format),
                    on_click=start_from_click,
                    scrub=sliders,
                    on_scrub=take_live_values,
                )
                if sliders:
                    shown = ", ".join(
                        s.label.split(" ", 1)[1] if " " in s.label else s.label for s in sliders
                    )
                    st.caption(
                        f"Live: drag {shown} of {live} under the map, or its "
                        f"{' and '.join(s.label.split(' ', 1)[1] for s in sliders if s.follows)} "
                        "on the left, and its path and curves follow as the thumb moves (every "
                        "stop is computed ahead); letting go under the map sets the value on the "
                        "left. ▶ Play, pause or drag the step slider; click the map to start "
                        "from there."
                    )
                else:
                    st.caption(
                        f"Add {live} to the optimizers to drag its α live under the map. "
                        "▶ Play, pause or drag the step slider; click the map to start from there."
                    )
        else:
            with surface_tab:
                chart(
                    surface_figure(objective, picture, runs, title=title),
                    key="pg_surface",
                    config=chart_config("adam-lab-surface", image_format),
                )

    with side:
        preset = PRESETS_BY_KEY.get(st.session_state.get("pg_preset", ""))
        if preset is not None:
            st.info(f"**{preset.title}** — {preset.notice}")
        show_formula(objective)
        for name, run in runs.items():
            if run.diverged_at >= 0:
                rate = safer_rate(function_key, name, tuple(settings[name].items()), steps, start)
                advice = f" Try α ≤ {format_number(rate)}." if rate else ""
                x, y = run.final_params
                st.warning(
                    f"**{name} diverged at step {int(run.diverged_at)}**: the next point "
                    f"left |x|, |y| ≤ {run.bound:g} or f stopped being finite, so its path "
                    f"stops at ({x:.4g}, {y:.4g}).{advice}"
                )
        chart(
            progress_figure(objective, runs, title=f"Progress — {objective.title}"),
            key="pg_progress",
            config=chart_config("adam-lab-progress", image_format),
            scrub=following,
        )
        if not objective.minima:
            st.caption("This function has no known minimum, so only the loss is plotted.")

    st.subheader("Summary")
    # A Markdown table: the interactive grid's script alone costs a first visit about half a
    # second, and even st.table's loads a megabyte of Arrow decoding.
    st.markdown(markdown_table(as_text(summary_table(objective, runs))))

    st.subheader("Take it with you")
    st.caption(
        "The camera icon in each chart's toolbar saves it as PNG or SVG (choose on the left); "
        "function and settings are written on the figure."
    )
    columns = st.columns(4)
    # Each file is built on its first click, and kept for the next (see ui/exports.py).
    inputs = (
        function_key,
        tuple((name, tuple(settings[name].items())) for name in chosen),
        steps,
        start,
    )
    downloads = (
        (
            "Steps as CSV",
            lazily(("csv", inputs), partial(to_csv, runs)),
            "adam-lab-steps.csv",
            "text/csv",
        ),
        (
            "Steps as JSON",
            lazily(("json", inputs), partial(to_json, objective, runs)),
            "adam-lab-steps.json",
            "application/json",
        ),
        ("Animation as HTML", partial(figure_html, race, title), "adam-lab-race.html", "text/html"),
        (
            "Race as GIF",
            lazily(("gif", inputs), partial(race_gif, objective, picture, runs)),
            "adam-lab-race.gif",
            "image/gif",
        ),
    )
    for column, (label, data, file_name, mime) in zip(columns, downloads, strict=True):
        column.download_button(
            label, data=data, file_name=file_name, mime=mime, on_click="ignore", width="stretch"
        )


explore(objective, error, function_key, chosen, live, steps, start)
