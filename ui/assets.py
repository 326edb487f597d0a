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
"""

from __future__ import annotations

import hashlib
import importlib.util
import mimetypes
from pathlib import Path
from typing import NamedTuple

from starlette.types import ASGIApp, Receive, Scope, Send

# The chart component's files and the names ui.chart declares it under (not imported from
# there: ui.chart declares its component when imported, which must wait for the runtime).
CHART_FILES = Path(__file__).resolve().parent / "chart" / "frontend"
CHART_COMPONENTS = ("ui.chart.adam_lab_chart", "ui.chart.adam_lab_chart_3d")
IMMUTABLE = b"public, immutable, max-age=31536000"  # Streamlit's own, for hashed names
REVALIDATE = b"no-cache"  # the chart's names carry no hash: the browser asks (a 304)
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".woff2": "font/woff2",
         ".ttf": "font/ttf", ".map": "application/json"}  # fmt: skip


def streamlit_static_dir() -> Path:
    """Streamlit's own scripts, styles and fonts (its `static/static` folder), found without
    importing Streamlit."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or spec.origin is None:
        raise RuntimeError("streamlit is not installed")
    return Path(spec.origin).parent / "static" / "static"


def asset_folders(base_url: str = "") -> dict[str, tuple[Path, bytes]]:
    """URL prefix -> (folder, Cache-Control) of everything `StaticAssets` serves."""
    base = "/" + base_url.strip("/") if base_url.strip("/") else ""
    folders = {f"{base}/static/": (streamlit_static_dir(), IMMUTABLE)}
    for name in CHART_COMPONENTS:
        folders[f"{base}/component/{name}/"] = (CHART_FILES, REVALIDATE)
    return folders


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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = (
            self.files.get(scope["path"])
            if scope["type"] == "http" and scope["method"] in ("GET", "HEAD")
            else None
        )
        if found is None:
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
