"""Serve Adam Lab to a class: several Streamlit processes behind one nginx, started by one command.

    python serve/classroom.py                                # 2 processes, http://127.0.0.1:8500
    python serve/classroom.py --processes 3 --port 8080 --host 0.0.0.0   # reachable on the LAN
    python serve/classroom.py --gc-off                       # runner.postScriptGC = false

One Streamlit process runs every session's script under one GIL, so a class needs several
processes. nginx (Debian's package, run in the foreground as the current user, with its pid,
logs and temp files in one folder) passes the websocket through and keeps each browser on one
process with a cookie, because Streamlit keeps a session's state and media in the process that
made them. Ready when every process and the proxy answer their health check; Ctrl-C or SIGTERM
stops the whole process group. How it works and how to grow it: docs/serving.md.
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import gzip
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: the project's packages
    sys.path.insert(0, str(ROOT))

from ui.assets import (  # noqa: E402
    CHART_COMPONENTS,
    CHART_FILES,
    IMMUTABLE,
    REVALIDATE,
    streamlit_static_dir,
)

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
# Files worth compressing: scripts, styles, pages, vector images, fonts that are not woff2.
COMPRESSED = frozenset({".js", ".css", ".html", ".svg", ".json", ".map", ".ttf", ".txt"})
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ROUTE_COOKIE = "adamlab_route"
# Health checks go straight to 127.0.0.1: never through an HTTP proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_command(port: int, gc_off: bool = False) -> list[str]:
    """`streamlit run app.py` on 127.0.0.1:`port`, headless, no file watcher (nothing reloads)."""
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--server.runOnSave", "false",
    ]  # fmt: skip
    if gc_off:
        # Streamlit's full gc.collect() after every run costs ~100 ms of CPU per change.
        command += ["--runner.postScriptGC", "false"]
    return command


def prepare_assets(target: Path, sources: dict[str, Path] | None = None) -> Path:
    """Copy the files nginx serves itself into `target/<name>/` with a gzip-compressed twin
    (`file.gz`) of each text file beside it, made once here for nginx's `gzip_static`.

    The sources are Streamlit's static folder (`streamlit`) and the chart component's files
    (`chart`). Everything is world-readable: nginx's workers may run as `nobody`.
    """
    sources = sources or {"streamlit": streamlit_static_dir(), "chart": CHART_FILES}
    shutil.rmtree(target, ignore_errors=True)
    for name, source in sources.items():
        for path in sorted(source.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            copy = target / name / path.relative_to(source)
            copy.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes()
            copy.write_bytes(data)
            copy.chmod(0o644)
            if path.suffix in COMPRESSED:
                twin = copy.with_name(copy.name + ".gz")
                twin.write_bytes(gzip.compress(data, compresslevel=6, mtime=0))
                twin.chmod(0o644)
    for folder in [target, *[p for p in target.rglob("*") if p.is_dir()]]:
        folder.chmod(0o755)
    return target


def _asset_locations(assets: Path | None) -> str:
    """The nginx locations that serve `prepare_assets`' folders (none without them)."""
    if assets is None:
        return "        # Streamlit's static files and the chart's files come from Streamlit too."
    names = "|".join(
        name.removeprefix("ui.chart.").replace(".", r"\.") for name in CHART_COMPONENTS
    )
    return f"""        # Streamlit's scripts, styles and fonts: their names carry a hash of their
        # content, so browsers keep them for a year. nginx sends the twin compressed ahead
        # of time (gzip_static), about a quarter of the bytes, to browsers that accept gzip.
        location /static/ {{
            alias "{assets}/streamlit/";
            gzip_static on;
            add_header Cache-Control "{IMMUTABLE.decode()}";
        }}
        # The chart component's page, script and plotly.js bundles (ui/chart/frontend):
        # browsers revalidate them (a 304 when unchanged), since their names have no hash.
        location ~ ^/component/ui\\.chart\\.(?:{names})/(?<file>.+)$ {{
            alias "{assets}/chart/$file";
            gzip_static on;
            add_header Cache-Control "{REVALIDATE.decode()}";
        }}"""


