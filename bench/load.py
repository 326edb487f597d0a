"""Load test of a class: simulated students on the Playground, over Streamlit's own websocket
protocol (no browser competes for the CPU).

    python bench/load.py --students 10                  # one process, started here, 60 s
    python bench/load.py --students 30 --processes 2    # two processes behind nginx
    python bench/load.py --table                        # 1, 10, 30 students x 1, 2 processes
    python bench/load.py --table --gc both              # ... each with post-run GC on and off
    python bench/load.py --students 30 --processes 2 --static both   # static files from nginx
                                                        # (the class's setup) or Streamlit
    python bench/load.py --url http://127.0.0.1:8500 --server-pid 4242 --server-pid 4243

Each student opens the Playground (`/`) the way the browser does (GET /, the files the page
names and the chart's files over six connections, gzip accepted; the health and host-config
checks, then the websocket `/_stcore/stream` and a `rerun_script` BackMsg with the query
string and page), waits for the first run to finish, then every `--interval` ±
`--jitter` seconds moves a slider: Adam's α (`pg_adam_lr`, a select-slider over
ui.hyperparameters.LEARNING_RATES, one to three stops) or the step count (`pg_steps`). A change
is a rerun BackMsg carrying every widget's current state (as the browser's widget manager sends
them), and its latency is the time from sending it to the rerun's `script_finished` message,
the last message of the run. Errors: exception elements in the deltas, compile errors,
disconnects, and changes that take longer than `--timeout`.

Reports p50/p95/max latency, changes, errors, first-load times (the first run over the
websocket, and the whole page load from its first request), the server's RSS (VmRSS summed
over the Streamlit processes and their children, sampled every 0.5 s: peak and end) and CPU
time. Talks to 127.0.0.1 only. Prints figures; asserts nothing (tests/load does).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import http.cookiejar
import json
import os
import random
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from serve.classroom import CHART_COMPONENTS, ROOT, ROUTE_COOKIE, Classroom

MAX_STUDENTS = 200
MAX_DURATION = 600.0  # seconds: a load test is a bounded experiment, never a soak by accident
LOOPBACK = "127.0.0.1"
# The two sliders a student moves, and how far one move goes.
ALPHA, STEPS = "pg_adam_lr", "pg_steps"
ALPHA_STOPS = (1, 2, 3)
STEPS_STRIDES = range(1, 21)  # x the slider's step (10): up to 200 steps at a time
SAMPLE_EVERY = 0.5  # seconds between RSS samples
# The files a browser fetches while the page starts: those index.html names (Streamlit's
# scripts, styles, fonts; it fetches about as many more as the page's elements need them),
# and the chart component's page, script and plotly.js bundle.
ASSET = re.compile(r'(?:src|href)="\./(static/[^"]+)"')
CHART_ASSETS = tuple(
    f"/component/{CHART_COMPONENTS[0]}/{name}"
    for name in ("index.html", "chart.js", "vendor/version.js", "vendor/plotly-cartesian.min.js")
)
BROWSER_CONNECTIONS = 6  # a browser's parallel connections to one host
_OPENING = ThreadPoolExecutor(max_workers=64, thread_name_prefix="student-open")


def check_url(url: str) -> str:
    """`url` as "http://127.0.0.1:PORT[/path]", or ValueError for any other host or scheme.

    The load generator only ever talks to this machine's loopback address: it must not be
    pointed at someone else's server, by mistake or on purpose.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "ws"):
        raise ValueError(f"Invalid URL: {url!r} (must start with http://{LOOPBACK})")
    try:
        port = parts.port
    except ValueError as error:
        raise ValueError(f"Invalid URL: {url!r} ({error})") from None
    if parts.hostname != LOOPBACK or parts.username or parts.password:
        raise ValueError(f"Invalid URL: {url!r} (the load generator only talks to {LOOPBACK})")
    netloc = f"{LOOPBACK}:{port}" if port else LOOPBACK
    return urllib.parse.urlunsplit(("http", netloc, parts.path.rstrip("/"), "", ""))


