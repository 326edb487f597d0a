"""The files a browser fetches before and beside the page, served from memory.

A first visit fetches about 120 files: Streamlit's scripts, styles and fonts (`/static/…`,
their names carry a hash of their content) and the chart component's page, script and
plotly.js bundle (`/component/ui.chart.adam_lab_chart…/…`). Streamlit's own file handler
costs about 2–3 ms of server CPU for each, on the event loop that also carries every session's
messages: about a quarter of a second per visitor. `StaticAssets`, an ASGI middleware in
front of Streamlit (`app.py`), answers them from memory in a tenth of that, with the same
caching headers plus an ETag; every other request goes on to Streamlit.

Only files listed when the middleware starts are served, by exact path: nothing a request
names is looked up on disk, so no path can climb out of the two folders. A class behind nginx
(serve/classroom.py) gets these files from nginx instead, compressed.

The page itself (Streamlit's `index.html`, for `/` and every page's path) still comes from
Streamlit, with one addition: links that let the browser fetch, at once, the code of the
elements the app draws (`ModulePreloads`). Streamlit fetches the code of each kind of element
(a selectbox, a slider, the chart's frame, a formula) only when the page first shows one,
after the script's messages have arrived, and some of it only after the code before it ran:
on a first visit a chain of fetches while the page waits, each a round trip. Named up front,
that code loads while the server runs the script. (From 127.0.0.1, where a round trip costs
nothing, the Playground's first load is about 40 ms sooner; over a network, more.) Nothing
else is rewritten: HTML that is not Streamlit's page, a download say, goes through as it is.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import mimetypes
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from starlette.types import ASGIApp, Receive, Scope, Send

# The chart component's files and the names ui.chart declares it under (not imported from
# there: ui.chart declares its component when imported, which must wait for the runtime).
CHART_FILES = Path(__file__).resolve().parent / "chart" / "frontend"
CHART_COMPONENTS = ("ui.chart.adam_lab_chart", "ui.chart.adam_lab_chart_3d")
IMMUTABLE = b"public, immutable, max-age=31536000"  # Streamlit's own, for hashed names
REVALIDATE = b"no-cache"  # the chart's names carry no hash: the browser asks (a 304)
# Streamlit's modules (its file names without their content hash) for the elements the pages
# draw: every page gets these, a few hundred KB. A name a later Streamlit drops is left out,
# and tests/browser/test_navigation.py then finds a page fetching code no link named.
ELEMENT_MODULES = ("Selectbox", "Multiselect", "TextInput", "NumberInput", "Slider", "Checkbox",
                   "Button", "DownloadButton", "Progress", "ComponentInstance",
                   "rehype-katex")  # fmt: skip
# st.dataframe's code (1.5 MB) only for the pages that show a table, by their URL path.
PAGE_MODULES = {"experiments": ("DataFrame",), "basins": ("DataFrame",), "noise": ("DataFrame",)}
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".woff2": "font/woff2",
         ".ttf": "font/ttf", ".map": "application/json"}  # fmt: skip


def streamlit_static_dir() -> Path:
    """Streamlit's own scripts, styles and fonts (its `static/static` folder), found without
    importing Streamlit."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or spec.origin is None:
        raise RuntimeError("streamlit is not installed")
    return Path(spec.origin).parent / "static" / "static"


def url_base(base_url: str) -> str:
    """Streamlit's `server.baseUrlPath` as a path prefix: "" or "/class"."""
    return "/" + base_url.strip("/") if base_url.strip("/") else ""


def asset_folders(base_url: str = "") -> dict[str, tuple[Path, bytes]]:
    """URL prefix -> (folder, Cache-Control) of everything `StaticAssets` serves."""
    base = url_base(base_url)
    folders = {f"{base}/static/": (streamlit_static_dir(), IMMUTABLE)}
    for name in CHART_COMPONENTS:
        folders[f"{base}/component/{name}/"] = (CHART_FILES, REVALIDATE)
    return folders


# A module's static imports in Streamlit's bundles: `import{a as b}from"./x.js"`, `import"./y.js"`.
_IMPORT = re.compile(rb'(?:\bfrom|\bimport)\s*"\./([\w.\-]+\.js)"')
_LISTED = re.compile(r"\./static/js/([\w.\-]+\.js)")


def module_files(folder: Path, names: Iterable[str]) -> list[str]:
    """The files in `folder` of the modules `names` (`<name>.<hash>.js`) and of everything
    they import, directly or not, in the order first met; names without a file are left out."""
    files: list[str] = []
    for name in names:  # `<name>.<hash>.js`, not `<name>.esm.<hash>.js`
        files += sorted(path.name for path in folder.glob(f"{name}.*.js")
                        if path.name.count(".") == name.count(".") + 2)  # fmt: skip
    seen: set[str] = set()
    ordered: list[str] = []
    while files:
        file = files.pop(0)
        if file in seen or not (folder / file).is_file():
            continue
        seen.add(file)
        ordered.append(file)
        files += [m.decode() for m in _IMPORT.findall((folder / file).read_bytes())]
    return ordered


