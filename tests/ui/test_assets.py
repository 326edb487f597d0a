"""ui.assets: Streamlit's static files and the chart's files from memory, everything else on
to Streamlit; driven as an ASGI app, without a server."""

from __future__ import annotations

import pytest

from tests.load import run_coroutine
from ui.assets import CHART_COMPONENTS, CHART_FILES, StaticAssets, streamlit_static_dir


async def _inner(scope, receive, send):
    """Stands for Streamlit: answers 418 with the path it got."""
    await send({"type": "http.response.start", "status": 418, "headers": []})
    await send({"type": "http.response.body", "body": scope["path"].encode()})


def request(app, path: str, method: str = "GET", headers=()) -> tuple[int, dict, bytes]:
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": list(headers)}
    run_coroutine(app(scope, receive, send))  # outside the browser tests' running loop
    start, body = sent[0], b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], dict(start["headers"]), body


@pytest.fixture(scope="module")
def app():
    return StaticAssets(_inner, base_url="")


def a_streamlit_script() -> str:
    return sorted(p.name for p in (streamlit_static_dir() / "js").glob("index.*.js"))[0]


def test_streamlit_scripts_come_from_memory_with_streamlits_caching(app):
    name = a_streamlit_script()
    status, headers, body = request(app, f"/static/js/{name}")
    assert status == 200
    assert body == (streamlit_static_dir() / "js" / name).read_bytes()
    assert headers[b"content-type"] == b"text/javascript"
    assert headers[b"cache-control"] == b"public, immutable, max-age=31536000"
    assert headers[b"content-length"] == str(len(body)).encode()
    # The browser's copy is still good: 304, no body.
    status, _, body = request(
        app, f"/static/js/{name}", headers=[(b"if-none-match", headers[b"etag"])]
    )
    assert (status, body) == (304, b"")
    # HEAD: the headers without the body.
    status, head, body = request(app, f"/static/js/{name}", method="HEAD")
    assert (status, body) == (200, b"") and head[b"content-length"] == headers[b"content-length"]


@pytest.mark.parametrize("name", CHART_COMPONENTS)
def test_the_charts_files_under_both_component_names(app, name):
    for file in ("index.html", "chart.js", "vendor/plotly-cartesian.min.js"):
        status, headers, body = request(app, f"/component/{name}/{file}")
        assert status == 200 and body == (CHART_FILES / file).read_bytes()
        assert headers[b"cache-control"] == b"no-cache"  # revalidated: names carry no hash
    assert request(app, f"/component/{name}/index.html")[1][b"content-type"] == b"text/html"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/_stcore/health",
        "/static/../app.py",
        "/static/js/../../../app.py",
        "/static/js/missing.js",
        "/component/ui.chart.adam_lab_chart/../../app.py",
        "/component/ui.chart.adam_lab_chart/chart.py",  # not a file there
        "/component/other.component/chart.js",
        "/media/abc.png",
    ],
)
def test_anything_else_goes_on_to_streamlit_untouched(app, path):
    assert request(app, path) == (418, {}, path.encode())


def test_only_get_and_head_and_only_http(app):
    name = a_streamlit_script()
    assert request(app, f"/static/js/{name}", method="POST")[0] == 418
    seen = []

    async def inner(scope, receive, send):
        seen.append(scope["type"])

    run_coroutine(StaticAssets(inner, base_url="")({"type": "websocket", "path": "/"}, None, None))
    assert seen == ["websocket"]


def test_a_base_url_prefixes_every_path():
    app = StaticAssets(_inner, base_url="/class/")
    name = a_streamlit_script()
    assert request(app, f"/class/static/js/{name}")[0] == 200
    assert request(app, f"/static/js/{name}")[0] == 418


def test_the_names_are_the_ones_ui_chart_declares():
    from ui.chart import _COMPONENTS, FRONTEND

    assert {component.name for component in _COMPONENTS.values()} == set(CHART_COMPONENTS)
    assert CHART_FILES == FRONTEND
