"""What the chart sends to the browser and what the browser sends back, without Streamlit.

A chart message is one UTF-8 JSON document (sent as bytes, so nothing is escaped twice):

    {"refs":   [[path, digest], ...],       # where each large piece goes in "body"
     "pieces": {digest: piece, ...},        # only the pieces the browser does not hold yet
     "body":   {"figure": {"data", "layout", "frames"}, "config", "height", "bundle",
                "scrub": [...]}}            # the rest; null where a piece goes

Large pieces — a trace's large attribute (x, y, z, customdata, ...) and what is left of a
large trace, a `layout.images[i].source` picture, the frame list, a large layout entry, a
scrub's stop data (a window's stops each apart) — are named by a digest of their JSON. The
browser keeps the pieces of each chart (`BROWSER_MEMORY` of them, least recently used out),
and the server remembers which it sent (`SERVER_MEMORY`, fewer), so a rerun that changes
only one path resends that path and refers to the picture and the other paths by digest. A
browser that lacks a piece (a new session, a remounted chart, a lost message) asks for it:
the component value then carries `{"event": "resync", "need": [digests]}` and the next run
sends them.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import math
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np
from _plotly_utils.utils import PlotlyJSONEncoder
from plotly.basedatatypes import BaseFigure

PIECE_CHARS = 2048  # JSON at least this long travels once, then by reference
# A trace's large attributes are pieces of their own: a map's paths and stops under a handful
# of recent settings come to a few dozen pieces.
SERVER_MEMORY = 64  # pieces per chart the server assumes the browser still holds (at least)
BROWSER_MEMORY = 128  # pieces per chart the browser keeps (at least): twice the server's
DEFAULT_HEIGHT = 450
SCRUB_ROW_HEIGHT = 40  # pixels per live slider under the plot
THREE_D_TRACES = frozenset(
    {"surface", "scatter3d", "mesh3d", "cone", "streamtube", "isosurface", "volume"}
)
# What the vendored 2-D bundle draws (ui/chart/build/entry.js): the app needs no other trace.
TWO_D_TRACES = frozenset({"scatter", "heatmap"})

PiecePath = tuple[str | int, ...]  # where a piece goes in a message's body


# -- figure ---------------------------------------------------------------------------------
# Plotly.py leaves arrays under these keys as lists (`_plotly_utils.utils.is_skipped_key`).
_LIST_KEYS = frozenset({"geojson", "layer", "layers", "range"})


def _plain(value: Any, key: object = None) -> Any:
    """A JSON-ready copy of `value`: containers copied, NumPy and pandas arrays as plotly.js
    typed-array specs (`{"dtype", "bdata"}`, as plotly.py sends them), NaN and ±inf as None.

    One pass, where `Figure.to_dict()` deep-copies everything and then walks it again.
    """
    if isinstance(value, dict):
        return {k: _plain(v, k) for k, v in value.items()}
    if type(value) is list and all(type(v) is float and v - v == 0 for v in value):
        return value.copy()  # finite floats only (an animation frame's points): as they are
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str | int | bool) or value is None:
        return value
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):
        value = value.to_numpy()  # pandas Series or Index
    if isinstance(value, np.ndarray):
        spec = _typed_array(value) if key not in _LIST_KEYS else None
        return spec if spec is not None else _plain(value.tolist())
    if isinstance(value, np.generic):
        return _plain(value.item())
    return value  # dates and the like: the JSON encoder turns them into text


_DTYPES = {
    "int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2",
    "int32": "i4", "uint32": "u4", "float32": "f4", "float64": "f8",
}  # fmt: skip


def _typed_array(array: np.ndarray) -> dict[str, str] | None:
    """plotly.js's typed-array spec of `array`, as `to_typed_array_spec` of plotly.py 7 makes
    it (64-bit integers narrowed to the smallest type that holds them), or None for arrays
    plotly.js cannot take that way (empty, 0-d, strings, objects, dates, huge integers)."""
    if array.ndim == 0 or array.size == 0:
        return None
    if array.dtype.kind in "iu" and array.dtype.itemsize == 8:
        low, high = array.min(), array.max()
        for kind in ("int8", "uint8", "int16", "uint16", "int32", "uint32"):
            info = np.iinfo(kind)
            if array.dtype.kind == kind[0] and info.min <= low and high <= info.max:
                array = array.astype(kind)
                break
    dtype = _DTYPES.get(str(array.dtype))
    if dtype is None:
        return None
    data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    spec = {"dtype": dtype, "bdata": base64.b64encode(data.tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = str(array.shape)[1:-1]
    return spec


def plain_figure(fig: Any) -> dict[str, Any]:
    """`fig` (a plotly Figure or its dict) as new plain dicts, ready for JSON.

    The caller's figure is never modified. A Figure is read from the records `to_dict()`
    reads (plotly.py 7), without its deep copy.
    """
    if isinstance(fig, BaseFigure):
        spec = {
            "data": fig._data,
            "layout": fig._layout,
            "frames": [frame._props for frame in fig._frame_objs],
        }
    elif isinstance(fig, Mapping):
        spec = fig
    else:
        raise TypeError(f"chart() takes a plotly Figure or its dict, not {type(fig).__name__}")
    return {
        "data": _plain(list(spec.get("data") or [])),
        "layout": _plain(dict(spec.get("layout") or {})),
        "frames": _plain(list(spec.get("frames") or [])),
    }


def bundle_of(spec: Mapping[str, Any]) -> str:
    """ "gl3d" when a trace needs WebGL 3-D (surface, scatter3d, ...), else "cartesian"; a
    trace type the chosen bundle lacks is refused here, not left blank in the browser."""
    types = {trace.get("type", "scatter") for trace in spec["data"]}
    if types & THREE_D_TRACES:
        bundle, drawn = "gl3d", THREE_D_TRACES | {"scatter"}
    else:
        bundle, drawn = "cartesian", TWO_D_TRACES
    missing = types - drawn
    if missing:
        raise ValueError(
            f"the chart's {bundle} plotly.js bundle draws {', '.join(sorted(drawn))} traces, "
            f"not {', '.join(sorted(missing))}: the 2-D one is built from "
            "ui/chart/build/entry.js (add the trace there and to TWO_D_TRACES, then run "
            "ui/chart/refresh.py)"
        )
    return bundle


def plot_height(layout: Mapping[str, Any], height: int | None) -> int:
    """The plot's height in pixels: the argument, else `layout.height`, else 450."""
    value = height if height is not None else layout.get("height", DEFAULT_HEIGHT)
    if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"Invalid chart height: {value!r} (must be a positive number)")
    return round(value)


