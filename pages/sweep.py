"""Sweep: one optimizer over a grid of two hyperparameters, each cell a run; click a cell."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

import streamlit as st

from functions import get_function, list_functions
from lessons.experiments import COURSE_GRID_SEARCH
from optim.catalog import SYMBOLS, VARIANTS
from optim.experiments import (
    COURSE_GRID,
    Axis,
    Sweep,
    grid_search,
    seconds,
    sweep,
    sweep_work,
)
from ui.chart import Scrub, chart
from ui.clicks import clicked, remember_click
from ui.controls import Choice, Controls, Slider
from ui.hyperparameters import (
    LEARNING_RATES,
    SHORT,
    SWEEP_RANGES,
    controls_for,
    scenario_values,
)
from ui.objectives import show_formula
from ui.progress import SHOW_AFTER, computed, progress_bar
from ui.runs import builtin, landscape, trajectory
from ui.shell import ensure_app_shell, legacy_experiments_link, page_was_drawn
from ui.text import MAX_MESSAGE, literal
from viz.curves import loss_figure
from viz.experiments import COLOR_BY, csv_on_demand, grid_search_table, sweep_figure, sweep_table
from viz.paths import race_figure
from viz.stops import FigureArrays, figure_arrays, stops_of, window
from viz.style import chart_config, describe_hyperparameters, format_number

if TYPE_CHECKING:
    import plotly.graph_objects as go

ensure_app_shell()
legacy_experiments_link()

SCALE_NAMES = {"log": "log", "nines": "log of 1 − value", "linear": "linear"}
SWEEPABLE = [name for name, v in VARIANTS.items() if len(v.hyperparameters) >= 2]
SWEEP_AXES = {  # the two axes each optimizer opens with
    "Adam": ("beta1", "beta2"),
    "AdamW": ("learning_rate", "weight_decay"),
    "AMSGrad": ("beta1", "beta2"),
    "SGD + momentum": ("learning_rate", "momentum"),
    "Nesterov": ("learning_rate", "momentum"),
    "RMSProp": ("learning_rate", "rho"),
    "Adagrad": ("learning_rate", "epsilon"),
}
SETTINGS = controls_for("ex", {"Adam": {"learning_rate": 0.02}})


def symbol(name: str) -> str:
    return SYMBOLS.get(name, name)


def axis_controls(name: str) -> tuple[Choice, Choice, Choice]:
    """From, to and spacing of a sweep axis over hyperparameter `name`."""
    options, low, high, scale = SWEEP_RANGES[name]
    short, shown = SHORT[name], symbol(name)
    return (
        Choice(
            f"ex_{short}_from",
            f"{shown} from",
            low,
            options=options,
            format_func=format_number,
            slider=True,
        ),
        Choice(
            f"ex_{short}_to",
            f"{shown} to",
            high,
            options=options,
            format_func=format_number,
            slider=True,
        ),
        Choice(
            f"ex_{short}_scale",
            f"{shown} spacing",
            scale,
            help="Log spacing makes 0.001, 0.01 and 0.1 equally far apart; "
            "'log of 1 − value' does the same for 0.9, 0.99 and 0.999.",
            options=["log", "nines", "linear"],
            format_func=SCALE_NAMES.get,
        ),
    )


AXIS_CONTROLS = {name: axis_controls(name) for name in SWEEP_RANGES}
CONTROLS = Controls(
    (
        Choice("ex_optimizer", "Optimizer", "Adam", options=SWEEPABLE),
        *(
            Choice(
                f"ex_{VARIANTS[v].slug}_{side}axis",
                f"{side}-axis",
                SWEEP_AXES[v][index],
                options=list(VARIANTS[v].hyperparameters),
                format_func=lambda n: f"{symbol(n)} ({n.replace('_', ' ')})",
            )
            for v in SWEEPABLE
            for index, side in enumerate("xy")
        ),
        *(c for controls in AXIS_CONTROLS.values() for c in controls),
        Choice(
            "ex_function",
            "Function",
            "rosenbrock",
            options=list_functions(),
            format_func=lambda name: get_function(name).title,
        ),
        Slider("ex_x", "Start x", -1.5, low=-10.0, high=10.0, step=0.1, format="%.2f"),
        Slider("ex_y", "Start y", 2.5, low=-10.0, high=10.0, step=0.1, format="%.2f"),
        Slider("ex_steps", "Steps", 1000, low=50, high=2000, step=50),
        Slider("ex_grid", "Grid (cells per axis)", 60, low=5, high=100, step=5),
        Choice("ex_color", "Colour by", "loss", options=list(COLOR_BY), format_func=COLOR_BY.get),
        *(c for controls in SETTINGS.values() for c in controls.values()),
        Choice(
            "ex_image", "Chart toolbar saves", "png", options=["png", "svg"], format_func=str.upper
        ),
    )
)


# -- callbacks: they only move values between scenarios, clicks and widgets --------------------
def start_of_function() -> None:
    x, y = get_function(st.session_state["ex_function"]).start
    st.session_state.update(ex_x=float(x), ex_y=float(y))


def course_grid_search() -> None:
    """The course's grid search, inside a dense sweep around it."""
    scenario = COURSE_GRID_SEARCH
    ((variant, _),) = scenario.optimizers
    values = {
        "ex_optimizer": variant,
        "ex_function": scenario.function,
        "ex_x": scenario.start[0],
        "ex_y": scenario.start[1],
        "ex_steps": scenario.steps,
        "ex_color": "loss",
        **scenario_values(SETTINGS, scenario),
    }
    slug = VARIANTS[variant].slug
    for side, axis in zip("xy", scenario.sweep, strict=True):
        low, high, scale = AXIS_CONTROLS[axis.name]
        values.update({f"ex_{slug}_{side}axis": axis.name, low.key: axis.low, high.key: axis.high})
        values[scale.key] = axis.scale
    st.session_state.update(values)