# -- what the browser keeps per widget ----------------------------------------------------------
@dataclass
class Widget:
    """One widget as the browser's widget manager holds it: the state it sends on a rerun."""

    id: str
    kind: str  # element type: slider, selectbox, multiselect, ...
    state: WidgetState
    query_key: str = ""  # the URL parameter the widget is bound to, if any
    default_url: list[str] = field(default_factory=list)  # at its default the URL drops it
    options: tuple[str, ...] = ()  # select-slider / selectbox labels
    low: float = 0.0
    high: float = 0.0
    step: float = 0.0
    integer: bool = False

    @property
    def key(self) -> str:
        """The user key inside the id ("$$ID-<hash>-pg_steps" -> "pg_steps"), or ""."""
        key = self.id.split("-", 2)[2] if self.id.startswith("$$ID-") else ""
        return "" if key == "None" else key

    def url_values(self) -> list[str]:
        """The widget's value as the browser writes it into the URL (one entry per value of a
        multiselect, which repeats the parameter)."""
        state = self.state
        kind = state.WhichOneof("value")
        if kind == "string_array_value":
            values = list(state.string_array_value.data)
            return values if self.kind == "multiselect" else [",".join(values)]
        if kind == "double_array_value":
            numbers = state.double_array_value.data
            return [",".join(_number_text(v, self.integer) for v in numbers)]
        if kind == "double_value":
            return [_number_text(state.double_value, self.integer)]
        if kind == "bool_value":
            return ["true" if state.bool_value else "false"]
        return [str(getattr(state, kind))] if kind else []


def _number_text(value: float, integer: bool) -> str:
    if integer or value == int(value):
        return str(int(value))
    return repr(value)


def widget_from(element: Any) -> Widget | None:
    """The browser's initial state for a widget element (None for elements that are not
    widgets, or widgets the browser only reports on interaction: buttons, chart selections).

    A widget's value comes from the element's default, or from its value when the server set
    it (`set_value`, e.g. after a callback or a preset).
    """
    kind = element.WhichOneof("type")
    proto = getattr(element, kind)
    state = WidgetState(id=getattr(proto, "id", ""))
    widget = Widget(state.id, kind, state, query_key=getattr(proto, "query_param_key", ""))
    if kind == "slider":
        widget.low, widget.high, widget.step = proto.min, proto.max, proto.step
        widget.integer = proto.data_type in (proto.INT, proto.DATETIME, proto.DATE, proto.TIME)
        if proto.options:  # select_slider: labels, default given as indices
            widget.options = tuple(proto.options)
            default = [proto.options[int(i)] for i in proto.default]
            state.string_array_value.data[:] = list(proto.raw_value) if proto.set_value else default
            widget.default_url = [",".join(default)]
        else:
            state.double_array_value.data[:] = list(
                proto.value if proto.set_value else proto.default
            )
            widget.default_url = [",".join(_number_text(v, widget.integer) for v in proto.default)]
    elif kind in ("selectbox", "radio"):
        widget.options = tuple(proto.options)
        default = proto.options[proto.default] if len(proto.options) > proto.default >= 0 else ""
        state.string_value = proto.raw_value if proto.set_value else default
        widget.default_url = [default]
    elif kind == "multiselect":
        default = [proto.options[int(i)] for i in proto.default]
        state.string_array_value.data[:] = list(proto.raw_values) if proto.set_value else default
        widget.default_url = default
    elif kind in ("text_input", "text_area"):
        state.string_value = proto.value if proto.set_value else proto.default
        widget.default_url = [proto.default]
    elif kind == "number_input":
        if not proto.set_value and not proto.HasField("default"):
            return None  # an empty number input: the browser sends nothing
        state.double_value = proto.value if proto.set_value else proto.default
        widget.integer = proto.data_type == proto.INT
        widget.default_url = [_number_text(proto.default, widget.integer)]
    elif kind == "checkbox":
        state.bool_value = proto.value if proto.set_value else proto.default
        widget.default_url = ["true" if proto.default else "false"]
    else:
        return None
    return widget if state.id else None