def prepare_layout(layout: dict[str, Any], *, key: str, height: int) -> None:
    """Adjust a figure's layout, in place, to how the chart draws it.

    - `uirevision` defaults to the chart's key, so zoom, pan and legend clicks survive
      updates; a figure changes its own `uirevision` to reset the view.
    - The width follows the column (`width` dropped); the height is fixed.
    - A click reports where it landed even on empty plot area (`clickanywhere`) and never
      selects points (`clickmode: "event"`): a selection would dim the other points.
    """
    layout.setdefault("uirevision", key)
    layout.pop("width", None)
    layout["autosize"] = True
    layout["height"] = height
    layout["clickmode"] = "event"
    layout["clickanywhere"] = True


# -- pieces and digests ---------------------------------------------------------------------
def to_json(value: Any) -> str:
    """Compact JSON of a value from `_plain` (so already without NaN or ±inf)."""
    return json.dumps(
        value, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_encode_other
    )


def _encode_other(value: Any) -> Any:
    # Dates, decimals and the like, the way plotly.py encodes them.
    return PlotlyJSONEncoder().default(value)


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


@dataclass(frozen=True)
class Piece:
    path: PiecePath
    digest: str
    text: str  # the piece's JSON


def split_pieces(body: dict[str, Any], limit: int = PIECE_CHARS) -> list[Piece]:
    """Move every large part of `body` into a Piece, leaving None in its place.

    Large parts: a trace's large attribute (its x, its customdata, ...) and then what is left
    of the trace, an image's `source`, another top-level layout entry, the whole frame list,
    and a scrub's stop data (each stop of a window apart, then the rest). A trace whose hover
    values stay while its z changes sends only its z again; a window of stops that moves by
    one sends one stop. The pieces are in the order they are put back: a trace before its
    attributes, a scrub's stop data before its stops.
    """
    pieces: list[Piece] = []

    def take(container: Any, index: str | int, path: PiecePath) -> None:
        text = to_json(container[index])
        if len(text) >= limit:
            pieces.append(Piece(path, digest(text), text))
            container[index] = None

    figure = body["figure"]
    for index, trace in enumerate(figure["data"]):
        path = ("figure", "data", index)
        attributes = []
        if isinstance(trace, dict):
            for name in list(trace):
                before = len(pieces)
                take(trace, name, (*path, name))
                attributes += pieces[before:]
                del pieces[before:]
        take(figure["data"], index, path)
        pieces.extend(attributes)
    layout = figure["layout"]
    for name in list(layout):
        if name == "images" and isinstance(layout[name], list):
            for index, image in enumerate(layout[name]):
                if isinstance(image, dict) and isinstance(image.get("source"), str):
                    path = ("figure", "layout", "images", index, "source")
                    take(image, "source", path)
        else:
            take(layout, name, ("figure", "layout", name))
    if figure["frames"]:
        take(figure, "frames", ("figure", "frames"))
    for index, scrub in enumerate(body.get("scrub", [])):
        path = ("scrub", index, "stops")
        each = scrub["stops"].get("each", [])
        before = len(pieces)
        for stop in range(len(each)):
            take(each, stop, (*path, "each", stop))
        stops = pieces[before:]
        del pieces[before:]
        take(scrub, "stops", path)
        pieces.extend(stops)
    return pieces