class ModulePreloads:
    """`<link rel="modulepreload">` tags for a page of the app: the modules of
    `ELEMENT_MODULES` (and the page's own `PAGE_MODULES`) with all they import, less what
    Streamlit's `index.html` already names."""

    def __init__(self, static_root: Path, base: str = "") -> None:
        self.base = base
        folder = static_root / "static" / "js"
        self.page = (static_root / "index.html").read_bytes()  # Streamlit's page, as served
        listed = set(_LISTED.findall(self.page.decode("utf-8")))
        self.links: dict[str, bytes] = {}
        for page in ("", *PAGE_MODULES):
            names = (*ELEMENT_MODULES, *PAGE_MODULES.get(page, ()))
            files = [f for f in module_files(folder, names) if f not in listed]
            self.links[page] = "".join(
                f'<link rel="modulepreload" crossorigin href="./static/js/{file}">\n'
                for file in files
            ).encode()

    def for_path(self, path: str) -> bytes:
        """The links for the page at URL `path` (a path outside the app's pages gets the
        elements' links: Streamlit answers it with the same page)."""
        page = path[len(self.base) :].strip("/").split("/")[0] if path.startswith(self.base) else ""
        return self.links.get(page, self.links[""])

    def wrap(self, path: str, send: Send) -> Send:
        """`send` for a GET of `path`: Streamlit's page (its `index.html`, plain or gzipped)
        gets the links just before `</head>`, sent uncompressed with its length set again.
        Any other answer goes through as it is: an HTML download (`Content-Disposition`) is
        not even held, and other HTML whose body is not Streamlit's page is sent as it came.
        (Streamlit gzips the page at a page's path, not the one at `/`.)"""
        start: dict | None = None
        gzipped = False
        chunks: list[bytes] = []

        async def wrapped(message: dict) -> None:
            nonlocal start, gzipped
            if message["type"] == "http.response.start":
                headers = {name.lower(): value for name, value in message.get("headers", [])}
                encoding = headers.get(b"content-encoding", b"identity").lower()
                if (
                    message["status"] == 200
                    and headers.get(b"content-type", b"").startswith(b"text/html")
                    and encoding in (b"identity", b"gzip")
                    and not {b"content-range", b"content-disposition"} & headers.keys()
                ):
                    start, gzipped = message, encoding == b"gzip"  # held for the whole body
                    return
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                await self._send_page(path, start, b"".join(chunks), gzipped, send)
                return
            await send(message)

        return wrapped

    async def _send_page(
        self, path: str, start: dict, body: bytes, gzipped: bool, send: Send
    ) -> None:
        """Send the held answer: Streamlit's page with the links, anything else as it came."""
        if (gzip.decompress(body) if gzipped else body) != self.page:
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        page = self.page.replace(b"</head>", self.for_path(path) + b"</head>", 1)
        # The ETag and date name Streamlit's file, not this page.
        dropped = (b"content-length", b"content-encoding", b"etag", b"last-modified")
        headers = [(n, v) for n, v in start["headers"] if n.lower() not in dropped]
        headers.append((b"content-length", str(len(page)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": page})


class Asset(NamedTuple):
    body: bytes
    headers: list[tuple[bytes, bytes]]
    etag: bytes


def load_asset(path: Path, cache_control: bytes) -> Asset:
    body = path.read_bytes()
    kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    kind = kind or "application/octet-stream"
    etag = b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'
    headers = [(b"content-type", kind.encode()), (b"cache-control", cache_control),
               (b"etag", etag)]  # fmt: skip
    return Asset(body, headers, etag)


class StaticAssets:
    """ASGI middleware: GET and HEAD of a file in `asset_folders()` from memory (each file
    read on its first request and kept: at most the two folders, about 28 MB); anything else
    to `app`."""

    def __init__(self, app: ASGIApp, base_url: str | None = None) -> None:
        self.app = app
        if base_url is None:
            from streamlit import config

            base_url = config.get_option("server.baseUrlPath") or ""
        self.files: dict[str, tuple[Path, bytes]] = {}
        for prefix, (folder, cache_control) in asset_folders(base_url).items():
            for path in folder.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    self.files[prefix + path.relative_to(folder).as_posix()] = (path, cache_control)
        self.loaded: dict[str, Asset] = {}
        self.preloads = ModulePreloads(streamlit_static_dir().parent, url_base(base_url))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = (
            self.files.get(scope["path"])
            if scope["type"] == "http" and scope["method"] in ("GET", "HEAD")
            else None
        )
        if found is None:
            if scope["type"] == "http" and scope["method"] == "GET":
                # Streamlit's page (for `/` and every page's path): links to the elements'
                # code. Sent whole, not as a file (`http.response.pathsend`), to be rewritten.
                extensions = {
                    name: value
                    for name, value in (scope.get("extensions") or {}).items()
                    if name != "http.response.pathsend"
                }
                scope = {**scope, "extensions": extensions}
                send = self.preloads.wrap(scope["path"], send)
            await self.app(scope, receive, send)
            return
        asset = self.loaded.get(scope["path"])
        if asset is None:
            asset = self.loaded[scope["path"]] = load_asset(*found)
        unchanged = any(
            name == b"if-none-match" and asset.etag in value.split(b", ")
            for name, value in scope["headers"]
        )
        if unchanged:
            await send({"type": "http.response.start", "status": 304, "headers": asset.headers})
            await send({"type": "http.response.body", "body": b""})
            return
        length = (b"content-length", str(len(asset.body)).encode())
        await send({"type": "http.response.start", "status": 200,
                    "headers": [*asset.headers, length]})  # fmt: skip
        await send({"type": "http.response.body",
                    "body": asset.body if scope["method"] == "GET" else b""})  # fmt: skip
