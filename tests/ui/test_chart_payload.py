"""ui.chart.payload: what the chart sends (figure, pieces by digest, live-slider stops) and how
it reads what the browser sends back."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.chart.payload import (
    BROWSER_MEMORY,
    PIECE_CHARS,
    SCRUB_ROW_HEIGHT,
    SERVER_MEMORY,
    Scrub,
    SentPieces,
    build_message,
    bundle_of,
    decode_message,
    decode_stops,
    parse_click,
    parse_event,
    parse_scrub,
    plain_figure,
    to_json,
)

chart_frontend = Path(__file__).parents[2] / "ui" / "chart" / "frontend"
PICTURE = "data:image/png;base64," + base64.b64encode(bytes(range(256)) * 400).decode()


def figure(shift: float = 0.0, picture: str = PICTURE) -> dict:
    """A map: a large picture, one moving path, one fixed path, a small marker, frames."""
    t = np.linspace(0, 1, 1000)
    return {
        "data": [
            {"type": "scatter", "x": t + shift, "y": np.sin(t), "name": "moving"},
            {"type": "scatter", "x": t, "y": np.cos(t), "name": "fixed"},
            {"type": "scatter", "x": [0.0], "y": [1.0], "name": "marker"},
        ],
        "layout": {
            "title": {"text": f"shift {shift}"},
            "images": [{"source": picture, "xref": "x", "yref": "y", "x": 0, "y": 1}],
        },
        "frames": [
            {"name": str(k), "traces": [2], "data": [{"x": [k + shift], "y": [1.0]}]}
            for k in range(100)
        ],
    }


def message_json(message) -> dict:
    return json.loads(message.data)


def test_a_figure_travels_whole_the_first_time_and_decodes_to_the_same_figure():
    message = build_message(figure(), key="map")
    body = decode_message(message.data)
    spec = body["figure"]
    assert [t["name"] for t in spec["data"]] == ["moving", "fixed", "marker"]
    # NumPy arrays arrive as plotly.js typed-array specs (base64), values intact.
    x = spec["data"][0]["x"]
    assert x["dtype"] == "f8"
    assert np.frombuffer(base64.b64decode(x["bdata"]), "<f8") == pytest.approx(
        np.linspace(0, 1, 1000)
    )
    assert spec["layout"]["images"][0]["source"] == PICTURE
    assert len(spec["frames"]) == 100
    assert set(message.inline) == set(message.referenced)
    # Each path's x and y (the two share their x, sent once), the picture, the frame list.
    assert len(message.referenced) == 5


def test_only_changed_pieces_are_resent_and_the_rest_go_by_reference():
    sent = SentPieces()
    first = build_message(figure(0.0), key="map", sent=sent)
    sent.use(first.referenced)
    again = build_message(figure(0.0), key="map", sent=sent)
    changed = build_message(figure(0.5), key="map", sent=sent)
    assert again.rev == first.rev and again.inline == ()
    assert len(again.data) < 3_000 < len(first.data)
    # The moving path and the frames changed; the picture and the fixed path did not.
    assert len(changed.inline) == 2
    assert PICTURE not in changed.data.decode()
    assert changed.rev != first.rev
    # A browser that holds the first message's pieces rebuilds the new figure exactly.
    cache: dict = {}
    decode_message(first.data, cache)
    rebuilt = decode_message(changed.data, cache)
    assert rebuilt == decode_message(build_message(figure(0.5), key="map").data)


def test_a_browser_without_the_pieces_cannot_rebuild_a_message_by_reference():
    sent = SentPieces()
    sent.use(build_message(figure(), key="map").referenced)
    with pytest.raises(KeyError):
        decode_message(build_message(figure(), key="map", sent=sent).data, {})


def test_a_trace_resends_only_its_attributes_that_changed():
    cells = np.arange(60 * 60 * 2, dtype=np.float32).reshape(60, 60, 2)  # hover values

    def heatmap(z: float) -> dict:
        trace = {"type": "heatmap", "z": np.full((60, 60), z, np.float32), "customdata": cells}
        return {"data": [trace], "layout": {}}

    sent = SentPieces()
    first = build_message(heatmap(1.0), key="sweep", sent=sent)
    sent.use(first.referenced)
    paths = [path for path, _ in message_json(first)["refs"]]
    assert paths == [["figure", "data", 0, "z"], ["figure", "data", 0, "customdata"]]
    changed = build_message(heatmap(2.0), key="sweep", sent=sent)
    (resent,) = changed.inline
    assert resent == message_json(changed)["refs"][0][1]  # the z, not the customdata
    assert len(changed.data) < len(first.data) / 2
    cache: dict = {}
    decode_message(first.data, cache)
    assert decode_message(changed.data, cache) == decode_message(
        build_message(heatmap(2.0), key="sweep").data
    )


def test_a_large_trace_comes_back_before_its_large_attributes():
    trace = {"type": "scatter", "y": list(range(1000)), "text": ["a" * 10] * 300, "name": "n"}
    refs = message_json(build_message({"data": [trace], "layout": {}}, key="k"))["refs"]
    assert [path for path, _ in refs] == [["figure", "data", 0, "y"], ["figure", "data", 0, "text"]]
    # Medium attributes, none large alone: what is left of the trace is a piece of its own,
    # put back before the attributes placed into it.
    trace.update({f"meta{k}": "m" * 300 for k in range(8)})
    message = build_message({"data": [trace], "layout": {}}, key="k")
    paths = [path for path, _ in message_json(message)["refs"]]
    trace_path = ["figure", "data", 0]
    assert paths == [trace_path, [*trace_path, "y"], [*trace_path, "text"]]
    assert decode_message(message.data)["figure"]["data"][0]["y"] == list(range(1000))


def test_small_parts_stay_inline_and_large_layout_entries_become_pieces():
    small = {"data": [{"type": "scatter", "x": [1, 2], "y": [3, 4]}], "layout": {}}
    assert build_message(small, key="k").referenced == ()
    big = {"data": [], "layout": {"annotations": [{"text": "a" * PIECE_CHARS}]}}
    message = build_message(big, key="k")
    assert [path for path, _ in message_json(message)["refs"]] == [
        ["figure", "layout", "annotations"]
    ]


def test_forgetting_pieces_resends_them():
    sent = SentPieces()
    first = build_message(figure(), key="map", sent=sent)
    sent.use(first.referenced)
    sent.forget([first.referenced[0]])
    assert build_message(figure(), key="map", sent=sent).inline == first.referenced[:1]
    sent.forget()
    assert set(build_message(figure(), key="map", sent=sent).inline) == set(first.referenced)


def test_sent_pieces_keep_the_most_recently_used():
    sent = SentPieces(limit=3)
    sent.use(["a", "b", "c"])
    sent.use(["a", "d"])  # b is now the oldest and falls out
    assert list(sent.digests) == ["c", "a", "d"]
    assert "b" not in sent and "a" in sent


def test_a_message_with_many_pieces_raises_what_both_sides_keep():
    sent = SentPieces(limit=3)
    sent.use([f"piece{k}" for k in range(10)])
    assert len(sent.digests) == 10 and sent.limit == 10
    # The browser keeps at least twice what the server assumes it holds.
    script = (Path(chart_frontend) / "chart.js").read_text()
    assert f"const BROWSER_MEMORY = {BROWSER_MEMORY};" in script
    assert BROWSER_MEMORY >= 2 * SERVER_MEMORY
    assert "2 * message.refs.length" in script


def test_layout_defaults_keep_zoom_follow_the_column_and_report_clicks_anywhere():
    spec = decode_message(build_message(figure(), key="pg_race").data)
    layout = spec["figure"]["layout"]
    assert layout["uirevision"] == "pg_race"
    assert layout["height"] == 450 and "width" not in layout and layout["autosize"] is True
    assert layout["clickmode"] == "event" and layout["clickanywhere"] is True
    own = figure()
    own["layout"].update(uirevision="rosenbrock", width=900, height=700)
    layout = decode_message(build_message(own, key="pg_race").data)["figure"]["layout"]
    assert layout["uirevision"] == "rosenbrock" and "width" not in layout
    assert layout["height"] == 700
    assert decode_message(build_message(own, key="k", height=300).data)["height"] == 300


def test_the_callers_figure_is_never_modified():
    own = figure()
    before = json.dumps(own, default=lambda a: a.tolist())
    build_message(own, key="map")
    assert json.dumps(own, default=lambda a: a.tolist()) == before


def test_a_plotly_figure_and_its_dict_give_the_same_message():
    t = np.linspace(0, 1, 500, dtype=np.float32)
    fig = go.Figure(go.Scatter(x=t, y=t**2), layout={"title": {"text": "same"}})
    assert build_message(fig, key="k").data == build_message(fig.to_dict(), key="k").data
    with pytest.raises(TypeError, match="plotly Figure"):
        build_message([1, 2], key="k")


def test_figures_serialise_as_plotly_py_serialises_them():
    x = np.arange(50, dtype=np.int64)  # narrowed to int8 by both
    fig = go.Figure(
        data=[
            go.Scatter(x=x, y=np.where(x % 7 == 0, np.nan, x * 0.5), name="with gaps"),
            go.Heatmap(z=np.arange(12.0).reshape(3, 4), x=pd.Series([1.0, 2, 3, 4])),
            go.Scatter(x=[1, 2], y=[3, 4], text=["a", "b"]),
        ],
        layout={"title": {"text": "t"}, "xaxis": {"range": np.array([0.0, 49.0])}},
        frames=[go.Frame(name="0", data=[{"y": np.float32([1.5, 2.5])}], traces=[2])],
    )
    ours = json.loads(to_json(plain_figure(fig)))
    theirs = json.loads(pio.to_json(fig, validate=False))
    assert ours["data"] == theirs["data"]
    assert ours["frames"] == theirs["frames"]
    assert ours["layout"] == theirs["layout"]


@pytest.mark.parametrize(
    ("trace", "bundle"),
    [
        ("scatter", "cartesian"),
        ("heatmap", "cartesian"),
        ("surface", "gl3d"),
        ("scatter3d", "gl3d"),
    ],
)
def test_only_3d_traces_need_the_gl3d_bundle(trace, bundle):
    spec = plain_figure({"data": [{"type": "scatter"}, {"type": trace}]})
    assert bundle_of(spec) == bundle
    message = build_message({"data": [{"type": trace}]}, key="k")
    assert decode_message(message.data)["bundle"] == message.bundle == bundle


def test_a_trace_the_bundle_lacks_is_refused_by_name():
    cartesian = r"cartesian plotly\.js bundle draws heatmap, scatter traces, not bar:"
    with pytest.raises(ValueError, match=cartesian):
        bundle_of(plain_figure({"data": [{"type": "scatter"}, {"type": "bar"}]}))
    with pytest.raises(ValueError, match=r"gl3d plotly\.js bundle draws .*, not bar, heatmap:"):
        bundle_of(plain_figure({"data": [{"type": t} for t in ("bar", "surface", "heatmap")]}))


def test_non_finite_numbers_become_null_so_the_browser_can_parse_them():
    fig = {"data": [{"type": "scatter", "x": [1.0, float("nan")], "y": [float("inf"), 2]}]}
    data = decode_message(build_message(fig, key="k").data)["figure"]["data"][0]
    assert data["x"] == [1.0, None] and data["y"] == [None, 2]


@pytest.mark.parametrize("height", [0, -5, "tall", True])
def test_invalid_heights_are_refused(height):
    with pytest.raises(ValueError, match="Invalid chart height"):
        build_message({"data": []}, key="k", height=height)


# -- live sliders -----------------------------------------------------------------------------
def scrub(stops: int = 30, n: int = 1000, **overrides) -> Scrub:
    rng = np.random.default_rng(1)
    return Scrub(
        **{
            "name": "pg_adam_lr",
            "label": "Adam α",
            "values": np.geomspace(1e-3, 1, stops),
            "index": 4,
            "traces": {3: {"x": rng.normal(size=(stops, n)), "y": rng.normal(size=(stops, n))}},
            **overrides,
        }
    )


def test_scrub_stops_travel_as_one_float32_block_and_decode_per_stop():
    live = scrub()
    encoded = live.encode()
    assert encoded["index"] == 4 and encoded["label"] == "Adam α"
    assert encoded["text"][0] == "0.001" and len(encoded["values"]) == 30
    block = encoded["stops"]
    assert len(base64.b64decode(block["bdata"])) == 30 * 2 * 1000 * 4  # float32
    stops = decode_stops(block)
    assert len(stops) == 30
    for stop in (0, 17, 29):
        for name in ("x", "y"):
            expected = np.asarray(live.traces[3][name][stop], dtype=np.float32)
            assert np.array_equal(stops[stop][3][name], expected)


def test_an_array_the_same_at_every_stop_travels_once_and_decodes_into_each():
    steps = np.arange(200.0)
    rng = np.random.default_rng(2)
    live = Scrub(
        name="b2",
        label="β2",
        values=[0.99, 0.999, 0.9999],
        index=1,
        traces={1: {"x": [steps] * 3, "y": rng.normal(size=(3, 200))}, 4: {"x": [steps] * 3}},
    )
    block = live.encode()["stops"]
    # Three stops, a window: each stop's arrays apart, whole (its own, whatever the others).
    assert block["attrs"] == [["x", "y"], ["x"]]
    sizes = [len(base64.b64decode(stop["bdata"])) for stop in block["each"]]
    assert sizes == [3 * 200 * 4] * 3
    assert block["each"][0]["shapes"] == [[200], [200], [200]]
    # Thirty stops, a whole slider: one block, the arrays the same at every stop once.
    traces = {1: {"x": [steps] * 30, "y": rng.normal(size=(30, 200))}}
    many = replace(live, values=np.arange(30.0), index=0, traces=traces).encode()["stops"]
    assert many["shared"] == [[0, "x", [200]]] and many["attrs"] == [["y"]]
    assert len(base64.b64decode(many["bdata"])) == (200 + 30 * 200) * 4
    assert np.array_equal(decode_stops(many)[29][1]["x"], steps)
    stops = decode_stops(block)
    assert len(stops) == 3
    for stop in range(3):
        assert np.array_equal(stops[stop][1]["x"], steps)
        assert np.array_equal(stops[stop][4]["x"], steps)
        assert np.array_equal(stops[stop][1]["y"], live.traces[1]["y"][stop].astype(np.float32))


def test_a_window_of_stops_that_moves_by_one_sends_one_new_stop():
    rates = [0.01, 0.015, 0.02, 0.03, 0.05]
    rng = np.random.default_rng(3)
    paths = {v: rng.normal(size=500).astype(np.float32) for v in rates}  # the same every time

    def message(first: int, sent: SentPieces):
        at = rates[first : first + 3]
        live = Scrub(
            name="ia_adam_lr",
            label="α",
            values=at,
            index=1,
            traces={0: {"y": [paths[v] for v in at]}},
            layout={"title.text": [f"α = {v}" for v in at]},
        )
        fig = {"data": [{"type": "scatter", "y": paths[at[1]]}], "layout": {}}
        return build_message(fig, key="k", scrubs=[live], sent=sent)

    sent = SentPieces()
    first = message(0, sent)
    sent.use(first.referenced)
    paths_of = [path for path, _ in message_json(first)["refs"]]
    assert ["scrub", 0, "stops", "each", 2] in paths_of
    moved = message(1, sent)  # 0.015, 0.02, 0.03: two stops already in the browser
    sizes = {name: len(json.dumps(piece)) for name, piece in message_json(moved)["pieces"].items()}
    assert len(sizes) == 2  # the new stop, and the figure's new path (its y)
    assert all(size < 3_000 for size in sizes.values())
    cache: dict = {}
    decode_message(first.data, cache)
    rebuilt = decode_message(moved.data, cache)
    assert rebuilt == decode_message(message(1, SentPieces()).data)
    stops = decode_stops(rebuilt["scrub"][0]["stops"])
    for stop, value in enumerate(rates[1:4]):
        assert np.array_equal(stops[stop][0]["y"], paths[value].astype(np.float32))
    assert rebuilt["scrub"][0]["stops"]["layout"]["title.text"][2] == "α = 0.03"


def test_compact_stops_travel_as_float16_unless_a_value_does_not_fit():
    live = scrub(compact=True)
    block = live.encode()["stops"]
    assert block["dtype"] == "<f2"
    assert len(base64.b64decode(block["bdata"])) == 30 * 2 * 1000 * 2  # half of float32
    stops = decode_stops(block)
    expected = np.asarray(live.traces[3]["x"][7], dtype=np.float32)
    np.testing.assert_allclose(stops[7][3]["x"], expected, rtol=2**-11, atol=2**-24)
    assert not np.array_equal(stops[7][3]["x"], expected)  # rounded, not the same
    for wide in (7e4, -np.inf):
        x = np.zeros((30, 4))
        x[3, 2] = wide
        assert scrub(traces={0: {"x": x}}, compact=True).encode()["stops"]["dtype"] == "<f4"
    gaps = np.zeros((30, 4))
    gaps[3, 2] = np.nan  # a gap in a line, a diverged cell: float16 has NaN
    block = scrub(traces={0: {"x": gaps}}, compact=True).encode()["stops"]
    assert block["dtype"] == "<f2" and np.isnan(decode_stops(block)[3][0]["x"][2])
    assert scrub().encode()["stops"]["dtype"] == "<f4"


def test_scrub_stops_may_differ_in_length_and_span_several_traces():
    paths = [np.arange(k + 2, dtype=float) for k in range(3)]
    live = Scrub(
        name="beta1",
        label="β1",
        values=[0.8, 0.9, 0.99],
        index=1,
        traces={2: {"x": paths, "y": paths}, 5: {"x": [[k] for k in range(3)]}},
        text=["0.8", "0.9", "0.99"],
    )
    stops = decode_stops(live.encode()["stops"])
    assert [len(stop[2]["x"]) for stop in stops] == [2, 3, 4]
    assert [float(stop[5]["x"][0]) for stop in stops] == [0.0, 1.0, 2.0]


def test_scrub_stops_may_be_2d_like_a_heatmaps_z():
    z = np.arange(3 * 4 * 5, dtype=float).reshape(3, 4, 5)
    live = Scrub(name="shift", label="shift", values=[0, 1, 2], index=0, traces={0: {"z": z}})
    stops = decode_stops(live.encode()["stops"])
    assert [stop[0]["z"].shape for stop in stops] == [(4, 5)] * 3
    assert np.array_equal(stops[2][0]["z"], z[2])


def test_scrub_data_is_a_piece_sent_once_while_its_index_travels_every_time():
    sent = SentPieces()
    first = build_message(figure(), key="map", scrubs=[scrub()], sent=sent)
    sent.use(first.referenced)
    moved = build_message(figure(), key="map", scrubs=[scrub(index=9)], sent=sent)
    assert moved.inline == ()  # same stops: by reference
    body = decode_message(moved.data, {**json.loads(first.data)["pieces"]})
    assert body["scrub"][0]["index"] == 9
    assert first.frame_height == 450 + SCRUB_ROW_HEIGHT


def test_a_scrub_may_rename_legend_entries_and_titles_follow_the_page_and_hide_its_row():
    plain = scrub().encode()
    assert (plain["stops"]["names"], plain["follows"], plain["row"]) == ({}, False, True)
    names = [f"Adam (α={v:.3g})" for v in np.geomspace(1e-3, 1, 30)]
    titles = [f"at {k}" for k in range(30)]
    following = scrub(
        names={3: names}, layout={"title.subtitle.text": titles}, follows=True, row=False
    ).encode()
    assert following["stops"]["names"] == {"3": names}  # with the arrays: one piece
    assert following["stops"]["layout"] == {"title.subtitle.text": titles}
    # A slider not drawn takes no room under the plot.
    hidden = build_message(figure(), key="c", scrubs=[scrub(row=False), scrub(name="b")])
    assert hidden.frame_height == 450 + SCRUB_ROW_HEIGHT
    assert (following["follows"], following["row"]) == (True, False)
    assert json.loads(json.dumps(following)) == following  # strict JSON as it is


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"names": {3: ["one name"]}}, "1 names, not 30"),
        ({"layout": {"title.text": ["a", "b"]}}, "title.text: 2 names, not 30"),
        ({"values": [1.0]}, "at least 2"),
        ({"index": 30}, "Invalid scrub index"),
        ({"index": -1}, "Invalid scrub index"),
        ({"text": ["a"]}, "Invalid scrub text"),
        ({"traces": {0: {"x": np.zeros((29, 4))}}}, "29 stops, not 30"),
        ({"traces": {0: {}}}, "no trace data"),
        ({"traces": {0: {"z": np.zeros((30, 2, 2, 2))}}}, "3-D at a stop"),
    ],
)
def test_invalid_scrubs_are_refused_with_the_reason(overrides, problem):
    with pytest.raises(ValueError, match=problem):
        scrub(**overrides).encode()


# -- what the browser sends back ------------------------------------------------------------
def test_a_click_on_a_point_and_one_on_empty_area_parse_to_clicks():
    point = parse_click(
        {
            "x": 1.5,
            "y": 15.0,
            "curve": 0,
            "point": [5, 3],
            "z": 53,
            "customdata": [1, "a"],
            "pointer": {"x": 1.41, "y": 15.2},
            "subplot": "xy",
            "n": 2,
        }
    )
    assert point == {
        "x": 1.5,
        "y": 15.0,
        "curve": 0,
        "point": [5, 3],
        "z": 53.0,
        "customdata": [1, "a"],
        "pointer": {"x": 1.41, "y": 15.2},
        "subplot": "xy",
        "n": 2,
    }
    empty = parse_click({"x": 0.25, "y": -1, "pointer": {"x": 0.25, "y": -1}, "n": 3})
    assert empty["curve"] is None and empty["point"] is None and empty["x"] == 0.25
    assert parse_click("nope") is None


def test_browser_values_are_not_trusted():
    junk = parse_click(
        {
            "x": float("inf"),
            "y": "2026-01-01",
            "curve": True,
            "point": "3",
            "z": "53",
            "customdata": {"nested": "object"},
            "pointer": [1, 2],
            "subplot": "x" * 500,
            "n": "7",
        }
    )
    assert junk == {
        "x": None,
        "y": "2026-01-01",  # a date axis
        "curve": None,
        "point": None,
        "z": None,
        "customdata": None,
        "pointer": {"x": None, "y": None},
        "subplot": "xy",
        "n": 0,
    }
    assert parse_scrub({"alpha": 0.03, "beta": "x", "gamma": float("nan"), "b": True}) == {
        "alpha": 0.03
    }
    assert parse_scrub(None) == {}


def test_events_say_what_happened_last():
    assert parse_event(None)["kind"] == ""
    assert parse_event({"event": "rm -rf"})["kind"] == ""
    resync = parse_event({"event": "resync", "need": ["ab12", 5, "x" * 100]})
    assert resync["kind"] == "resync" and resync["need"] == ["ab12"]
    released = parse_event({"event": "scrub", "scrub": {"pg_adam_lr": 0.01}})
    assert released["scrub"] == {"pg_adam_lr": 0.01} and released["click"] is None


@given(st.recursive(st.none() | st.booleans() | st.floats() | st.text(), st.lists, max_leaves=20))
def test_any_json_from_the_browser_parses_without_error(raw):
    for value in (raw, {"event": "click", "click": raw, "scrub": raw, "need": raw}):
        event = parse_event(value)
        assert event["kind"] in ("", "click", "scrub", "resync")
        parse_click(raw)
        parse_scrub(raw)