@dataclass
class SentPieces:
    """The digests a chart's browser received lately, least recently used first."""

    limit: int = SERVER_MEMORY
    digests: OrderedDict[str, None] = field(default_factory=OrderedDict)

    def __contains__(self, key: object) -> bool:
        return key in self.digests

    def use(self, keys: Sequence[str]) -> None:
        """`keys` went to the browser (or were referred to) just now."""
        # A message with more pieces than the limit raises it: the browser keeps at least
        # twice as many as its largest message refers to.
        self.limit = max(self.limit, len(keys))
        for key in keys:
            self.digests[key] = None
            self.digests.move_to_end(key)
        while len(self.digests) > self.limit:
            self.digests.popitem(last=False)

    def forget(self, keys: Iterable[str] | None = None) -> None:
        """Forget `keys` (all when None): the next message sends them again."""
        if keys is None:
            self.digests.clear()
        for key in keys or ():
            self.digests.pop(key, None)


@dataclass(frozen=True)
class Message:
    data: bytes  # the JSON document the browser receives
    rev: str  # what the browser draws: equal revs draw equal figures
    referenced: tuple[str, ...]  # every piece digest the message uses
    inline: tuple[str, ...]  # the digests whose pieces travel in this message
    frame_height: int  # plot plus live sliders, in pixels
    bundle: str


# -- live scrubbing -------------------------------------------------------------------------
COMPACT_LIMIT = 60_000.0  # below float16's largest finite value, 65 504
EACH_STOP_LIMIT = 8  # a scrub with at most this many stops (a window) sends each stop apart


