"""The project's chart: a plotly figure in a component that stays mounted across reruns.

Use `chart()` wherever a page would call `st.plotly_chart`:

    chart(fig, *, key, config=None, height=None, on_click=None, scrub=(), on_scrub=None)
        -> ChartValue  # {"click": Click | None, "scrub": {name: value}}

- `fig` is a plotly Figure or its dict, straight from a `viz/` builder.
- It draws with a pinned partial plotly.js built from npm (`frontend/vendor/`, 1.1 MB: scatter
  and heatmap, all the 2-D figures use; a figure with 3-D traces loads the gl3d bundle
  instead), never Streamlit's 4.7 MB plotly.js.
- A rerun updates the same graph with `Plotly.react`: no remount, so zoom, pan and hidden
  legend entries survive. `layout.uirevision` defaults to the key; a figure that changes its
  own `uirevision` resets the view. Animation frames are replaced, so the figure's Play/Pause
  buttons and step slider keep working. Arrays equal to the drawn ones are handed back to
  Plotly by reference, so that it recomputes only the traces that changed.
- Only what changed travels: every trace attribute (x, z, customdata, ...), trace, picture
  (`layout.images[i].source`), layout entry or frame list of 2 KB or more is sent once, then
  named by a digest (`payload.py`).
- Clicks come back in data coordinates, on a point, a heatmap cell or empty plot area.
- Live sliders (`Scrub`) redraw traces while dragged, without a rerun.
- Width follows the column; the height is `height`, else `layout.height`, else 450 pixels.
  The toolbar keeps its PNG/SVG download (`config["toImageButtonOptions"]`), the figure's
  title in the picture.

`key` is required and must stay the same from run to run: it names the chart's iframe, its
pieces (`st.session_state["_adam_lab_chart_sent"]`) and its default `uirevision`.

Clicks. `on_click(click)` runs as a widget callback, once per click, before the rerun, so it
may set other widgets' values. A `Click` has `x`, `y` (of the point or heatmap cell hit,
else of the pointer), `curve` and `point` (the trace index and point index — for a heatmap
[row, column] — or None on empty plot area), `z`, `customdata`, `pointer` (where the
pointer was, always), `subplot` ("xy") and `n` (a counter). Whether a click near a line hits
its point follows the figure's `hovermode` and `hoverdistance`.

Live sliders. A `Scrub` carries its stop values, the current stop and, for every stop, the
arrays to swap into some traces (float32; 1-D, or 2-D like a heatmap's z). The chart draws
the slider under the plot. While it is dragged the browser swaps the stop's arrays in at
display rate (an instant animation frame for scatter traces on fixed axes, `Plotly.restyle`
otherwise) and pauses a running animation; legend text and everything else keep the
figure's values. On release the script reruns once and `on_scrub({name: value})` runs first:
set the widget the slider mirrors there (and so the URL); the new figure then shows the
released value. Pressing Play after a scrub plays the figure's own frames, which show the
figure's data until that rerun. The stops travel once per distinct set, then by digest.
A `Scrub(follows=True)` also follows the page's own Streamlit slider keyed `name`: a key
press or a drag of that widget redraws the stop at once, before the rerun it starts (the
widget must show its values as the scrub's `text`). With `row=False` the chart draws no
slider and only follows; charts with a live slider of the same name follow each other's
drags. `names` and `layout` rename legend entries and titles per stop on a move.

Example (a page)::

    import numpy as np
    import streamlit as st

    from optim import run
    from optim.catalog import make_optimizer
    from ui.chart import Scrub, chart
    from viz.style import chart_config

    def start_from_click(click):  # runs before the rerun, like any widget callback
        st.session_state.update(
            pg_x=round(click["pointer"]["x"], 3), pg_y=round(click["pointer"]["y"], 3)
        )

    def take_scrub(values):  # {"pg_adam_lr": 0.03}: the widget (and so the URL) follows
        st.session_state.update(values)

    @st.cache_data(max_entries=16)
    def alpha_stops(function, settings, steps, start):  # one batched core call
        alphas = np.geomspace(1e-3, 1.0, 30)
        optimizer = make_optimizer("Adam", {**dict(settings), "learning_rate": alphas})
        paths = run(optimizer, function, np.tile(start, (30, 1)), steps).params
        return alphas, paths.transpose(1, 0, 2).astype(np.float32)  # (30, steps + 1, 2)

    alphas, paths = alpha_stops(function, settings, steps, start)
    live = Scrub(
        name="pg_adam_lr",
        label="Adam α (live)",
        values=alphas,
        index=int(np.abs(alphas - alpha).argmin()),
        traces={adam_path: {"x": paths[:, :, 0], "y": paths[:, :, 1]}},
    )
    chart(
        race,
        key="pg_race",
        config=chart_config("adam-lab-paths"),
        on_click=start_from_click,
        scrub=[live],
        on_scrub=take_scrub,
    )

In AppTest (no browser) the chart is an `UnknownElement`; rebuild the figure it sent with
`decode_message(element.proto.special_args[0].bytes, cache)`, one `cache` dict per test so
that pieces sent by earlier runs resolve.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypedDict

import streamlit as st
import streamlit.components.v1 as components

from ui.chart.payload import (
    Click,
    Scrub,
    SentPieces,
    build_message,
    decode_message,
    digest,
    parse_click,
    parse_event,
    parse_scrub,
)

__all__ = ["ChartValue", "Click", "Scrub", "chart", "decode_message"]

FRONTEND = Path(__file__).resolve().parent / "frontend"
_MEMORY = "_adam_lab_chart_sent"  # session-state entry: chart key -> SentPieces

# One frontend under two names: the name tells the browser which plotly.js bundle to start
# loading before the figure arrives (a 3-D figure needs the gl3d bundle instead).
_COMPONENTS = {
    "cartesian": components.declare_component("adam_lab_chart", path=str(FRONTEND)),
    "gl3d": components.declare_component("adam_lab_chart_3d", path=str(FRONTEND)),
}


class ChartValue(TypedDict):
    click: Click | None  # the last click, or None
    scrub: dict[str, float]  # the last released live slider, {name: value}, or {}


def _sent(key: str) -> SentPieces:
    charts = st.session_state.setdefault(_MEMORY, {})
    return charts.setdefault(key, SentPieces())


def _on_change(
    key: str,
    on_click: Callable[[Click], None] | None,
    on_scrub: Callable[[dict[str, float]], None] | None,
) -> None:
    event = parse_event(st.session_state.get(key))
    if event["kind"] == "resync":
        # The browser lacks pieces (new page, remounted chart): send them with this run.
        _sent(key).forget(event["need"] or None)
    elif event["kind"] == "click" and event["click"] is not None and on_click is not None:
        on_click(event["click"])
    elif event["kind"] == "scrub" and event["scrub"] and on_scrub is not None:
        on_scrub(event["scrub"])


def chart(
    fig: Any,
    *,
    key: str,
    config: Mapping[str, Any] | None = None,
    height: int | None = None,
    on_click: Callable[[Click], None] | None = None,
    scrub: Sequence[Scrub] = (),
    on_scrub: Callable[[dict[str, float]], None] | None = None,
) -> ChartValue:
    """Draw `fig` (a plotly Figure or its dict) in the chart named `key`; see the module doc.

    key:      required and stable: the chart stays mounted as long as its key does.
    config:   plotly.js config (toolbar buttons, `toImageButtonOptions`, ...).
    height:   plot height in pixels (default: `layout.height`, else 450).
    on_click: called with a `Click` when the plot is clicked, before the script reruns.
    scrub:    live sliders drawn under the plot (see `Scrub`).
    on_scrub: called with {name: value} when a live slider is released, before the rerun.
    """
    if not isinstance(key, str) or not key:
        raise ValueError(f"Invalid chart key: {key!r} (must be a non-empty string)")
    sent = _sent(key)
    message = build_message(fig, key=key, config=config, height=height, scrubs=scrub, sent=sent)
    sent.use(message.referenced)
    raw = _COMPONENTS[message.bundle](
        payload=message.data,
        rev=message.rev,
        # The frontend only forwards a render when these JSON arguments change, and a
        # resend of the same figure differs from the last message only in its pieces.
        inline=digest("".join(message.inline)),
        height=message.frame_height,
        key=key,
        default=None,
        on_change=partial(_on_change, key, on_click, on_scrub),
    )
    raw = raw if isinstance(raw, Mapping) else {}
    return ChartValue(click=parse_click(raw.get("click")), scrub=parse_scrub(raw.get("scrub")))
