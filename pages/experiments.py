"""Experiments: thousands of optimizations at once — sweeps, basins of attraction, noise."""

from __future__ import annotations

from functools import partial

import streamlit as st

from functions import get_function, list_functions
from optim import Trajectory, run
from optim.catalog import SYMBOLS, VARIANTS, make_optimizer
from optim.experiments import (
    COURSE_GRID,
    NOISE_OPTIMIZERS,
    Axis,
    compare_basins,
    disagreement,
    grid_search,
    nearest_start,
    noise_study,
    sweep,
)
from ui.controls import Choice, Controls, Slider
from ui.hyperparameters import (
    BETA2,
    EPSILONS,
    LEARNING_RATES,
    SHORT,
    WEIGHT_DECAYS,
    controls_for,
)
from ui.objectives import show_formula
from ui.shell import ensure_app_shell
from viz.curves import loss_figure
from viz.experiments import (
    COLOR_BY,
    basin_names,
    basin_shares,
    basins_figure,
    basins_table,
    cell_from_point,
    grid_search_table,
    noise_figure,
    noise_summary,
    noise_table,
    noise_verdict,
    sweep_figure,
    sweep_table,
    table_csv,
)
from viz.landscape import evaluate
from viz.paths import background_uri, race_figure
from viz.style import chart_config, describe_hyperparameters, format_number

ensure_app_shell()

# -- what can be swept, over which values -----------------------------------------------------
BETAS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)
MOMENTA = (0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99)
RANGES = {  # hyperparameter -> (options, default low, default high, default scale)
    "learning_rate": (LEARNING_RATES, 1e-4, 1.0, "log"),
    "beta1": (BETAS, 0.5, 0.999, "nines"),
    "beta2": (BETA2, 0.9, 0.99999, "nines"),
    "epsilon": (EPSILONS, 1e-10, 1.0, "log"),
    "momentum": (MOMENTA, 0.5, 0.99, "nines"),
    "rho": (BETAS, 0.5, 0.9999, "nines"),
    "weight_decay": (WEIGHT_DECAYS, 1e-4, 1.0, "log"),
}
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
BASIN_FUNCTIONS = [name for name in list_functions() if get_function(name).minima]
SIGMAS = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
# A trajectory-step of `run` costs about this long here; work above half a second gets a bar.
SECONDS_PER_STEP = 5e-8


def function_title(name: str) -> str:
    return get_function(name).title


def symbol(name: str) -> str:
    return SYMBOLS.get(name, name)


SWEEP_SETTINGS = controls_for("ex", {"Adam": {"learning_rate": 0.02}})
LEFT = controls_for("ex_left", {"SGD": {"learning_rate": 0.01}})
RIGHT = controls_for("ex_right", {"Adam": {"learning_rate": 0.05}})
NOISE_SETTINGS = controls_for(
    "ex_noise",
    {
        "SGD": {"learning_rate": 0.001},
        "SGD + momentum": {"learning_rate": 0.001},
        "RMSProp": {"learning_rate": 0.01},
        "Adam": {"learning_rate": 0.05},
    },
)


def axis_controls(name: str) -> tuple[Choice, Choice, Choice]:
    options, low, high, scale = RANGES[name]
    short = SHORT[name]
    return (
        Choice(f"ex_{short}_from", f"{symbol(name)} from", low, None, options, format_number, True),
        Choice(f"ex_{short}_to", f"{symbol(name)} to", high, None, options, format_number, True),
        Choice(
            f"ex_{short}_scale",
            f"{symbol(name)} spacing",
            scale,
            "Log spacing makes 0.001, 0.01 and 0.1 equally far apart; "
            "'log of 1 − value' does the same for 0.9, 0.99 and 0.999.",
            ["log", "nines", "linear"],
            SCALE_NAMES.get,
        ),
    )


