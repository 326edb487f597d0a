"""Basins of attraction: where two optimizers end from every start of a grid; click a start."""

from __future__ import annotations

from functools import partial

import streamlit as st

from functions import get_function, list_functions
from lessons.experiments import HIMMELBLAU_BASINS
from optim.catalog import VARIANTS
from optim.experiments import compare_basins, disagreement, nearest_start, seconds, sweep_work
from ui.chart import chart
from ui.clicks import clicked, remember_click
from ui.controls import Choice, Controls, Slider
from ui.hyperparameters import controls_for, setting_values
from ui.progress import computed, progress_bar
from ui.runs import builtin, landscape, trajectory
from ui.shell import ensure_app_shell
from ui.text import MAX_MESSAGE, literal
from viz.curves import loss_figure
from viz.experiments import basin_names, basin_shares, basins_figure, basins_table, csv_on_demand
from viz.paths import race_figure
from viz.style import chart_config, format_number

ensure_app_shell()

BASIN_FUNCTIONS = [name for name in list_functions() if get_function(name).minima]
LEFT_SETTING, RIGHT_SETTING = HIMMELBLAU_BASINS.optimizers
LEFT = controls_for("ex_left", {LEFT_SETTING.variant: dict(LEFT_SETTING.hyperparameters)})
RIGHT = controls_for("ex_right", {RIGHT_SETTING.variant: dict(RIGHT_SETTING.hyperparameters)})
CONTROLS = Controls(
    (
        Choice(
            "ex_basin_function",
            "Function",
            HIMMELBLAU_BASINS.function,
            options=BASIN_FUNCTIONS,
            format_func=lambda name: get_function(name).title,
        ),
        Slider("ex_basin_grid", "Start points per axis", 100, low=20, high=200, step=10),
        Slider("ex_basin_steps", "Steps", HIMMELBLAU_BASINS.steps, low=50, high=2000, step=50),
        Choice("ex_left", "Left map", LEFT_SETTING.variant, options=list(VARIANTS)),
        Choice("ex_right", "Right map", RIGHT_SETTING.variant, options=list(VARIANTS)),
        *(c for controls in LEFT.values() for c in controls.values()),
        *(c for controls in RIGHT.values() for c in controls.values()),
        Choice(
            "ex_image", "Chart toolbar saves", "png", options=["png", "svg"], format_func=str.upper
        ),
    )
)


def classic_basins() -> None:
    """Map the Himmelblau scenario onto the two sides' widgets."""
    st.session_state.update(
        ex_basin_function=HIMMELBLAU_BASINS.function,
        ex_basin_steps=HIMMELBLAU_BASINS.steps,
        ex_left=LEFT_SETTING.variant,
        ex_right=RIGHT_SETTING.variant,
        **setting_values(LEFT, LEFT_SETTING),
        **setting_values(RIGHT, RIGHT_SETTING),
    )


# Two final-only maps of up to 200 × 200 starts: about 3 MB per entry.
@st.cache_data(max_entries=16, show_spinner=False)
def cached_basins(sides, function, steps, resolution):
    work = sweep_work(len(sides) * resolution**2, steps)
    progress = progress_bar(seconds(work), f"Running {len(sides) * resolution**2:,} optimizations…")
    runs = {name: (variant, dict(settings)) for name, variant, settings in sides}
    return compare_basins(runs, function, steps, resolution, progress=progress)


# -- page -----------------------------------------------------------------------------------
st.title("Basins of attraction")
st.markdown(
    "Every start point of a grid over the domain is run to the end and coloured by the known "
    "minimum it reached (within 0.01), so each colour is a basin of attraction. "
    + HIMMELBLAU_BASINS.notice
)
CONTROLS.warn_about_link()
image_format = CONTROLS["ex_image"].render(st.sidebar)

with st.sidebar:
    st.button(HIMMELBLAU_BASINS.title, on_click=classic_basins, width="stretch")
    function = CONTROLS["ex_basin_function"].render()
    resolution = CONTROLS["ex_basin_grid"].render()
    steps = CONTROLS["ex_basin_steps"].render()
    sides = []
    for side_key, controls in (("ex_left", LEFT), ("ex_right", RIGHT)):
        variant = CONTROLS[side_key].render()
        with st.expander(f"{variant} settings", expanded=True):
            values = {n: c.render() for n, c in controls[variant].items()}
        name = variant if not sides or sides[0][1] != variant else f"{variant} (right)"
        sides.append((name, variant, tuple(values.items())))
    st.button(
        "Reset the basins", on_click=CONTROLS.reset, args=(st.session_state,), width="stretch"
    )

objective = get_function(function)
try:
    maps = computed(cached_basins, tuple(sides), function, steps, resolution)
except ValueError as problem:
    st.error(literal(str(problem), MAX_MESSAGE))
    st.stop()
first, second = maps.values()
inputs = repr((sides, function, steps, resolution))
cell = clicked("ex_basin_cell", inputs, first.labels.shape)
(x0, x1), (y0, y1) = objective.domain
centre = ((x0 + x1) / 2, (y0 + y1) / 2)
shown = cell or disagreement(first, second, centre) or nearest_start(first, centre)
chart(
    basins_figure(
        maps,
        selected=shown,
        title=f"{objective.title}: where each of {resolution * resolution:,} starts ends "
        f"after {steps} steps",
    ),
    key="ex_basins_chart",
    on_click=partial(remember_click, "ex_basin_cell", inputs),
    config=chart_config("adam-lab-basins", image_format),
)
start = first.start(*shown)
runs = {
    name: trajectory(builtin(function), variant, settings, steps, start, name)
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
picture, background = landscape(builtin(function))
path_column, loss_column = st.columns([3, 2], gap="medium")
with path_column:
    chart(
        race_figure(objective, picture, background, runs, title=f"Paths from {start_text}"),
        key="ex_basins_path",
        config=chart_config("adam-lab-basins-path", image_format),
    )
with loss_column:
    chart(
        loss_figure(objective, runs, title=f"Loss from {start_text}"),
        key="ex_basins_loss",
        config=chart_config("adam-lab-basins-loss", image_format),
    )
    st.dataframe(
        basin_shares(maps),
        hide_index=True,
        width="stretch",
        column_config={name: st.column_config.NumberColumn(format="percent") for name in maps},
    )
st.download_button(
    "Start points as CSV",
    data=csv_on_demand(basins_table, maps),
    file_name="adam-lab-basins.csv",
    mime="text/csv",
    on_click="ignore",
)