# -- the core calls, cached on plain values -------------------------------------------------
# A final-only sweep holds five (ny, nx) grids: a 100 × 100 one is about 2 MB.
@st.cache_data(max_entries=24, show_spinner=False)
def cached_sweep(variant, function, start, steps, x_axis: Axis, y_axis: Axis, fixed):
    cells = x_axis.count * y_axis.count
    progress = progress_bar(
        seconds(sweep_work(cells, steps)), f"Running {cells:,} optimizations of {steps} steps…"
    )
    return sweep(variant, function, start, steps, x_axis, y_axis, dict(fixed), progress=progress)


@st.cache_data(max_entries=24, show_spinner=False)
def cached_grid_search(variant, function, start, steps, fixed):
    return grid_search(variant, function, start, steps, COURSE_GRID, dict(fixed))


def sweep_figures(
    result: Sweep,
    function: str,
    start: tuple[float, float],
    steps: int,
    fixed: dict,
    color: str,
    marks: Sequence[tuple[float, float]],
    cell: tuple[int, int] | None,
) -> tuple[go.Figure, go.Figure, go.Figure, str]:
    """The sweep, the loss of the chosen cell (`cell`, else the best) and its path, and the
    chosen cell's two settings as text."""
    variant, objective = result.variant, get_function(function)
    selected = cell or result.best_cell()
    settings = result.settings(*selected)
    chosen = ", ".join(
        f"{symbol(n)} = {format_number(settings[n], 4)}" for n in (result.x.name, result.y.name)
    )
    run = trajectory(builtin(function), variant, tuple(settings.items()), steps, start)
    picture, background = landscape(builtin(function))
    # The second line is the smaller: long optimizer names and settings stay inside the chart.
    details = (
        f"after {steps} steps",
        describe_hyperparameters(fixed),  # empty when both of its settings are the axes
        f"start ({format_number(start[0], 4)}, {format_number(start[1], 4)})",
    )
    title = (
        f"{variant} on {objective.title}: {COLOR_BY[color]}<br>"
        f"<sup>{' · '.join(d for d in details if d)}</sup>"
    )
    return (
        sweep_figure(result, color, selected=selected, marks=marks, title=title),
        loss_figure(objective, {variant: run}, title=f"Loss at {chosen}"),
        race_figure(objective, picture, background, {variant: run}, title=f"Path at {chosen}"),
        chosen,
    )


# α on the left redraws the three charts at once, before the rerun, for the stops within
# LIVE_REACH of its value, when a sweep is quick. Each stop is a sweep of its own (cached): a
# new α costs one new sweep, and a value seen before nothing more. Stops not yet computed are
# computed once the page is drawn, and a rerun then sends them, so that the charts of any
# change come as soon as without live stops.
LIVE_REACH = 1
LIVE_POINTS = 150  # of the path and of the loss curve, at each stop
KNOWN = "_ex_live_stops"  # session state: the stops computed (True) or refused (False)


def stop_arrays(figures: Sequence[go.Figure]) -> tuple[FigureArrays, ...]:
    """What a stop swaps into the sweep (not its hover layer), the loss and the path."""
    sweep_chart, loss, path = figures
    return (
        figure_arrays(sweep_chart, skip={"cells"}),
        figure_arrays(loss, LIVE_POINTS),
        figure_arrays(path, LIVE_POINTS),
    )