def nginx_config(
    listen: str, upstream_ports: list[int], prefix: Path, assets: Path | None = None
) -> str:
    """The nginx configuration from serve/nginx.conf.template for these ports and this prefix;
    with `assets` (see `prepare_assets`), nginx serves those files itself."""
    # As root, nginx's workers switch to an unprivileged user (the master only binds the port).
    user_line = f"user nobody {_nobody_group()};" if os.geteuid() == 0 else "# the current user"
    # Passive health checks (nginx's defaults): a process that stopped answering is skipped
    # for 10 s, and its browsers reconnect to another one with a fresh session.
    upstreams = "\n".join(f"        server 127.0.0.1:{port};" for port in upstream_ports)
    fields = {
        "@USER_LINE@": user_line,
        "@PREFIX@": str(prefix),
        "@COOKIE@": ROUTE_COOKIE,
        "@UPSTREAMS@": upstreams,
        "@LISTEN@": listen,
        "@ASSET_LOCATIONS@": _asset_locations(assets),
    }
    text = TEMPLATE.read_text()
    for name, value in fields.items():
        text = text.replace(name, value)
    if "@" in "".join(line.split("#")[0] for line in text.splitlines()):
        raise ValueError("serve/nginx.conf.template has a field this script does not fill in")
    return text