@dataclass(frozen=True)
class Scrub:
    """A slider drawn by the chart itself, with every stop's data sent ahead.

    Dragging it swaps the stop's arrays into the given traces in the browser, at display
    rate and without a rerun; releasing it reruns the script once and reports
    `{name: values[stop]}` (to `on_scrub` and in the chart's value).

    name:    what the released value is reported under (e.g. the widget key it mirrors).
    label:   shown before the value, e.g. "Adam α".
    values:  the stop values, in slider order.
    index:   the stop the slider shows now (the stop nearest the widget's value).
    traces:  trace index -> attribute -> one array per stop: a (stops, n) array or a list of
             `stops` 1-D arrays (lengths may differ), e.g. {3: {"x": xs, "y": ys}}; or 2-D
             arrays per stop, e.g. a heatmap's {"z": (stops, rows, columns)}. Sent as float32,
             or as float16 with `compact`.
    text:    the label of each stop (default: the value with 4 significant digits).
    names:   trace index -> its legend name at each stop, for legend entries that show the
             value (e.g. "Adam (α=0.02, …)").
    layout:  layout attribute (a Plotly.relayout path such as "title.subtitle.text") -> its
             text at each stop, for titles that show the value. Names and texts change on a
             move of the slider, not during a drag (the rerun's figure has them after it).
    follows: the page's Streamlit slider keyed `name` moves this one too: its thumb redraws
             the chart at once, before the rerun it starts (its shown values must be `text`).
             Every chart with a live slider of the same name also follows a drag of this one.
    row:     draw the slider under the plot (False: the chart only follows, as above).
    compact: send the stops as float16 (half the bytes, about 3 significant digits: a
             thousandth of a map's width, a fraction of a pixel) when every value fits in
             ±COMPACT_LIMIT (NaN too); not for values that span decades, like a loss.
    """

    name: str
    label: str
    values: Sequence[float]
    index: int
    traces: Mapping[int, Mapping[str, Any]]
    text: Sequence[str] | None = None
    names: Mapping[int, Sequence[str]] = field(default_factory=dict)
    layout: Mapping[str, Sequence[str]] = field(default_factory=dict)
    follows: bool = False
    row: bool = True
    compact: bool = False

    def encode(self) -> dict[str, Any]:
        """JSON-ready: meta data inline, all stops' arrays in one base64 block (float32, or
        float16 when `compact` and every value fits)."""
        values = [float(v) for v in self.values]
        stops = len(values)
        if stops < 2:
            raise ValueError(f"Invalid scrub {self.name!r}: {stops} stops (needs at least 2)")
        if not 0 <= self.index < stops:
            raise ValueError(f"Invalid scrub index: {self.index} (must be in [0, {stops}))")
        text = list(self.text) if self.text is not None else [f"{v:.4g}" for v in values]
        if len(text) != stops:
            raise ValueError(f"Invalid scrub text: {len(text)} labels for {stops} stops")
        traces = [int(t) for t in self.traces]
        if not any(self.traces.values()):
            raise ValueError(f"Invalid scrub {self.name!r}: no trace data to swap")
        arrays: list[list[tuple[str, list[np.ndarray]]]] = []  # per trace: (attr, per stop)
        for trace in self.traces.values():
            arrays.append([])
            for name, per_stop in trace.items():
                if len(per_stop) != stops:
                    raise ValueError(
                        f"Invalid scrub data {name!r}: {len(per_stop)} stops, not {stops}"
                    )
                at_stops = [np.asarray(a, dtype=np.float32) for a in per_stop]
                for array in at_stops:
                    if array.ndim not in (1, 2):
                        raise ValueError(
                            f"Invalid scrub data {name!r}: {array.ndim}-D at a stop (1-D or 2-D)"
                        )
                arrays[-1].append((name, at_stops))
        names = {str(int(t)): [str(n) for n in per_stop] for t, per_stop in self.names.items()}
        texts = {str(path): [str(t) for t in per_stop] for path, per_stop in self.layout.items()}
        for what, texts_per_stop in [*names.items(), *texts.items()]:
            if len(texts_per_stop) != stops:
                raise ValueError(
                    f"Invalid scrub names for {what}: {len(texts_per_stop)} names, not {stops}"
                )
        block: dict[str, Any] = {
            "count": stops,
            # Texts per stop travel with the arrays: both change when another setting does.
            "names": names,
            "layout": texts,
            "traces": traces,
        }
        if stops <= EACH_STOP_LIMIT:
            # A window of stops around a value moves by one stop as the value does: each
            # stop's arrays are a piece of their own (split_pieces) that does not depend on
            # the other stops, so only the new stop travels.
            block["attrs"] = [[name for name, _ in entries] for entries in arrays]
            block["each"] = [
                self._arrays([at_stops[stop] for entries in arrays for _, at_stops in entries])
                for stop in range(stops)
            ]
        else:
            block.update(self._block(arrays, stops))
        return {
            "name": self.name,
            "label": self.label,
            "values": values,
            "text": [str(t) for t in text],
            "index": int(self.index),
            "follows": bool(self.follows),
            "row": bool(self.row),
            "stops": block,
        }

    def _dtype(self, data: np.ndarray) -> str:
        # float16 holds NaN (a gap in a line or a heatmap) but not a value beyond ±65 504.
        fits = bool(np.all(np.isnan(data) | (np.abs(data) <= COMPACT_LIMIT)))
        return "<f2" if self.compact and fits else "<f4"

    def _arrays(self, arrays: list[np.ndarray]) -> dict[str, Any]:
        """One stop's arrays, trace by trace: {"dtype", "shapes", "bdata"}."""
        data = np.concatenate([a.ravel() for a in arrays]) if arrays else np.zeros(0, np.float32)
        dtype = self._dtype(data)
        return {
            "dtype": dtype,
            "shapes": [list(a.shape) for a in arrays],
            "bdata": base64.b64encode(data.astype(dtype).tobytes()).decode("ascii"),
        }

    def _block(self, arrays: list[list[tuple[str, list[np.ndarray]]]], stops: int) -> dict:
        """Every stop's arrays in one block: an array the same at every stop (a curve's
        steps) once, ahead of the rest."""
        shared, blocks = [], []
        attrs: list[list[str]] = []
        for j, entries in enumerate(arrays):
            attrs.append([])
            for name, at_stops in entries:
                first = at_stops[0]
                if all(a.shape == first.shape and np.array_equal(a, first) for a in at_stops):
                    shared.append([j, name, list(first.shape)])
                    blocks.append(first.ravel())
                else:
                    attrs[-1].append(name)
        shapes = []
        for stop in range(stops):
            for entries, names in zip(arrays, attrs, strict=True):
                for name, at_stops in entries:
                    if name in names:
                        blocks.append(at_stops[stop].ravel())
                        shapes.append(list(at_stops[stop].shape))
        data = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
        dtype = self._dtype(data)
        return {
            "shared": shared,  # [index into traces, attribute, shape]: the same at every stop
            "attrs": attrs,  # per trace, the attributes that differ from stop to stop
            "shapes": shapes,
            "dtype": dtype,
            "bdata": base64.b64encode(data.astype(dtype).tobytes()).decode("ascii"),
        }