AXIS_CONTROLS = {name: axis_controls(name) for name in RANGES}
SWEEP_CONTROLS = Controls(
    (
        Choice("ex_optimizer", "Optimizer", "Adam", None, SWEEPABLE),
        *(
            Choice(
                f"ex_{VARIANTS[v].slug}_{side}axis",
                f"{side}-axis",
                SWEEP_AXES[v][index],
                None,
                list(VARIANTS[v].hyperparameters),
                lambda n: f"{symbol(n)} ({n.replace('_', ' ')})",
            )
            for v in SWEEPABLE
            for index, side in enumerate("xy")
        ),
        *(c for controls in AXIS_CONTROLS.values() for c in controls),
        Choice("ex_function", "Function", "rosenbrock", None, list_functions(), function_title),
        Slider("ex_x", "Start x", -1.5, None, -10.0, 10.0, 0.1, "%.2f"),
        Slider("ex_y", "Start y", 2.5, None, -10.0, 10.0, 0.1, "%.2f"),
        Slider("ex_steps", "Steps", 1000, None, 50, 2000, 50),
        Slider("ex_grid", "Grid (cells per axis)", 60, None, 5, 100, 5),
        Choice("ex_color", "Colour by", "loss", None, list(COLOR_BY), COLOR_BY.get),
        *(c for controls in SWEEP_SETTINGS.values() for c in controls.values()),
    )
)
BASIN_CONTROLS = Controls(
    (
        Choice(
            "ex_basin_function", "Function", "himmelblau", None, BASIN_FUNCTIONS, function_title
        ),
        Slider("ex_basin_grid", "Start points per axis", 100, None, 20, 200, 10),
        Slider("ex_basin_steps", "Steps", 500, None, 50, 2000, 50),
        Choice("ex_left", "Left map", "SGD", None, list(VARIANTS)),
        Choice("ex_right", "Right map", "Adam", None, list(VARIANTS)),
        *(c for controls in LEFT.values() for c in controls.values()),
        *(c for controls in RIGHT.values() for c in controls.values()),
    )
)
NOISE_CONTROLS = Controls(
    (
        Choice(
            "ex_noise_function", "Function", "rosenbrock", None, list_functions(), function_title
        ),
        Slider("ex_noise_x", "Start x", -1.5, None, -10.0, 10.0, 0.1, "%.2f"),
        Slider("ex_noise_y", "Start y", 2.5, None, -10.0, 10.0, 0.1, "%.2f"),
        Slider("ex_noise_steps", "Steps", 500, None, 50, 2000, 50),
        Choice("ex_sigma", "Gradient noise σ", 1.0, None, SIGMAS, format_number, True),
        Slider("ex_sparsity", "Sparsity (share of zeroed coordinates)", 0.5, None, 0.0, 0.95, 0.05),
        Slider("ex_seeds", "Seeds per optimizer", 20, None, 2, 100, 1),
        Slider("ex_seed", "First seed", 0, None, 0, 999, 1),
        Choice(
            "ex_tune",
            "Learning rates",
            "best",
            "Each optimizer gets the α with the lowest median final loss under this noise, "
            "from 0.0001 to 1 — so the comparison is between optimizers at their best.",
            ["best", "manual"],
            {"best": "each optimizer's best α (searched)", "manual": "set by hand"}.get,
        ),
        *(c for controls in NOISE_SETTINGS.values() for c in controls.values()),
    )
)
CONTROLS = Controls(
    (
        *SWEEP_CONTROLS.items,
        *BASIN_CONTROLS.items,
        *NOISE_CONTROLS.items,
        Choice("ex_image", "Chart toolbar saves", "png", None, ["png", "svg"], str.upper),
    )
)


# -- callbacks: they only move values between presets, clicks and widgets ---------------------
def start_of(function_key: str, x_key: str, y_key: str) -> None:
    x, y = get_function(st.session_state[function_key]).start
    st.session_state.update({x_key: float(x), y_key: float(y)})


