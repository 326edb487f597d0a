"""A class on one machine: two Streamlit processes behind nginx (serve/classroom.py) and
simulated students speaking Streamlit's websocket protocol (bench/load.py).

CI's short version of bench/load.py: 10 students for 20 s must see no error (exception
elements, disconnects, or a change that does not finish within 30 s) and complete changes.
No latency is asserted here: timings are measured by `python bench/load.py --table`.
Skipped without nginx, unless ADAMLAB_REQUIRE_BROWSER=1 (set by .ci/run) makes it an error.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import time
import urllib.error
import urllib.request
from collections import defaultdict
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from bench.load import ASSET, CHART_ASSETS, Student, check_url, main, run_load
from serve.classroom import (
    CHART_COMPONENTS,
    CHART_FILES,
    NGINX,
    ROUTE_COOKIE,
    Classroom,
    nginx_config,
    streamlit_static_dir,
)
from tests.load import run_coroutine, run_outside_any_loop
from ui.chart import decode_message

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
STUDENTS, DURATION, CHANGE_TIMEOUT = 10, 20.0, 30.0
ACCESS = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" \d+ \d+ route=(?P<route>\S+) '
                    r"upstream=(?P<upstream>\S+)")  # fmt: skip


def _require_nginx() -> None:
    if not Path(NGINX).exists():
        if os.environ.get("ADAMLAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"the load test must run here, but {NGINX} is missing")
        pytest.skip(f"{NGINX} not installed")


@pytest.fixture(scope="module")
def classroom():
    _require_nginx()
    # Logs (Streamlit's and nginx's, with the access log the stickiness tests read) stay in
    # artifacts/ for a failed run.
    workdir = ARTIFACTS / "class"
    shutil.rmtree(workdir, ignore_errors=True)
    room = Classroom(2, workdir=workdir, keep_workdir=True)
    try:
        room.start()
    except RuntimeError as error:
        pytest.fail(f"the class did not start: {error}")
    yield room
    room.stop()


def _routes_to_upstreams(classroom: Classroom, routes: set[str], stream_lines: int) -> dict:
    """For each route, the Streamlit processes nginx sent its requests to, once the access log
    holds `stream_lines` websocket requests of these routes (nginx logs them when they close).
    Requests nginx answered itself (static files: upstream "-") reached no process.
    """
    log = classroom.workdir / "nginx" / "access.log"
    deadline = time.monotonic() + 10
    while True:
        seen: dict[str, set[str]] = defaultdict(set)
        streams = 0
        for match in map(ACCESS.search, log.read_text().splitlines()):
            if match and match["route"] in routes and match["upstream"] != "-":
                seen[match["route"]].add(match["upstream"])
                streams += match["path"] == "/_stcore/stream"
        if streams >= stream_lines or time.monotonic() > deadline:
            return seen
        time.sleep(0.2)


@pytest.mark.load
def test_ten_students_on_two_processes_see_no_error(classroom):
    result = run_coroutine(
        run_load(
            classroom.url,
            STUDENTS,
            DURATION,
            timeout=CHANGE_TIMEOUT,
            server_pids=classroom.server_pids,
        )
    )
    assert result.error_count == 0, result.error_samples
    assert result.changes > 0
    assert len(result.first_loads) == STUDENTS
    assert classroom.revive() == []  # no Streamlit process died under the load
    # Each student's page, checks and websocket all reached one process.
    routes = set(result.routes)
    assert len(routes) == STUDENTS
    upstreams = _routes_to_upstreams(classroom, routes, STUDENTS)
    assert {route: len(found) for route, found in upstreams.items()} == dict.fromkeys(routes, 1)


@pytest.mark.load
def test_a_change_through_the_proxy_reaches_the_page(classroom):
    async def change_steps() -> tuple[list, list]:
        student = Student(classroom.url, CHANGE_TIMEOUT, keep_elements=True)
        try:
            first = await student.open()
            current = student.widget("pg_steps").state.double_array_value.data[0]
            run = await student.change("pg_steps", 730 if current != 730 else 740)
            return first.errors + run.errors, first.elements, run.elements
        finally:
            await student.close()

    errors, first, changed = run_coroutine(change_steps())
    assert errors == []
    pieces: dict = {}  # the browser's memory of chart pieces, across the two runs
    titles = []
    for elements in (first, changed):
        titles = [
            decode_message(element.component_instance.special_args[0].bytes, pieces)["figure"][
                "layout"
            ]["title"]["text"]
            for element in elements
            if element.WhichOneof("type") == "component_instance"
        ]
    assert any("730 steps" in title or "740 steps" in title for title in titles), titles


@pytest.mark.load
def test_every_browser_sticks_to_one_process_and_both_processes_get_browsers(classroom):
    # Cookies, not addresses: all these "browsers" come from 127.0.0.1, like a class behind NAT.
    routes = set()
    for _ in range(32):
        cookies = CookieJar()
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(cookies)
        )
        for path in ("/", "/_stcore/health", "/_stcore/host-config", "/_stcore/health"):
            with opener.open(classroom.url + path, timeout=10) as response:
                assert response.status == 200
        route = [cookie.value for cookie in cookies if cookie.name == ROUTE_COOKIE]
        assert len(route) == 1
        routes.add(route[0])
    upstreams = _routes_to_upstreams(classroom, routes, 0)
    assert all(len(found) == 1 for found in upstreams.values())
    assert sum(len(found) for found in upstreams.values()) == len(routes) == 32
    used = set().union(*upstreams.values())
    assert used == {f"127.0.0.1:{port}" for port in classroom.upstream_ports}


def _fetch(url: str, compressed: bool) -> tuple[bytes, dict]:
    headers = {"Accept-Encoding": "gzip"} if compressed else {}
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as response:
        assert response.status == 200
        body, found = response.read(), dict(response.headers)
    return (gzip.decompress(body) if found.get("Content-Encoding") == "gzip" else body), found


@pytest.mark.load
def test_nginx_serves_the_static_files_itself_compressed_and_unchanged(classroom):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(classroom.url + "/", timeout=10) as response:
        html = response.read().decode()
    named = ASSET.findall(html)
    assert len(named) > 20 and any(path.endswith(".js") for path in named)
    files = {f"/{path}": streamlit_static_dir() / path.removeprefix("static/") for path in named}
    for path in CHART_ASSETS:
        files[path] = CHART_FILES / path.split("/", 3)[3]
    for path, original in files.items():
        plain, headers = _fetch(classroom.url + path, compressed=False)
        assert plain == original.read_bytes(), path
        unpacked, headers = _fetch(classroom.url + path, compressed=True)
        assert unpacked == original.read_bytes(), path
        if path.endswith(".js"):
            assert headers["Content-Encoding"] == "gzip" and "javascript" in headers["Content-Type"]
        immutable = "immutable" in headers["Cache-Control"]
        assert immutable == path.startswith("/static/"), (path, headers["Cache-Control"])
    # nginx answered every one of them from disk: none reached a Streamlit process.
    log = classroom.workdir / "nginx" / "access.log"
    deadline = time.monotonic() + 10
    while True:
        served = {}
        for match in map(ACCESS.search, log.read_text().splitlines()):
            if match and match["path"].split("?")[0] in files:
                served.setdefault(match["path"].split("?")[0], set()).add(match["upstream"])
        if len(served) == len(files) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert served == {path: {"-"} for path in files}
    # A path that climbs out of the folders is never answered from disk.
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", f"{CHART_ASSETS[0]}/../../app.py"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(classroom.url + path, timeout=10)
        assert refused.value.code in (400, 404)


def test_the_proxy_serves_the_chart_under_its_component_names():
    # ui.assets.CHART_COMPONENTS are the names ui.chart declares (tests/ui/test_assets.py).
    config = nginx_config("127.0.0.1:1", [2], Path("/prefix"), Path("/assets"))
    # nginx's PCRE writes a named group (?<name>…), Python's re (?P<name>…).
    location = re.search(r"location ~ (\S+) \{", config).group(1).replace("(?<", "(?P<")
    for name in CHART_COMPONENTS:
        assert re.match(location, f"/component/{name}/vendor/plotly-cartesian.min.js")
    assert not re.match(location, "/component/other/chart.js")
    assert "location /static/" not in nginx_config("127.0.0.1:1", [2], Path("/prefix"))


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.7:8501",
        "http://example.com:8501",
        "http://localhost:8501",
        "http://127.0.0.1.example.com:8501",
        "http://127.0.0.1@example.com:8501",
        "http://user@127.0.0.1:8501",
        "http://[::1]:8501",
        "https://127.0.0.1:8501",
        "file:///etc/passwd",
        "127.0.0.1:8501",
    ],
)
def test_the_load_generator_refuses_anything_but_loopback(url):
    with pytest.raises(ValueError, match="Invalid URL"):
        check_url(url)
    with pytest.raises(ValueError, match="Invalid URL"):
        run_coroutine(run_load(url, 1, 1))
    with pytest.raises(ValueError, match="Invalid URL"):
        Student(url)
    with pytest.raises(SystemExit) as stopped:
        run_outside_any_loop(main, ["--url", url, "--duration", "1"])
    assert stopped.value.code == 2  # a usage error, before any connection


def test_the_load_generator_accepts_loopback():
    assert check_url("http://127.0.0.1:8501/") == "http://127.0.0.1:8501"
    assert check_url("ws://127.0.0.1:8500/app") == "http://127.0.0.1:8500/app"
