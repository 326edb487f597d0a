"""The charts a page draws with ui.chart, read back (and clicked) under Streamlit's AppTest.

A chart reaches AppTest as a `component_instance` element whose payload is a chart message
(ui/chart/payload.py). Its large pieces travel once per session and are named by digest in
later runs, so a test must keep every run's pieces, as the browser does: `app_test()` makes
an AppTest that records them as its runs queue them, whichever way the run was started
(`at.run()`, a widget's `.run()`, `switch_page(...).run()`), also from a run that reran itself.

    at = app_test(APP, timeout=60)
    at.run()
    figures(at)["pg_race"]["layout"]["title"]["text"]
    message(at, "pg_race")["config"]["toImageButtonOptions"]["format"]
    click(at, "pg_race", x=1.0, y=2.0)        # the page's on_click runs, then the script

Figures come back as plain dicts, with NumPy arrays as plotly typed-array specs
(`{"dtype", "bdata", "shape"}`): read them with `tests.plotly_data.values`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue
from streamlit.testing.v1 import AppTest

from ui.chart import _COMPONENTS, decode_message

# The component names ui.chart declares (one per plotly.js bundle).
CHART_COMPONENTS = frozenset(component.name for component in _COMPONENTS.values())

# Per AppTest: digest -> piece, every piece any of its runs sent (the browser's memory).
_PIECES: WeakKeyDictionary[AppTest, dict[str, Any]] = WeakKeyDictionary()
# Per AppTest: chart key -> the events sent to it so far (numbers clicks as the browser does).
_EVENTS: WeakKeyDictionary[AppTest, dict[str, int]] = WeakKeyDictionary()


def app_test(script: str | Path, timeout: float) -> AppTest:
    """An AppTest of `script` whose runs' chart pieces are kept for `figures` and `message`."""
    return follow(AppTest.from_file(str(script), default_timeout=timeout))


def follow(at: AppTest) -> AppTest:
    """Keep the chart pieces of every later run of `at`; call it before the first run.

    Every run goes through `AppTest._run` (widget `.run()` calls it on the AppTest too), so
    the pieces are recorded there, right after the run, before a test can miss one.
    """
    if at in _PIECES:
        return at
    pieces = _PIECES[at] = {}
    _EVENTS[at] = {}
    run = at._run

    def keep(msg: Any) -> None:
        # Every chart message as it is queued: a run that reruns itself (st.rerun) replaces
        # its first charts in the queue, whose pieces the browser has received all the same.
        element = msg.delta.new_element if msg.WhichOneof("type") == "delta" else None
        if element is not None and element.WhichOneof("type") == "component_instance":
            instance = element.component_instance
            if instance.component_name in CHART_COMPONENTS:
                pieces.update(json.loads(_payload(instance))["pieces"])

    def run_and_keep_pieces(*args: Any, **kwargs: Any) -> AppTest:
        watching = ForwardMsgQueue._before_enqueue_msg  # a test's own, kept

        def keep_and_pass_on(msg: Any) -> None:
            keep(msg)
            if watching is not None:
                watching(msg)

        ForwardMsgQueue.on_before_enqueue_msg(keep_and_pass_on)
        try:
            return run(*args, **kwargs)
        finally:
            ForwardMsgQueue.on_before_enqueue_msg(watching)

    at._run = run_and_keep_pieces
    return at


def chart_elements(at: AppTest) -> list[Any]:
    """The chart elements of the last run, in page order."""
    return [
        element
        for element in at.get("component_instance")
        if element.proto.component_name in CHART_COMPONENTS
    ]


def _payload(element: Any) -> bytes:
    """The chart message of a chart element (or of its ComponentInstance proto)."""
    proto = getattr(element, "proto", element)
    (payload,) = [arg.bytes for arg in proto.special_args if arg.key == "payload"]
    return payload


def _pieces(at: AppTest) -> dict[str, Any]:
    if at not in _PIECES:
        raise AssertionError("make the AppTest with tests.charts.app_test (or follow it)")
    return _PIECES[at]


def keys(at: AppTest) -> list[str]:
    """The keys of the charts drawn by the last run, in page order."""
    return [json.loads(element.proto.json_args)["key"] for element in chart_elements(at)]


def messages(at: AppTest) -> dict[str, dict[str, Any]]:
    """Chart key -> the body of the message it got in the last run: {"figure", "config",
    "height", "bundle", "scrub"}, every piece in place, in page order."""
    pieces = _pieces(at)
    out = {}
    for element in chart_elements(at):
        key = json.loads(element.proto.json_args)["key"]
        if key in out:
            raise AssertionError(f"two charts with the key {key!r}")
        out[key] = decode_message(_payload(element), pieces)
    return out


def message(at: AppTest, key: str) -> dict[str, Any]:
    """The message body chart `key` got in the last run (see `messages`)."""
    found = messages(at)
    if key not in found:
        raise AssertionError(f"no chart {key!r} on the page; charts: {list(found)}")
    return found[key]


def figures(at: AppTest) -> dict[str, dict[str, Any]]:
    """Chart key -> its figure {"data", "layout", "frames"}, in page order."""
    return {key: body["figure"] for key, body in messages(at).items()}


def figure(at: AppTest, key: str) -> dict[str, Any]:
    """The figure of chart `key` (see `figures`)."""
    return message(at, key)["figure"]


def _send(at: AppTest, key: str, value: dict[str, Any], timeout: float | None) -> AppTest:
    """Run the script with chart `key`'s value set to `value`, as the browser sets it.

    AppTest sends the values of the widgets it knows; a component is not one of them, so its
    value is added to the widget states of the next run by hand. Streamlit then calls the
    chart's on_change (ui.chart's dispatcher, and so the page's callback) before the rerun.
    """
    (element,) = [e for e in chart_elements(at) if json.loads(e.proto.json_args)["key"] == key]
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=element.proto.id, json_value=json.dumps(value)))
    return at._run(states, timeout=timeout)


def click(
    at: AppTest,
    key: str,
    *,
    x: float,
    y: float,
    curve: int | None = None,
    point: int | list[int] | None = None,
    z: float | None = None,
    customdata: Any = None,
    pointer: tuple[float, float] | None = None,
    subplot: str = "xy",
    timeout: float | None = None,
) -> AppTest:
    """A click on chart `key`, reported as the browser reports it, then the rerun.

    x, y are the point's (or, on empty plot area, the pointer's) data coordinates; `pointer`
    defaults to them.
    """
    count = _EVENTS[at].get(key, 0) + 1
    _EVENTS[at][key] = count
    px, py = pointer if pointer is not None else (x, y)
    event = {
        "x": x,
        "y": y,
        "curve": curve,
        "point": point,
        "z": z,
        "customdata": customdata,
        "pointer": {"x": px, "y": py},
        "subplot": subplot,
        "n": count,
    }
    value = {"event": "click", "click": event, "scrub": {}, "need": [], "seq": count}
    return _send(at, key, value, timeout)


def release(
    at: AppTest, key: str, values: dict[str, float], *, timeout: float | None = None
) -> AppTest:
    """A live slider of chart `key` let go at `values` ({name: value}), then the rerun."""
    count = _EVENTS[at].get(key, 0) + 1
    _EVENTS[at][key] = count
    value = {"event": "scrub", "click": None, "scrub": values, "need": [], "seq": count}
    return _send(at, key, value, timeout)