def course_grid_search() -> None:
    """The seed material's grid search, inside a dense sweep around it."""
    st.session_state.update(
        ex_optimizer="Adam",
        ex_adam_xaxis="learning_rate",
        ex_adam_yaxis="beta1",
        ex_lr_from=0.0005,
        ex_lr_to=0.5,
        ex_lr_scale="log",
        ex_b1_from=0.8,
        ex_b1_to=0.99,
        ex_b1_scale="nines",
        ex_function="rosenbrock",
        ex_x=-1.5,
        ex_y=2.5,
        ex_steps=1000,
        ex_color="loss",
    )
    st.session_state[SWEEP_SETTINGS["Adam"]["beta2"].key] = 0.999
    st.session_state[SWEEP_SETTINGS["Adam"]["epsilon"].key] = 1e-8


def classic_basins() -> None:
    st.session_state.update(
        ex_basin_function="himmelblau", ex_basin_steps=500, ex_left="SGD", ex_right="Adam"
    )
    st.session_state[LEFT["SGD"]["learning_rate"].key] = 0.01
    st.session_state[RIGHT["Adam"]["learning_rate"].key] = 0.05


def remember_click(chart: str, target: str, inputs: str) -> None:
    """Keep the clicked cell with the inputs of the grid it belongs to."""
    points = st.session_state[chart].selection.points
    if points:
        st.session_state[target] = {"x": points[0].get("x"), "y": points[0].get("y"), "of": inputs}


def clicked(target: str, inputs: str, shape: tuple[int, int]) -> tuple[int, int] | None:
    """The cell clicked on this very grid, or None (never clicked, or the inputs changed)."""
    point = st.session_state.get(target, {})
    return cell_from_point(point, shape) if point.get("of") == inputs else None


# -- the core calls, cached on plain values -------------------------------------------------
def progress_bar(work: float, text: str):
    """A progress callback drawing a bar, or None when the work takes under half a second.

    Called inside the cached functions: on a cache hit Streamlit replays the finished bar, and
    the page clears it (see `computed`).
    """
    if work * SECONDS_PER_STEP < 0.5:
        return None
    bar = st.progress(0.0, text=text)
    return lambda fraction: bar.progress(min(max(fraction, 0.0), 1.0), text=text)


def computed(function, *args):
    """`function(*args)` with its progress bar in a slot that is emptied afterwards."""
    slot = st.empty()
    try:
        with slot.container():
            return function(*args)
    finally:
        slot.empty()


@st.cache_data(max_entries=24, show_spinner=False)
def cached_sweep(variant, function, start, steps, x, y, fixed):
    x_axis, y_axis = Axis(*x), Axis(*y)  # refuse a bad range before drawing a bar
    cells = x_axis.count * y_axis.count
    progress = progress_bar(cells * steps, f"Running {cells:,} optimizations of {steps} steps…")
    return sweep(variant, function, start, steps, x_axis, y_axis, dict(fixed), progress=progress)


@st.cache_data(max_entries=24, show_spinner=False)
def cached_grid_search(variant, function, start, steps, fixed):
    return grid_search(variant, function, start, steps, COURSE_GRID, dict(fixed))


@st.cache_data(max_entries=128, show_spinner=False)
def single_run(variant, settings, function, start, steps) -> Trajectory:
    return run(make_optimizer(variant, dict(settings)), function, start, steps)


@st.cache_data(max_entries=24, show_spinner=False)
def cached_basins(sides, function, steps, resolution):
    work = len(sides) * resolution**2 * steps
    progress = progress_bar(work, f"Running {len(sides) * resolution**2:,} optimizations…")
    runs = {name: (variant, dict(settings)) for name, variant, settings in sides}
    return compare_basins(runs, function, steps, resolution, progress=progress)


@st.cache_data(max_entries=8, show_spinner=False)  # up to 4 × 100 seeds × 2 001 steps each
def cached_noise(function, start, steps, settings, sigma, sparsity, seeds, seed, tune):
    # Recording every step costs about four times a final-only run; the search runs 13 α.
    work = len(settings) * seeds * steps * (4 + 13 * tune)
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
        progress=progress_bar(work, f"Running {len(settings)} optimizers × {seeds} seeds…"),
    )


@st.cache_data(max_entries=16, show_spinner=False)
def landscape(function: str):
    picture = evaluate(get_function(function))
    return picture, background_uri(picture)