def decode_stops(stops: Mapping[str, Any]) -> list[dict[int, dict[str, np.ndarray]]]:
    """The inverse of the stop block of `Scrub.encode`: per stop, trace -> attr -> array."""

    def reader(bdata: str, dtype: str) -> Any:
        data = np.frombuffer(base64.b64decode(bdata), dtype=dtype).astype(np.float32)
        offset = 0

        def take(shape: list[int]) -> np.ndarray:
            nonlocal offset
            size = int(np.prod(shape))
            offset += size
            return data[offset - size : offset].reshape(shape)

        return take

    traces, attrs = stops["traces"], stops["attrs"]
    if "each" in stops:  # a window: each stop apart
        result = []
        for piece in stops["each"]:
            take = reader(piece["bdata"], piece["dtype"])
            shapes = iter(piece["shapes"])
            result.append(
                {
                    trace: {n: take(next(shapes)) for n in names}
                    for trace, names in zip(traces, attrs, strict=True)
                }
            )
        return result
    take = reader(stops["bdata"], stops["dtype"])
    shared = [(traces[j], name, take(shape)) for j, name, shape in stops["shared"]]
    shapes = iter(stops["shapes"])
    result = []
    for _ in range(stops["count"]):
        stop = {trace: {} for trace in traces}
        for trace, names in zip(traces, attrs, strict=True):
            for name in names:
                stop[trace][name] = take(next(shapes))
        for trace, name, array in shared:
            stop[trace][name] = array
        result.append(stop)
    return result


# -- the message ----------------------------------------------------------------------------
def build_message(
    fig: Any,
    *,
    key: str,
    config: Mapping[str, Any] | None = None,
    height: int | None = None,
    scrubs: Sequence[Scrub] = (),
    sent: SentPieces | Iterable[str] = (),
    limit: int = PIECE_CHARS,
) -> Message:
    """The message that draws `fig` in the chart `key`, given the pieces already `sent`."""
    spec = plain_figure(fig)
    pixels = plot_height(spec["layout"], height)
    prepare_layout(spec["layout"], key=key, height=pixels)
    bundle = bundle_of(spec)
    body = {
        "figure": spec,
        "config": {"displaylogo": False, **(config or {})},
        "height": pixels,
        "bundle": bundle,
        "scrub": [scrub.encode() for scrub in scrubs],
    }
    pieces = split_pieces(body, limit)
    refs = [[list(piece.path), piece.digest] for piece in pieces]
    body_text, refs_text = to_json(body), to_json(refs)
    inline = {p.digest: p.text for p in pieces if p.digest not in sent}
    text = (
        '{"refs":' + refs_text + ',"pieces":{'
        + ",".join(f'"{name}":{piece}' for name, piece in inline.items())
        + '},"body":' + body_text + "}"
    )  # fmt: skip
    return Message(
        data=text.encode(),
        rev=digest(refs_text + body_text),
        referenced=tuple(dict.fromkeys(p.digest for p in pieces)),
        inline=tuple(inline),
        frame_height=pixels + SCRUB_ROW_HEIGHT * sum(scrub.row for scrub in scrubs),
        bundle=bundle,
    )