# -- one simulated student ----------------------------------------------------------------------
@dataclass
class Run:
    """What one script run sent back: its latency, size, and any errors in it."""

    seconds: float
    messages: int = 0
    nbytes: int = 0
    errors: list[str] = field(default_factory=list)
    elements: list[Any] = field(default_factory=list)  # with Student(keep_elements=True)


class Student:
    """One browser tab on the Playground, speaking Streamlit's websocket protocol.

    `await open()` loads the page, `await change(key, value)` moves a widget and waits for the
    rerun to finish; both return the `Run`. Only 127.0.0.1 is accepted.
    """

    def __init__(
        self, url: str, timeout: float = 30.0, keep_elements: bool = False, assets: bool = True
    ) -> None:
        self.url = check_url(url)
        self.timeout = timeout
        self.assets = assets  # fetch the page's files like a browser (see ASSET)
        self.asset_bytes = 0
        self.page_seconds = float("nan")
        self.keep_elements = keep_elements  # collect each run's elements (for tests)
        self.widgets: dict[str, Widget] = {}
        self.query: list[tuple[str, str]] = []  # the page's URL parameters, in order
        self.page_script_hash = ""
        self.cookies = http.cookiejar.CookieJar()
        self._ws: Any = None
        # The browser's message cache: big elements the server may send as a hash reference.
        self._cache: dict[str, tuple[ForwardMsg, int]] = {}
        self._max_cache_age = 2
        self._runs = 0

    @property
    def route(self) -> str:
        """The proxy's route cookie, if the student came through serve/classroom.py's nginx."""
        return next((c.value for c in self.cookies if c.name == ROUTE_COOKIE), "")

    # -- connection ------------------------------------------------------------------------
    def _get(self, path: str) -> bytes:
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.cookies)
        )
        # Like a browser: compressed if the server offers it (the bytes are only counted).
        request = urllib.request.Request(self.url + path, headers={"Accept-Encoding": "gzip"})
        with opener.open(request, timeout=self.timeout) as response:
            return response.read()

    def _fetch_all(self, paths: list[str]) -> None:
        """`paths` over a browser's six connections."""
        with ThreadPoolExecutor(BROWSER_CONNECTIONS) as connections:
            self.asset_bytes += sum(map(len, connections.map(self._get, paths)))

    def _load_page(self) -> None:
        """The page, the files it names, and the frontend's checks."""
        page = self._get("/")
        page = gzip.decompress(page) if page[:2] == b"\x1f\x8b" else page  # sent compressed
        html = page.decode("utf-8", errors="replace")
        if self.assets:
            self._fetch_all([f"/{path}" for path in ASSET.findall(html)])
        for path in ("/_stcore/health", "/_stcore/host-config"):
            self._get(path)

    async def open(self) -> Run:
        """Load the page like a browser, open the websocket and wait for the first run;
        `page_seconds` is the whole load, from the first request to the end of that run."""
        # The page itself and its files, then the checks the frontend makes before it opens
        # the websocket. Through the proxy the first response carries the route cookie that
        # keeps every later request of this "browser" on one Streamlit process.
        start = time.monotonic()
        await asyncio.get_running_loop().run_in_executor(_OPENING, self._load_page)
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.cookies)
        xsrf = next((c.value for c in self.cookies if c.name == "_streamlit_xsrf"), "")
        ws_url = "ws" + self.url[len("http") :] + "/_stcore/stream"
        self._ws = await websockets.connect(
            ws_url,
            # Like the browser: the protocol, then the XSRF token (the session id on reconnect).
            subprotocols=["streamlit", xsrf or "PLACEHOLDER_AUTH_TOKEN"],
            additional_headers={"Cookie": cookies} if cookies else None,
            max_size=None,
            proxy=None,
            open_timeout=self.timeout,
        )
        first = await self._rerun()
        if self.assets:  # the charts' frames load once their elements have arrived
            await asyncio.get_running_loop().run_in_executor(
                _OPENING, self._fetch_all, list(CHART_ASSETS)
            )
        self.page_seconds = time.monotonic() - start
        return first

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    # -- widgets -----------------------------------------------------------------------------
    def widget(self, key: str) -> Widget:
        for widget in self.widgets.values():
            if widget.key == key:
                return widget
        raise KeyError(f"no widget with key {key!r} on the page")

    def set_value(self, key: str, value: str | float) -> None:
        """Set a widget's value as a user would: a label for select widgets, else a number."""
        widget = self.widget(key)
        state = widget.state
        kind = state.WhichOneof("value")
        if kind == "string_array_value":
            state.string_array_value.data[:] = [str(value)]
        elif kind == "double_array_value":
            state.double_array_value.data[:] = [float(value)]
        elif kind == "double_value":
            state.double_value = float(value)
        elif kind == "string_value":
            state.string_value = str(value)
        else:
            raise TypeError(f"cannot set {key!r} ({widget.kind}, {kind})")
        if widget.query_key:  # the browser keeps bound widgets' values in the URL
            values = widget.url_values()
            others = [(k, v) for k, v in self.query if k != widget.query_key]
            at_default = values == widget.default_url
            self.query = others + ([] if at_default else [(widget.query_key, v) for v in values])

    def next_move(self, rng: random.Random) -> tuple[str, str | float]:
        """A student's next slider move: α by one to three stops, or the steps by up to 200."""
        key = rng.choice(
            [k for k in (ALPHA, STEPS) if any(w.key == k for w in self.widgets.values())]
        )
        widget = self.widget(key)
        if widget.options:
            index = widget.options.index(widget.state.string_array_value.data[0])
            moved = index + rng.choice(ALPHA_STOPS) * rng.choice((-1, 1))
            if not 0 <= moved < len(widget.options):  # at an end: go the other way
                moved = 2 * index - moved
            return key, widget.options[max(0, min(len(widget.options) - 1, moved))]
        value = widget.state.double_array_value.data[0]
        moved = value + widget.step * rng.choice(STEPS_STRIDES) * rng.choice((-1, 1))
        if not widget.low <= moved <= widget.high:
            moved = 2 * value - moved
        return key, max(widget.low, min(widget.high, moved))

    async def change(self, key: str, value: str | float) -> Run:
        """Move the widget `key` to `value` and wait until the rerun has finished."""
        self.set_value(key, value)
        return await self._rerun()

    # -- the protocol -------------------------------------------------------------------------
    def _rerun_message(self) -> bytes:
        message = BackMsg()
        client = message.rerun_script
        client.query_string = urllib.parse.urlencode(self.query)
        client.page_script_hash = self.page_script_hash
        client.page_name = ""  # "/" is the Playground, the app's default page
        client.widget_states.widgets.extend(w.state for w in self.widgets.values())
        client.cached_message_hashes.extend(self._cache)
        context = client.context_info
        context.timezone, context.timezone_offset, context.locale = "UTC", 0, "en-US"
        context.url, context.color_scheme = self.url + "/", "light"
        return message.SerializeToString()

    async def _rerun(self) -> Run:
        payload = self._rerun_message()
        start = time.perf_counter()
        await self._ws.send(payload)
        run = Run(0.0)
        seen: set[str] = set()
        async with asyncio.timeout(self.timeout):
            while True:
                data = await self._ws.recv()
                run.messages += 1
                run.nbytes += len(data)
                message = ForwardMsg()
                message.ParseFromString(data)
                if self._handle(message, run, seen):
                    break
        run.seconds = time.perf_counter() - start
        # Like the browser: forget widgets this run did not draw, age the message cache.
        self.widgets = {id_: w for id_, w in self.widgets.items() if id_ in seen}
        self._runs += 1
        self._cache = {
            h: (m, used)
            for h, (m, used) in self._cache.items()
            if self._runs - used <= self._max_cache_age
        }
        return run

    def _handle(self, message: ForwardMsg, run: Run, seen: set[str]) -> bool:
        """Apply one ForwardMsg; True when it ends the run."""
        kind = message.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(message.ref_hash)
            if cached is None:
                run.errors.append("cache: the server referred to a message never received")
                return False
            message = cached[0]
            kind = "delta"
            self._cache[message.hash] = (message, self._runs)
        elif message.metadata.cacheable and message.hash:
            self._cache[message.hash] = (message, self._runs)
        if kind == "delta":
            delta = message.delta
            if delta.WhichOneof("type") == "new_element":
                element = delta.new_element
                if self.keep_elements:
                    run.elements.append(element)
                if element.WhichOneof("type") == "exception":
                    exception = element.exception
                    run.errors.append(f"exception: {exception.type}: {exception.message[:200]}")
                    return False
                widget = widget_from(element)
                if widget is not None:
                    seen.add(widget.id)
                    known = self.widgets.get(widget.id)
                    # The browser keeps its own value unless the server sets one.
                    if known is None or getattr(element, widget.kind).set_value:
                        self.widgets[widget.id] = widget
                    else:
                        widget.state = known.state
                        self.widgets[widget.id] = widget
        elif kind == "new_session":
            self._max_cache_age = message.new_session.config.max_cached_message_age or 2
            self.page_script_hash = message.new_session.page_script_hash
        elif kind == "navigation":
            self.page_script_hash = message.navigation.page_script_hash or self.page_script_hash
        elif kind == "page_info_changed":
            self.query = urllib.parse.parse_qsl(message.page_info_changed.query_string)
        elif kind == "session_event":
            event = message.session_event
            if event.WhichOneof("type") == "script_compilation_exception":
                text = event.script_compilation_exception.message[:200]
                run.errors.append(f"compile error: {text}")
        elif kind == "page_not_found":
            run.errors.append("page not found")
        elif kind == "script_finished":
            status = message.script_finished
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                run.errors.append("compile error")
                return True
            # A run stopped early for another rerun, or a fragment's run, is not our run's end.
            return status == ForwardMsg.FINISHED_SUCCESSFULLY
        return False


