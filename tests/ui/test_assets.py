"""ui.assets: Streamlit's static files and the chart's files from memory, everything else on
to Streamlit; driven as an ASGI app, without a server."""

from __future__ import annotations

import gzip

import pytest

from tests.load import run_coroutine
from ui.assets import (
    CHART_COMPONENTS,
    CHART_FILES,
    ELEMENT_MODULES,
    PAGE_MODULES,
    ModulePreloads,
    StaticAssets,
    module_files,
    streamlit_static_dir,
)


async def _inner(scope, receive, send):
    """Stands for Streamlit: answers 418 with the path it got."""
    await send({"type": "http.response.start", "status": 418, "headers": []})
    await send({"type": "http.response.body", "body": scope["path"].encode()})


def request(
    app, path: str, method: str = "GET", headers=(), extensions=None
) -> tuple[int, dict, bytes]:
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": list(headers)}
    if extensions is not None:
        scope["extensions"] = extensions
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
    # (418 is not a page: no links go into it.)
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


# -- links to the elements' code ------------------------------------------------------------


def fake_streamlit(root, modules: dict[str, str], index_names: list[str]):
    """A Streamlit `static` folder: `modules` file -> source, and an index.html whose entry
    script and modulepreload links name `index_names`."""
    folder = root / "static" / "js"
    folder.mkdir(parents=True)
    for name, source in modules.items():
        (folder / name).write_text(source)
    links = "".join(
        f'<link rel="modulepreload" crossorigin href="./static/js/{n}">' for n in index_names
    )
    (root / "index.html").write_text(
        f"<html><head><title>x</title>{links}</head><body></body></html>"
    )
    return root


GRAPH = {  # a module graph, by hand: who imports whom
    "index.E1.js": 'import{a as b}from"./shared.S1.js";',
    "shared.S1.js": "export const a=1;",
    "Selectbox.A1.js": 'import{a}from"./shared.S1.js";import{m}from"./menu.M1.js";'
    'import"./side.D1.js";',
    "menu.M1.js": 'import{x}from"./deep.P1.js";export const m=1;',
    "deep.P1.js": 'import{m}from"./menu.M1.js";export const x=2;',  # a cycle
    "side.D1.js": "",
    "Selectbox.esm.Z9.js": "",  # another module whose name starts the same
    "DataFrame.-q1.js": 'import{a}from"./shared.S1.js";import{g}from"./grid.G1.js";',
    "grid.G1.js": "",
}


def test_module_files_follow_static_imports_once_each(tmp_path):
    folder = fake_streamlit(tmp_path, GRAPH, ["index.E1.js"]) / "static" / "js"
    assert module_files(folder, ["Selectbox", "Missing"]) == [
        "Selectbox.A1.js", "shared.S1.js", "menu.M1.js", "side.D1.js", "deep.P1.js",
    ]  # fmt: skip
    assert module_files(folder, ["DataFrame"]) == ["DataFrame.-q1.js", "shared.S1.js", "grid.G1.js"]


def linked(links: bytes) -> list[str]:
    """The files `links` preload, checking each link's form."""
    tags = links.decode().splitlines()
    prefix, suffix = '<link rel="modulepreload" crossorigin href="./static/js/', '">'
    assert all(tag.startswith(prefix) and tag.endswith(suffix) for tag in tags), tags
    return [tag[len(prefix) : -len(suffix)] for tag in tags]


def test_preloads_leave_out_what_streamlits_page_already_names(tmp_path):
    root = fake_streamlit(tmp_path, GRAPH, ["index.E1.js", "shared.S1.js"])
    preloads = ModulePreloads(root, base="/class")
    every = ["Selectbox.A1.js", "menu.M1.js", "side.D1.js", "deep.P1.js"]
    assert linked(preloads.for_path("/class/")) == every
    assert linked(preloads.for_path("/class/inside_adam")) == every
    tables = linked(preloads.for_path("/class/experiments"))
    assert sorted(tables) == sorted([*every, "DataFrame.-q1.js", "grid.G1.js"])
    assert linked(preloads.for_path("/experiments")) == every  # not under the base: no page


def test_every_element_module_is_in_this_streamlit():
    folder = streamlit_static_dir() / "js"
    for name in (*ELEMENT_MODULES, *(n for names in PAGE_MODULES.values() for n in names)):
        assert module_files(folder, [name]), f"Streamlit has no module {name}.<hash>.js"


PAGE = (streamlit_static_dir().parent / "index.html").read_bytes()  # Streamlit's page


HTML = (b"content-type", b"text/html; charset=utf-8")


def streamlit_page(status=200, headers=(HTML,), body=PAGE):
    """Stands for Streamlit answering with its page, in two pieces, as a file would come."""

    async def inner(scope, receive, send):
        inner.scope = scope
        length = (b"content-length", str(len(body)).encode())
        await send({"type": "http.response.start", "status": status,
                    "headers": [*headers, length, (b"etag", b'"file"')]})  # fmt: skip
        await send({"type": "http.response.body", "body": body[:20], "more_body": True})
        await send({"type": "http.response.body", "body": body[20:]})

    return inner


@pytest.mark.parametrize(
    ("path", "gzipped"), [("/", False), ("/inside_adam", True), ("/experiments", False)]
)
def test_streamlits_page_gets_the_links_before_its_head_ends(path, gzipped):
    # Streamlit gzips the page at a page's path (not at /) for a browser that takes gzip.
    encoding = [(b"content-encoding", b"gzip")] if gzipped else []
    inner = streamlit_page(headers=[HTML, *encoding], body=gzip.compress(PAGE) if gzipped else PAGE)
    app = StaticAssets(inner, base_url="")
    status, headers, body = request(app, path, extensions={"http.response.pathsend": {}})
    links = app.preloads.for_path(path)
    assert links.count(b'rel="modulepreload"') >= len(ELEMENT_MODULES)
    assert (b"/DataFrame." in links) == (path == "/experiments")  # the table's code, 1.5 MB
    assert status == 200 and body == PAGE.replace(b"</head>", links + b"</head>")
    assert headers[b"content-length"] == str(len(body)).encode()
    assert b"etag" not in headers  # it named Streamlit's file
    assert b"content-encoding" not in headers
    assert "http.response.pathsend" not in inner.scope["extensions"]  # a body to rewrite


OTHER_HTML = b"<html><head><title>a figure</title></head><body></body></html>"


@pytest.mark.parametrize(
    ("method", "status", "headers", "body"),
    [
        ("HEAD", 200, [HTML], PAGE),
        ("GET", 304, [HTML], PAGE),
        ("GET", 200, [HTML, (b"content-encoding", b"br")], PAGE),
        ("GET", 206, [HTML, (b"content-range", b"bytes 0-9/99")], PAGE),
        ("GET", 200, [(b"content-type", b"application/json")], PAGE),
        # A download of an HTML file (the Playground's animation; here even one with the
        # page's very bytes), and any HTML that is not Streamlit's page: never rewritten.
        ("GET", 200, [HTML, (b"content-disposition", b"attachment")], PAGE),
        ("GET", 200, [HTML], OTHER_HTML),
        ("GET", 200, [HTML, (b"content-encoding", b"gzip")], gzip.compress(OTHER_HTML)),
    ],
)
def test_any_other_answer_goes_through_as_it_is(method, status, headers, body):
    app = StaticAssets(streamlit_page(status, headers, body), base_url="")
    got_status, got_headers, got_body = request(app, "/", method=method)
    assert (got_status, got_body) == (status, body)
    assert got_headers[b"content-length"] == str(len(body)).encode()
    assert got_headers[b"etag"] == b'"file"'