def decode_message(data: bytes, cache: dict[str, Any] | None = None) -> dict[str, Any]:
    """The body of a message with every piece in place, as the browser rebuilds it.

    `cache` (digest -> piece) plays the browser's memory across messages: it gains this
    message's pieces, and references to pieces it lacks raise KeyError. For tests, e.g. of a
    page under AppTest.
    """
    message = json.loads(data)
    cache = {} if cache is None else cache
    cache.update(message["pieces"])
    body = message["body"]
    for path, name in message["refs"]:
        target = body
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = copy.deepcopy(cache[name])
    return body


# -- what the browser sends back ------------------------------------------------------------
class Click(TypedDict):
    """A click on the plot, in data coordinates.

    x, y:     the clicked point's coordinates when the click hit a trace's point (for a
              heatmap, the cell's x and y), else where the pointer was.
    curve:    the trace index of the point hit, or None on empty plot area.
    point:    the point's index in its trace (a heatmap cell: [row, column]), or None.
    z:        the point's z (heatmaps, contours), or None.
    customdata: the point's customdata, or None.
    pointer:  {"x", "y"}: where the pointer was, in data coordinates, always.
    subplot:  the axes clicked, e.g. "xy" or "x2y2".
    n:        how many clicks this chart has reported (tells a new click from an old one).
    """

    x: float | str | None
    y: float | str | None
    curve: int | None
    point: int | list[int] | None
    z: float | None
    customdata: Any
    pointer: dict[str, float | str | None]
    subplot: str
    n: int


def _coordinate(value: Any) -> float | str | None:
    """A number (finite) or a short string (date or category axes); anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str) and len(value) <= 200:
        return value
    return None


def _index(value: Any) -> int | list[int] | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if (
        isinstance(value, list)
        and 0 < len(value) <= 3
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return list(value)
    return None


def _simple(value: Any, depth: int = 0) -> Any:
    """JSON scalars, or short lists of them, from the browser; anything else is None."""
    if value is None or isinstance(value, bool | int | float | str):
        return _coordinate(value) if isinstance(value, float) else value
    if isinstance(value, list) and len(value) <= 50 and depth < 2:
        return [_simple(v, depth + 1) for v in value]
    return None


def parse_click(raw: Any) -> Click | None:
    """A Click from the browser's report, with types checked; None if it is not one.

    The value comes from the browser, so nothing in it is trusted: unknown keys are dropped,
    numbers must be finite, strings short.
    """
    if not isinstance(raw, Mapping):
        return None
    pointer = raw.get("pointer") if isinstance(raw.get("pointer"), Mapping) else {}
    n = raw.get("n")
    curve = raw.get("curve")
    subplot = raw.get("subplot")
    return Click(
        x=_coordinate(raw.get("x")),
        y=_coordinate(raw.get("y")),
        curve=curve if isinstance(curve, int) and not isinstance(curve, bool) else None,
        point=_index(raw.get("point")),
        z=_coordinate(raw.get("z")) if not isinstance(raw.get("z"), str) else None,
        customdata=_simple(raw.get("customdata")),
        pointer={"x": _coordinate(pointer.get("x")), "y": _coordinate(pointer.get("y"))},
        subplot=subplot if isinstance(subplot, str) and len(subplot) <= 20 else "xy",
        n=n if isinstance(n, int) and not isinstance(n, bool) else 0,
    )


def parse_scrub(raw: Any) -> dict[str, float]:
    """{name: value} of a released live slider; entries that are not finite numbers dropped."""
    if not isinstance(raw, Mapping):
        return {}
    return {
        str(name)[:200]: float(value)
        for name, value in raw.items()
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    }


class Event(TypedDict):
    kind: str  # "click", "scrub", "resync" or "" (nothing new)
    click: Click | None
    scrub: dict[str, float]
    need: list[str]


def parse_event(raw: Any) -> Event:
    """What the browser reported last: its value is {"event", "click", "scrub", "need", ...}."""
    if not isinstance(raw, Mapping):
        return Event(kind="", click=None, scrub={}, need=[])
    kind = raw.get("event") if raw.get("event") in ("click", "scrub", "resync") else ""
    need = raw.get("need")
    return Event(
        kind=kind,
        click=parse_click(raw.get("click")),
        scrub=parse_scrub(raw.get("scrub")),
        need=[n for n in need if isinstance(n, str) and len(n) <= 64][:500]
        if isinstance(need, list)
        else [],
    )