@st.cache_data(max_entries=32, show_spinner=False)
def alpha_stop(variant, function, start, steps, x_axis, y_axis, fixed, color, marks):
    """The three charts' arrays at one stop of α, with the sweep's best cell chosen."""
    result = cached_sweep(variant, function, start, steps, x_axis, y_axis, fixed)
    figures = sweep_figures(result, function, start, steps, dict(fixed), color, marks, None)
    return stop_arrays(figures[:3])


def live_alpha(
    result: Sweep,
    function: str,
    fixed: dict,
    color: str,
    marks: Sequence[tuple[float, float]],
    cell: tuple[int, int] | None,
    drawn: Sequence[go.Figure],
) -> tuple[tuple[list[Scrub], list[Scrub], list[Scrub]], list[tuple]]:
    """The live stops of the sweep, the loss and the path for α on the left (followed, not
    drawn), over the stops around α already computed; and the arguments of `alpha_stop` for
    those still to compute. None at all when α is an axis, or when a sweep takes long enough
    to show a progress bar."""
    cells = result.shape[0] * result.shape[1]
    if "learning_rate" not in fixed or seconds(sweep_work(cells, result.steps)) >= SHOW_AFTER:
        return ([], [], []), []
    values, index = window(LEARNING_RATES, fixed["learning_rate"], LIVE_REACH)
    inputs = (result.variant, function, result.start, result.steps, result.x, result.y)
    stops = [
        (*inputs, tuple({**fixed, "learning_rate": v}.items()), color, tuple(marks)) for v in values
    ]
    known = st.session_state.get(KNOWN, {})
    # α's own stop is the figure drawn; it is computed too, for when α has moved on.
    missing = [a for a in stops if repr(a) not in known]
    low, high = index, index  # the computed stops next to α's own, which is the figure drawn
    while low > 0 and known.get(repr(stops[low - 1])):
        low -= 1
    while high < len(stops) - 1 and known.get(repr(stops[high + 1])):
        high += 1
    if low == high:
        return ([], [], []), missing
    # α's own stop: the figure drawn, from the cache unless a clicked cell is shown.
    own = index if cell is not None or not known.get(repr(stops[index])) else None
    arrays = [
        stop_arrays(drawn) if k == own else alpha_stop(*stops[k]) for k in range(low, high + 1)
    ]
    shared = dict(
        name=SETTINGS[result.variant]["learning_rate"].key,
        label="α",
        values=values[low : high + 1],
        index=index - low,
        text=[format_number(v) for v in values[low : high + 1]],
        follows=True,
        row=False,
    )
    scrubs = []
    # The sweep's cells and the map's coordinates travel as float16; the loss stays float32.
    for chart_index, compact in ((0, True), (1, False), (2, True)):
        traces, texts = stops_of([a[chart_index] for a in arrays])
        scrubs.append(
            [Scrub(**shared, traces=traces, layout=texts, compact=compact)] if traces else []
        )
    return (scrubs[0], scrubs[1], scrubs[2]), missing


def compute_stops(missing: Sequence[tuple]) -> None:
    """Compute the live stops `live_alpha` lacked; a stop the core refuses stays out."""
    known = st.session_state.setdefault(KNOWN, {})
    for arguments in missing:
        try:
            alpha_stop(*arguments)
            known[repr(arguments)] = True
        except ValueError:
            known[repr(arguments)] = False
    while len(known) > 64:  # the oldest first
        del known[next(iter(known))]


# -- page -----------------------------------------------------------------------------------
st.title("Sweep")
st.markdown(
    "Each cell is one run of the optimizer with the two hyperparameters of its row and column; "
    "everything else stays fixed. Thousands of runs are one batched call: click any cell to see "
    "its path. The seed material picks β1, β2 and α by training twelve models — here the whole "
    "neighbourhood of those twelve is visible."
)
CONTROLS.warn_about_link()
image_format = CONTROLS["ex_image"].render(st.sidebar)

with st.sidebar:
    st.button(COURSE_GRID_SEARCH.title, on_click=course_grid_search, width="stretch")
    variant = CONTROLS["ex_optimizer"].render()
    slug = VARIANTS[variant].slug
    x_name = CONTROLS[f"ex_{slug}_xaxis"].render()
    y_name = CONTROLS[f"ex_{slug}_yaxis"].render()
    axes = {}
    for name in dict.fromkeys((x_name, y_name)):
        low_control, high_control, scale_control = AXIS_CONTROLS[name]
        left, right = st.columns(2)
        axes[name] = (low_control.render(left), high_control.render(right))
        axes[name] += (scale_control.render(),)
    function = CONTROLS["ex_function"].render(on_change=start_of_function)
    left, right = st.columns(2)
    start = (CONTROLS["ex_x"].render(left), CONTROLS["ex_y"].render(right))
    steps = CONTROLS["ex_steps"].render()
    grid = CONTROLS["ex_grid"].render()
    with st.expander("Other hyperparameters", expanded=True):
        fixed = {
            name: control.render()
            for name, control in SETTINGS[variant].items()
            if name not in (x_name, y_name)
        }
    st.button("Reset the sweep", on_click=CONTROLS.reset, args=(st.session_state,), width="stretch")