# -- server processes ---------------------------------------------------------------------------
def _descendants(pids: list[int]) -> list[int]:
    """`pids` and all their children, grandchildren, ... (from /proc)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.append(pid)
            todo.extend(parents.get(pid, []))
    return found


def rss_mb(pids: list[int]) -> float:
    """Resident memory of `pids` and their descendants, in MB (VmRSS from /proc)."""
    total_kb = 0
    for pid in _descendants(pids):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def machine_busy_seconds() -> float:
    """CPU seconds all processes on this machine have used since boot (from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of `pids` and their descendants so far."""
    total = 0
    for pid in _descendants(pids):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


# -- a load run -------------------------------------------------------------------------------
@dataclass
class LoadResult:
    students: int
    duration: float
    latencies: list[float] = field(default_factory=list)
    first_loads: list[float] = field(default_factory=list)  # the first run's websocket time
    page_loads: list[float] = field(default_factory=list)  # from the first request on
    errors: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    nbytes: int = 0
    rss_peak_mb: float = 0.0
    rss_end_mb: float = 0.0
    rss_start_mb: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    others_cpu: float = 0.0  # everything else on this (shared) machine during the run
    wall: float = 0.0
    routes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.latencies)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[round(q) - 1]

    def error(self, text: str) -> None:
        kind = text.split(":", 1)[0]
        self.errors[kind] += 1
        if len(self.error_samples) < 10 and text not in self.error_samples:
            self.error_samples.append(text)

    def summary(self) -> dict[str, Any]:
        runs = self.changes + len(self.first_loads)
        return {
            "students": self.students,
            "duration_s": self.duration,
            "changes": self.changes,
            "p50_s": round(self.percentile(50), 3),
            "p95_s": round(self.percentile(95), 3),
            "max_s": round(max(self.latencies, default=float("nan")), 3),
            "first_load_p50_s": round(statistics.median(self.first_loads), 3)
            if self.first_loads
            else None,
            "first_load_max_s": round(max(self.first_loads), 3) if self.first_loads else None,
            "page_load_p50_s": round(statistics.median(self.page_loads), 3)
            if self.page_loads
            else None,
            "page_load_max_s": round(max(self.page_loads), 3) if self.page_loads else None,
            "errors": self.error_count,
            "error_kinds": dict(self.errors),
            "error_samples": self.error_samples,
            "kb_per_run": round(self.nbytes / 1024 / runs, 1) if runs else None,
            "rss_start_mb": round(self.rss_start_mb),
            "rss_peak_mb": round(self.rss_peak_mb),
            "rss_end_mb": round(self.rss_end_mb),
            "server_cpu_s": round(self.server_cpu, 1),
            "server_cpu_per_run_ms": round(1000 * self.server_cpu / runs) if runs else None,
            "client_cpu_s": round(self.client_cpu, 1),
            # Share of the machine's cores other processes used meanwhile: noise in the numbers.
            "others_cpu_percent": round(100 * self.others_cpu / (self.wall * os.cpu_count()))
            if self.wall
            else None,
        }


async def _student(
    url: str,
    index: int,
    result: LoadResult,
    *,
    start_at: float,
    deadline: float,
    interval: float,
    jitter: float,
    timeout: float,
    seed: int,
) -> None:
    """One student: arrive, load the page, move sliders until the deadline; reconnect on error."""
    rng = random.Random(seed * 100_003 + index)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    while time.monotonic() < deadline:
        student = Student(url, timeout)
        try:
            if await _study(student, result, rng, deadline, interval, jitter):
                return
        except TimeoutError:
            result.error(f"timeout: no end of the run within {timeout:g} s")
        except websockets.ConnectionClosed as closed:
            result.error(f"disconnect: {closed}")
        except OSError as error:
            result.error(f"connection: {error}")
        except (KeyError, TypeError) as error:
            result.error(f"page: {error}")
        finally:
            if student.route:
                result.routes.append(student.route)
            await student.close()
        await asyncio.sleep(1.0)  # a reconnecting browser waits a moment too


async def _study(
    student: Student,
    result: LoadResult,
    rng: random.Random,
    deadline: float,
    interval: float,
    jitter: float,
) -> bool:
    """Open the page, then move a slider every `interval` ± `jitter` s until the deadline.

    False (for a fresh session) when the page's first run failed.
    """
    first = await student.open()
    result.nbytes += first.nbytes
    for text in first.errors:
        result.error(text)
    if first.errors:
        return False
    result.first_loads.append(first.seconds)
    result.page_loads.append(student.page_seconds)
    while True:
        pause = rng.uniform(interval - jitter, interval + jitter)
        if time.monotonic() + pause >= deadline:
            return True
        await asyncio.sleep(pause)
        run = await student.change(*student.next_move(rng))
        result.nbytes += run.nbytes
        for text in run.errors:
            result.error(text)
        if not run.errors:
            result.latencies.append(run.seconds)


async def _sample_rss(pids: list[int], result: LoadResult, stop: asyncio.Event) -> None:
    while not stop.is_set():
        result.rss_peak_mb = max(result.rss_peak_mb, await asyncio.to_thread(rss_mb, pids))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_EVERY)


async def run_load(
    url: str,
    students: int,
    duration: float,
    *,
    interval: float = 3.0,
    jitter: float = 1.0,
    timeout: float = 30.0,
    ramp: float | None = None,
    seed: int = 1,
    server_pids: list[int] | None = None,
) -> LoadResult:
    """`students` simulated students on the Playground at `url` (127.0.0.1 only) for
    `duration` seconds; they arrive spread over `ramp` seconds (default: one `interval`).

    Changes still running at the deadline are waited for (at most `timeout`). With
    `server_pids`, samples their RSS and CPU time.
    """
    url = check_url(url)
    if not 1 <= students <= MAX_STUDENTS:
        raise ValueError(f"Invalid students: {students} (must be in [1, {MAX_STUDENTS}])")
    if not 0 < duration <= MAX_DURATION:
        raise ValueError(f"Invalid duration: {duration} (must be in (0, {MAX_DURATION:g}] s)")
    if not 0 <= jitter <= interval:
        raise ValueError(f"Invalid jitter: {jitter} (must be in [0, interval])")
    ramp = interval if ramp is None else ramp
    pids = server_pids or []
    result = LoadResult(students, duration)
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_rss(pids, result, stop)) if pids else None
    result.rss_start_mb = rss_mb(pids) if pids else 0.0
    cpu_before, client_before = cpu_seconds(pids), time.process_time()
    busy_before = machine_busy_seconds()
    now = time.monotonic()
    deadline = now + duration
    tasks = [
        _student(
            url,
            index,
            result,
            start_at=now + ramp * index / students,
            deadline=deadline,
            interval=interval,
            jitter=jitter,
            timeout=timeout,
            seed=seed,
        )
        for index in range(students)
    ]
    await asyncio.gather(*tasks)
    if sampler is not None:
        result.rss_end_mb = rss_mb(pids)
        result.rss_peak_mb = max(result.rss_peak_mb, result.rss_end_mb)
        stop.set()
        await sampler
    result.server_cpu = cpu_seconds(pids) - cpu_before
    result.client_cpu = time.process_time() - client_before
    busy = machine_busy_seconds() - busy_before
    result.others_cpu = max(0.0, busy - result.server_cpu - result.client_cpu)
    result.wall = time.monotonic() - now
    return result


# -- configurations: servers started here -----------------------------------------------------
@dataclass(frozen=True)
class Setup:
    processes: int
    proxy: bool
    gc_off: bool
    nginx_static: bool = True  # with the proxy: nginx serves the static files (the default)

    @property
    def label(self) -> str:
        served = f"{self.processes} process{'es' if self.processes > 1 else ''}"
        served += " + nginx" if self.proxy else ""
        if self.proxy and not self.nginx_static:
            served += " (static files from Streamlit)"
        return f"{served}, GC {'off' if self.gc_off else 'on'}"


async def _warm_up(urls: list[str], timeout: float) -> None:
    """One page load per process, so imports and the first map are not in the numbers."""
    for url in urls:
        student = Student(url, timeout)
        try:
            await student.open()
        finally:
            await student.close()


def measure(setup: Setup, students: int, duration: float, root: Path, **options: Any) -> dict:
    """Start fresh servers for `setup`, warm them up, run the load, stop them; the summary."""
    warm = options.pop("warm_up", True)
    room = Classroom(
        setup.processes,
        proxy=setup.proxy,
        gc_off=setup.gc_off,
        serve_assets=setup.nginx_static,
        root=root,
    )
    with room as classroom:
        if warm:
            upstreams = [f"http://{LOOPBACK}:{port}" for port in classroom.upstream_ports]
            asyncio.run(_warm_up(upstreams, options.get("timeout", 30.0)))
        result = asyncio.run(
            run_load(classroom.url, students, duration, server_pids=classroom.server_pids,
                     **options)
        )  # fmt: skip
    return {"setup": setup.label, **result.summary()}


def _row(summary: dict) -> str:
    kinds = ", ".join(f"{k} {v}" for k, v in summary["error_kinds"].items())
    return (
        f"| {summary['setup']} | {summary['students']} | {summary['changes']} | "
        f"{summary['p50_s']:.2f} | {summary['p95_s']:.2f} | {summary['max_s']:.2f} | "
        f"{summary['errors']}{f' ({kinds})' if kinds else ''} | "
        f"{summary['rss_peak_mb']} | {summary['rss_end_mb']} | "
        f"{summary['server_cpu_per_run_ms']} | {summary['first_load_p50_s']} | "
        f"{summary['page_load_p50_s']} | {summary['others_cpu_percent']} |"
    )


HEADER = (
    "| setup | students | changes | p50 s | p95 s | max s | errors | RSS peak MB | RSS end MB "
    "| server CPU ms/run | first run p50 s | page load p50 s | others' CPU % |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per run (≤ 600)")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between moves")
    parser.add_argument("--jitter", type=float, default=1.0, help="± seconds around --interval")
    parser.add_argument("--timeout", type=float, default=30.0, help="a slower change is an error")
    parser.add_argument("--ramp", type=float, help="students arrive over this many seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="attach to a running app or class (127.0.0.1 only)")
    parser.add_argument(
        "--server-pid", type=int, action="append", default=[], help="with --url: for RSS/CPU"
    )
    parser.add_argument("--processes", type=int, default=1, help="Streamlit processes to start")
    parser.add_argument(
        "--proxy",
        action=argparse.BooleanOptionalAction,
        help="nginx in front (default: with more than one process)",
    )
    parser.add_argument(
        "--gc",
        choices=("on", "off", "both"),
        default="on",
        help="Streamlit's post-run garbage collection (runner.postScriptGC); both = compare",
    )
    parser.add_argument(
        "--gc-off", dest="gc", action="store_const", const="off", help="same as --gc off"
    )
    parser.add_argument(
        "--static",
        choices=("nginx", "streamlit", "both"),
        default="nginx",
        help="behind nginx, who serves the static files; both = compare (default nginx)",
    )
    parser.add_argument(
        "--table", action="store_true", help="1, 10, 30 students x 1 process, 2 + nginx"
    )
    parser.add_argument("--no-warm-up", dest="warm_up", action="store_false")
    parser.add_argument("--root", type=Path, default=ROOT, help="folder holding app.py")
    parser.add_argument("--json", type=Path, help="also write the summaries here")
    args = parser.parse_args(argv)
    options = dict(
        interval=args.interval,
        jitter=args.jitter,
        timeout=args.timeout,
        ramp=args.ramp,
        seed=args.seed,
    )
    try:
        if args.url:
            check_url(args.url)
        if not 0 < args.duration <= MAX_DURATION:
            raise ValueError(f"Invalid duration: {args.duration} (must be in (0, 600] s)")
        if not 1 <= args.students <= MAX_STUDENTS:
            raise ValueError(f"Invalid students: {args.students} (must be in [1, 200])")
    except ValueError as error:
        parser.error(str(error))

    summaries = []
    if args.url:
        result = asyncio.run(
            run_load(args.url, args.students, args.duration, server_pids=args.server_pid, **options)
        )
        summaries.append({"setup": f"attached to {args.url}", **result.summary()})
    else:
        gcs = {"on": [False], "off": [True], "both": [False, True]}[args.gc]
        statics = {"nginx": [True], "streamlit": [False], "both": [False, True]}[args.static]
        if args.table:
            plan = [
                (Setup(p, p > 1, gc, static), n)
                for n in (1, 10, 30)
                for p in (1, 2)
                for gc in gcs
                for static in (statics if p > 1 else [True])
            ]
        else:
            proxy = args.processes > 1 if args.proxy is None else args.proxy
            plan = [
                (Setup(args.processes, proxy, gc, static), args.students)
                for gc in gcs
                for static in (statics if proxy else [True])
            ]
        print(HEADER, flush=True)
        for setup, students in plan:
            summary = measure(
                setup, students, args.duration, args.root, warm_up=args.warm_up, **options
            )
            summaries.append(summary)
            print(_row(summary), flush=True)
    if args.url:
        print(HEADER)
        print(_row(summaries[0]))
    for summary in summaries:
        for sample in summary["error_samples"]:
            print(f"  {summary['setup']}, {summary['students']} students: {sample}")
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