def _nobody_group() -> str:
    try:
        grp.getgrnam("nogroup")  # Debian's name; elsewhere the group is called nobody
    except KeyError:
        return "nobody"
    return "nogroup"


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with _DIRECT.open(url, timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Classroom:
    """N Streamlit processes serving app.py and, with `proxy=True`, nginx in front of them.

    `with Classroom(processes=2) as classroom: ... classroom.url ...` starts everything, waits
    for the health checks and stops the whole process group on exit. `server_pids` are the
    Streamlit processes (for RSS and CPU sampling), `proxy_pid` is nginx's master process.
    With the proxy, nginx serves Streamlit's static files and the chart's files itself, from
    `workdir/assets` (see `prepare_assets`); `serve_assets=False` leaves them to Streamlit.
    """

    def __init__(
        self,
        processes: int = 2,
        port: int = 0,
        *,
        proxy: bool = True,
        gc_off: bool = False,
        serve_assets: bool = True,
        host: str = "127.0.0.1",
        root: Path = ROOT,
        workdir: Path | None = None,
        keep_workdir: bool = False,
    ) -> None:
        if processes < 1:
            raise ValueError(f"Invalid processes: {processes} (must be at least 1)")
        if not proxy and processes != 1:
            raise ValueError("several processes need the proxy in front of them")
        self.processes, self.port, self.proxy, self.gc_off = processes, port, proxy, gc_off
        self.serve_assets = serve_assets and proxy  # nginx serves the static files itself
        self.assets: Path | None = None
        self.host, self.root = host, Path(root)
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="adamlab-class-"))
        self.keep_workdir = keep_workdir
        self.upstream_ports: list[int] = []
        self.url = ""
        self._servers: list[subprocess.Popen] = []
        self._nginx: subprocess.Popen | None = None
        self._group: int | None = None
        self._env: dict[str, str] | None = None

    # -- the process group ---------------------------------------------------------------------
    def _spawn(
        self, command: list[str], log: Path, env: dict[str, str] | None = None
    ) -> subprocess.Popen:
        """Start `command` in the classroom's process group (the first one founds it)."""
        process = subprocess.Popen(
            command,
            cwd=self.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            # A group of its own: Ctrl-C in the terminal reaches only this script, which then
            # stops everything in order instead of leaving half the class running.
            process_group=0 if self._group is None else self._group,
        )
        if self._group is None:
            self._group = process.pid
        return process

    @property
    def server_pids(self) -> list[int]:
        return [server.pid for server in self._servers]

    @property
    def proxy_pid(self) -> int | None:
        return self._nginx.pid if self._nginx else None

    def start(self, timeout: float = 120) -> str:
        """Start the processes and the proxy; the class URL once everything is healthy."""
        try:
            return self._start(timeout)
        except BaseException:
            self.stop()
            raise

    def _start(self, timeout: float) -> str:
        if self.proxy and not Path(NGINX).exists():
            raise RuntimeError(f"nginx not found at {NGINX} (Debian: apt-get install nginx)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = self._env = dict(os.environ)
        # One cookie secret for all processes, so a cookie one of them signed is valid in all.
        env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
        self.upstream_ports = [free_port() for _ in range(self.processes)]
        for index, port in enumerate(self.upstream_ports):
            log = self.workdir / f"streamlit-{index}.log"
            self._servers.append(self._spawn(streamlit_command(port, self.gc_off), log, env))
        deadline = time.monotonic() + timeout
        if self.serve_assets:  # while the processes start (about a second)
            chart = self.root / CHART_FILES.relative_to(ROOT)  # the served checkout's
            sources = {"streamlit": streamlit_static_dir(), "chart": chart}
            self.assets = prepare_assets(self.workdir / "assets", sources)
        for index, (server, port) in enumerate(
            zip(self._servers, self.upstream_ports, strict=True)
        ):
            log = self.workdir / f"streamlit-{index}.log"
            self._wait(f"http://127.0.0.1:{port}", server, log, deadline)
        if not self.proxy:
            self.url = f"http://127.0.0.1:{self.upstream_ports[0]}"
            return self.url
        self._start_nginx(deadline)
        return self.url

    def _start_nginx(self, deadline: float) -> None:
        prefix = self.workdir / "nginx"
        prefix.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            # Workers run as nobody: they must reach their temp folders inside the prefix.
            for folder in (self.workdir, prefix):
                folder.chmod(0o711)
        port = self.port or free_port()
        listen = f"{self.host}:{port}"
        config = prefix / "nginx.conf"
        config.write_text(nginx_config(listen, self.upstream_ports, prefix, self.assets))
        log = self.workdir / "nginx.log"
        command = [NGINX, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log"),
                   "-g", "daemon off;"]  # fmt: skip
        self._nginx = self._spawn(command, log)
        shown = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        self.url = f"http://{shown}:{port}"
        self._wait(self.url, self._nginx, prefix / "error.log", deadline)

    def _wait(self, url: str, process: subprocess.Popen, log: Path, deadline: float) -> None:
        """Wait until `url` answers its health check; fail early if `process` has exited."""
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{Path(process.args[0]).name} exited with {process.returncode} before "
                    f"{url} was healthy; end of {log}:\n{_tail(log)}"
                )
            if http_ok(f"{url}/_stcore/health"):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{url} was not healthy in time; end of {log}:\n{_tail(log)}")

    def stop(self, grace: float = 10) -> None:
        """SIGTERM to the whole process group, SIGKILL to what is left after `grace` seconds."""
        children = [*self._servers, *([self._nginx] if self._nginx else [])]
        if self._group is not None:
            for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self._group, sig)
                except ProcessLookupError:
                    break
                end = time.monotonic() + wait
                for child in children:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        child.wait(timeout=max(0.0, end - time.monotonic()))
                if all(child.poll() is not None for child in children):
                    break
        for child in children:
            if child.stdout:
                child.stdout.close()
        self._servers, self._nginx, self._group = [], None, None
        if self._own_workdir and not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def revive(self) -> list[str]:
        """Restart any Streamlit process that has exited, on its port; what happened, as lines.

        Its students lost their sessions (their browsers reconnect and start afresh); the rest
        of the class carries on. A dead nginx cannot be revived here: that raises RuntimeError.
        """
        if self._nginx is not None and self._nginx.poll() is not None:
            raise RuntimeError(f"nginx exited with {self._nginx.returncode}")
        events = []
        for index, server in enumerate(self._servers):
            if server.poll() is None:
                continue
            if server.stdout:
                server.stdout.close()
            log = self.workdir / f"streamlit-{index}.log"
            events.append(f"streamlit process {index} exited with {server.returncode}; restarted")
            log.rename(log.with_suffix(f".{int(time.time())}.log"))
            command = streamlit_command(self.upstream_ports[index], self.gc_off)
            self._servers[index] = self._spawn(command, log, self._env)
        return events

    def __enter__(self) -> Classroom:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _stop_on(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2, help="Streamlit processes (default 2)")
    parser.add_argument("--port", type=int, default=8500, help="the class's port (default 8500)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address nginx listens on (default 127.0.0.1; 0.0.0.0 for the whole network)",
    )
    parser.add_argument(
        "--gc-off", action="store_true", help="start Streamlit with runner.postScriptGC false"
    )
    parser.add_argument(
        "--workdir", type=Path, help="folder for logs and nginx's files (default: a temp folder)"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on)
    classroom = Classroom(
        args.processes,
        args.port,
        gc_off=args.gc_off,
        host=args.host,
        workdir=args.workdir,
        keep_workdir=args.workdir is not None,
    )
    try:
        url = classroom.start()
        print(f"Adam Lab for a class: {url}  ({args.processes} Streamlit processes behind nginx)")
        print(f"logs: {classroom.workdir}    stop: Ctrl-C", flush=True)
    except RuntimeError as error:
        print(f"could not start: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # start() has stopped what it had started
        return 130
    try:
        while True:
            for event in classroom.revive():
                print(event, file=sys.stderr, flush=True)
            time.sleep(1)
    except KeyboardInterrupt:
        print("stopping the class", flush=True)
        return 0
    except RuntimeError as error:
        print(f"stopping: {error}; logs in {classroom.workdir}", file=sys.stderr)
        classroom.keep_workdir = True
        return 1
    finally:
        classroom.stop()


if __name__ == "__main__":
    sys.exit(main())