objective = get_function(function)
if x_name == y_name:
    st.error("Choose a different hyperparameter for each axis.")
    st.stop()
try:
    # An Axis checks its range when made, so a bad one is refused before any bar is drawn.
    x_low, x_high = sorted(axes[x_name][:2])
    y_low, y_high = sorted(axes[y_name][:2])
    x_axis = Axis(name=x_name, low=x_low, high=x_high, count=grid, scale=axes[x_name][2])
    y_axis = Axis(name=y_name, low=y_low, high=y_high, count=grid, scale=axes[y_name][2])
    result = computed(
        cached_sweep, variant, function, start, steps, x_axis, y_axis, tuple(fixed.items())
    )
except ValueError as problem:
    st.error(literal(str(problem), MAX_MESSAGE))
    st.stop()

inputs = repr((variant, function, start, steps, x_axis, y_axis, fixed))
cell = clicked("ex_sweep_cell", inputs, result.shape)
marks = []
if variant in ("Adam", "AMSGrad") and {x_name, y_name} <= set(COURSE_GRID):
    marks = sorted({(a, b) for a in COURSE_GRID[x_name] for b in COURSE_GRID[y_name]})
main, side = st.columns([3, 2], gap="medium")
with main:
    color = CONTROLS["ex_color"].render(st.columns([2, 3])[0])
*drawn, chosen = sweep_figures(result, function, start, steps, fixed, color, marks, cell)
live, missing = live_alpha(result, function, fixed, color, marks, cell, drawn)
if missing and not page_was_drawn():
    # A first visit: its charts would get only the rerun's message (ui.shell), so the stops
    # are computed before the charts go out.
    compute_stops(missing)
    live, missing = live_alpha(result, function, fixed, color, marks, cell, drawn)
with main:
    chart(
        drawn[0],
        key="ex_sweep_chart",
        on_click=partial(remember_click, "ex_sweep_cell", inputs),
        config=chart_config("adam-lab-sweep", image_format),
        scrub=live[0],
    )
    converged, stalled, blew_up = result.counts().values()
    notes = [
        f"{converged + stalled + blew_up:,} runs: {converged:,} came within "
        f"{format_number(result.tolerance, 4)} of f*, {stalled:,} did not, "
        f"{blew_up:,} diverged.",
        "Rings: the course's grid search, inside the sweep." if marks else "",
        # Said as soon as α can be live, also in a run whose stops are still to come.
        "Moving α on the left redraws the three charts at once." if live[0] or missing else "",
    ]
    st.caption(" ".join(note for note in notes if note))
    chart(
        drawn[1],
        key="ex_sweep_loss",
        config=chart_config("adam-lab-sweep-loss", image_format),
        scrub=live[1],
    )
with side:
    if cell is None:
        st.info(f"Showing the best cell ({chosen}). Click any cell to see its run.")
    else:
        st.success(f"Cell {chosen}: its path and loss.")
    chart(
        drawn[2],
        key="ex_sweep_path",
        config=chart_config("adam-lab-sweep-path", image_format),
        scrub=live[2],
    )

if variant == "Adam":
    with st.expander("The course's grid search: 12 Adam models, best first"):
        search = cached_grid_search(
            variant,
            function,
            start,
            steps,
            tuple((k, v) for k, v in fixed.items() if k not in COURSE_GRID),
        )
        st.caption(
            "α ∈ {0.001, 0.01, 0.1} × β1 ∈ {0.9, 0.95} × β2 ∈ {0.999, 0.9999}, as in the "
            "seed material, on the same function, start and steps as the sweep."
        )
        st.dataframe(grid_search_table(search), hide_index=True, width="stretch")
show_formula(objective)
st.download_button(
    "Sweep grid as CSV",
    data=csv_on_demand(sweep_table, result),
    file_name="adam-lab-sweep.csv",
    mime="text/csv",
    on_click="ignore",
)
if missing:  # after everything is drawn: the stops, then a rerun that sends them
    compute_stops(missing)
    # A change made meanwhile (another page, another setting) takes over at this element, as
    # at any: its own run sends what it needs. Only without one does this run rerun itself.
    st.empty()
    st.rerun()