def downloads(columns, items) -> None:
    for column, (label, data, file_name) in zip(columns, items, strict=False):
        column.download_button(
            label, data=data, file_name=file_name, mime="text/csv", on_click="ignore"
        )


# -- page -----------------------------------------------------------------------------------
st.title("Experiments")
st.markdown(
    "Thousands of optimizations at once: which hyperparameters work, where each start point "
    "ends up, and how each optimizer copes with noisy or sparse gradients. Every grid below is "
    "one batched run; click any cell or start point to see that single run."
)
CONTROLS.warn_about_link()
image_format = CONTROLS["ex_image"].render(st.sidebar)
sweep_tab, basins_tab, noise_tab = st.tabs(
    ["Sweep", "Basins", "Noise"], key="ex_view", bind="query-params"
)

# -- 1. hyperparameter sweep ----------------------------------------------------------------
if sweep_tab.open:
    with st.sidebar:
        st.subheader("Sweep")
        st.button("The course's grid search", on_click=course_grid_search, width="stretch")
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
        function = CONTROLS["ex_function"].render(
            on_change=start_of, args=("ex_function", "ex_x", "ex_y")
        )
        left, right = st.columns(2)
        start = (CONTROLS["ex_x"].render(left), CONTROLS["ex_y"].render(right))
        steps = CONTROLS["ex_steps"].render()
        grid = CONTROLS["ex_grid"].render()
        with st.expander("Other hyperparameters", expanded=True):
            fixed = {
                name: control.render()
                for name, control in SWEEP_SETTINGS[variant].items()
                if name not in (x_name, y_name)
            }
        st.button(
            "Reset the sweep",
            on_click=SWEEP_CONTROLS.reset,
            args=(st.session_state,),
            width="stretch",
        )

    with sweep_tab:
        st.markdown(
            "Each cell is one run of the optimizer with the two hyperparameters of its row and "
            "column; everything else stays fixed. The seed material picks β1, β2 and α by "
            "training twelve models — here the whole neighbourhood of those twelve is visible."
        )
        objective = get_function(function)
        if x_name == y_name:
            st.error("Choose a different hyperparameter for each axis.")
            st.stop()
        try:
            x_axis = (x_name, *sorted(axes[x_name][:2]), grid, axes[x_name][2])
            y_axis = (y_name, *sorted(axes[y_name][:2]), grid, axes[y_name][2])
            result = computed(
                cached_sweep,
                variant,
                function,
                start,
                steps,
                x_axis,
                y_axis,
                tuple(fixed.items()),
            )
        except ValueError as problem:
            st.error(str(problem))
            st.stop()

        inputs = repr((variant, function, start, steps, x_axis, y_axis, fixed))
        cell = clicked("ex_sweep_cell", inputs, result.shape)
        marks = []
        if variant in ("Adam", "AMSGrad") and {x_name, y_name} <= set(COURSE_GRID):
            marks = sorted({(a, b) for a in COURSE_GRID[x_name] for b in COURSE_GRID[y_name]})
        settings = result.settings(*(cell or result.best_cell()))
        chosen = ", ".join(
            f"{symbol(n)} = {format_number(settings[n], 4)}" for n in (x_name, y_name)
        )
        trajectory = single_run(variant, tuple(settings.items()), function, start, steps)
        picture, background = landscape(function)

        main, side = st.columns([3, 2], gap="medium")
        with main:
            color = CONTROLS["ex_color"].render(st.columns([2, 3])[0])
            st.plotly_chart(
                sweep_figure(
                    result,
                    color,
                    selected=cell or result.best_cell(),
                    marks=marks,
                    title=f"{variant} on {objective.title}: {COLOR_BY[color]} after {steps} "
                    f"steps<br><sup>{describe_hyperparameters(fixed)} · start "
                    f"({format_number(start[0], 4)}, {format_number(start[1], 4)})</sup>",
                ),
                key="ex_sweep_chart",
                on_select=partial(remember_click, "ex_sweep_chart", "ex_sweep_cell", inputs),
                selection_mode="points",
                config=chart_config("adam-lab-sweep", image_format),
            )
            converged, stalled, blew_up = result.counts().values()
            st.caption(
                f"{converged + stalled + blew_up:,} runs: {converged:,} came within "
                f"{format_number(result.tolerance, 4)} of f*, {stalled:,} did not, "
                f"{blew_up:,} diverged. "
                + ("Rings: the course's grid search, inside the sweep." if marks else "")
            )
            st.plotly_chart(
                loss_figure(objective, {variant: trajectory}, title=f"Loss at {chosen}"),
                key="ex_sweep_loss",
                config=chart_config("adam-lab-sweep-loss", image_format),
            )
        with side:
            if cell is None:
                st.info(f"Showing the best cell ({chosen}). Click any cell to see its run.")
            else:
                st.success(f"Cell {chosen}: its path and loss.")
            st.plotly_chart(
                race_figure(
                    objective, picture, background, {variant: trajectory}, title=f"Path at {chosen}"
                ),
                key="ex_sweep_path",
                config=chart_config("adam-lab-sweep-path", image_format),
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
        downloads(
            st.columns(3),
            [("Sweep grid as CSV", partial(table_csv, sweep_table(result)), "adam-lab-sweep.csv")],
        )

# -- 2. basins of attraction ----------------------------------------------------------------
if basins_tab.open:
    with st.sidebar:
        st.subheader("Basins of attraction")
        st.button("Himmelblau: SGD against Adam", on_click=classic_basins, width="stretch")
        basin_function = CONTROLS["ex_basin_function"].render()
        resolution = CONTROLS["ex_basin_grid"].render()
        basin_steps = CONTROLS["ex_basin_steps"].render()
        sides = []
        for side_key, controls in (("ex_left", LEFT), ("ex_right", RIGHT)):
            side_variant = CONTROLS[side_key].render()
            with st.expander(f"{side_variant} settings", expanded=True):
                values = {n: c.render() for n, c in controls[side_variant].items()}
            name = (
                side_variant
                if not sides or sides[0][0] != side_variant
                else f"{side_variant} (right)"
            )
            sides.append((name, side_variant, tuple(values.items())))
        st.button(
            "Reset the basins",
            on_click=BASIN_CONTROLS.reset,
            args=(st.session_state,),
            width="stretch",
        )

    with basins_tab:
        st.markdown(
            "Every start point of a grid over the domain is run to the end and coloured by the "
            "known minimum it reached (within 0.01), so each colour is a basin of attraction. "
            "Gradient descent's basins follow the landscape's ridges; Adam's steps ignore the "
            "gradient's size, so its basins can cross them."
        )
        objective = get_function(basin_function)
        try:
            maps = computed(cached_basins, tuple(sides), basin_function, basin_steps, resolution)
        except ValueError as problem:
            st.error(str(problem))
            st.stop()
        first, second = maps.values()
        inputs = repr((sides, basin_function, basin_steps, resolution))
        cell = clicked("ex_basin_cell", inputs, first.labels.shape)
        (x0, x1), (y0, y1) = objective.domain
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        shown = cell or disagreement(first, second, centre) or nearest_start(first, centre)
        st.plotly_chart(
            basins_figure(
                maps,
                selected=shown,
                title=f"{objective.title}: where each of {resolution * resolution:,} starts ends "
                f"after {basin_steps} steps",
            ),
            key="ex_basins_chart",
            on_select=partial(remember_click, "ex_basins_chart", "ex_basin_cell", inputs),
            selection_mode="points",
            config=chart_config("adam-lab-basins", image_format),
        )
        start = first.start(*shown)
        runs = {
            name: single_run(variant, settings, basin_function, start, basin_steps)
            for name, variant, settings in sides
        }
        names = basin_names(objective)
        start_text = f"({format_number(start[0], 4)}, {format_number(start[1], 4)})"
        where = "; ".join(f"**{n}** → {names[int(b.labels[shown])]}" for n, b in maps.items())
        if cell is None:
            st.info(
                f"From the start {start_text}, ringed on the maps, the two optimizers end in "
                f"different places: {where}. Click any start point to see both paths from there."
            )
        else:
            st.success(f"From {start_text}: {where}.")
        picture, background = landscape(basin_function)
        path_column, loss_column = st.columns([3, 2], gap="medium")
        with path_column:
            st.plotly_chart(
                race_figure(objective, picture, background, runs, title=f"Paths from {start_text}"),
                key="ex_basins_path",
                config=chart_config("adam-lab-basins-path", image_format),
            )
        with loss_column:
            st.plotly_chart(
                loss_figure(objective, runs, title=f"Loss from {start_text}"),
                key="ex_basins_loss",
                config=chart_config("adam-lab-basins-loss", image_format),
            )
            st.dataframe(
                basin_shares(maps),
                hide_index=True,
                width="stretch",
                column_config={
                    name: st.column_config.NumberColumn(format="percent") for name in maps
                },
            )
        downloads(
            st.columns(3),
            [
                (
                    "Start points as CSV",
                    partial(table_csv, basins_table(maps)),
                    "adam-lab-basins.csv",
                )
            ],
        )

# -- 3. noisy and sparse gradients ----------------------------------------------------------
if noise_tab.open:
    with st.sidebar:
        st.subheader("Noisy and sparse gradients")
        noise_function = CONTROLS["ex_noise_function"].render(
            on_change=start_of, args=("ex_noise_function", "ex_noise_x", "ex_noise_y")
        )
        left, right = st.columns(2)
        noise_start = (CONTROLS["ex_noise_x"].render(left), CONTROLS["ex_noise_y"].render(right))
        noise_steps = CONTROLS["ex_noise_steps"].render()
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
                    for name, control in NOISE_SETTINGS[variant].items()
                }
        st.button(
            "Reset the noise study",
            on_click=NOISE_CONTROLS.reset,
            args=(st.session_state,),
            width="stretch",
        )

    with noise_tab:
        st.markdown(
            "The material says Adam is robust to noisy and sparse gradients. Here every "
            "gradient gets Gaussian noise of size σ, then each coordinate is zeroed with "
            "probability p; every optimizer sees exactly the same draws for each seed."
        )
        st.latex(
            r"\tilde g_{t,i} = \big(g_{t,i} + \sigma\,\xi_{t,i}\big)\,b_{t,i},\quad "
            r"\xi_{t,i} \sim \mathcal N(0, 1),\quad b_{t,i} \sim \mathrm{Bernoulli}(1 - p)"
        )
        objective = get_function(noise_function)
        try:
            study = computed(
                cached_noise,
                noise_function,
                noise_start,
                noise_steps,
                tuple((v, tuple(h.items())) for v, h in chosen.items()),
                sigma,
                sparsity,
                seeds,
                seed,
                tune,
            )
        except ValueError as problem:
            st.error(str(problem))
            st.stop()
        if tune:
            failed = [v for v, rate in study.tuned.items() if rate is None]
            if failed:
                st.warning(
                    f"{', '.join(failed)} diverged at every α tried, so the α set by hand is shown."
                )
        st.plotly_chart(
            noise_figure(
                study,
                title=f"{objective.title}: f − f* over {seeds} seeds, σ = "
                f"{format_number(sigma)}, sparsity {sparsity:.0%}",
            ),
            key="ex_noise_chart",
            config=chart_config("adam-lab-noise", image_format),
        )
        st.caption(
            "Line: the geometric mean over the seeds (the mean of log f − f*, which one bad seed "
            "cannot drag up). Band: the middle half of the seeds (25th to 75th percentile). "
            "Dotted: the same optimizer without noise or sparsity. The table has the plain mean "
            "too."
        )
        st.markdown(noise_verdict(study))
        summary = noise_summary(study)
        st.dataframe(
            summary,
            hide_index=True,
            width="stretch",
            column_config={
                column: st.column_config.NumberColumn(format="%.3g")
                for column in summary.columns[2:-1]
            },
        )
        downloads(
            st.columns(3),
            [("Curves as CSV", partial(table_csv, noise_table(study)), "adam-lab-noise.csv")],
        )
