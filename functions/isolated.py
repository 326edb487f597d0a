"""Run one function call in a child process under a CPU-time limit.

SymPy simplifies as it builds and differentiates, and some short, harmless-looking inputs send
it into many seconds of algebra. A thread cannot be stopped, and one that computes holds the
interpreter lock of the whole server; a child process can be. So each call runs in a process
forked from a helper that has imported the target's module once (about 10-20 ms a call on top
of its work), under `RLIMIT_CPU`, and is killed when it overruns.

The helper is a plain `python -c` process talking over its stdin and stdout, rather than
multiprocessing's fork server: that one re-imports the main script in every child, which under
`streamlit run` means all of Streamlit, again, for every call.
"""

from __future__ import annotations

import atexit
import importlib
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from typing import Any, BinaryIO

try:
    import resource
except ImportError:  # not on Windows: only the wall-clock limit applies there
    resource = None  # type: ignore[assignment]


class TooSlow(Exception):
    """The call used up its CPU time or its wall-clock time and was stopped."""


class Failed(Exception):
    """The call raised, or the child died; the message names what went wrong."""


class Unavailable(Exception):
    """No helper process could run the call (it could not start, or died): try again later."""


class Refused(Exception):
    """The call raised an exception it may raise: `args` are its class name, message, column."""


_HEADER = struct.Struct("!Q")
_PRELOAD: list[str] = []
# At most one child per core at a time: more would only share the same cores more slowly.
_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))
_IDLE: list[_Helper] = []
_IDLE_GUARD = threading.Lock()
_STARTUP_SECONDS = 60  # importing SymPy and warming it up, on a busy machine


def preload(*modules: str) -> None:
    """Import `modules` in every helper before its first child, so that children start warm."""
    _PRELOAD.extend(module for module in modules if module not in _PRELOAD)


def _send(stream: BinaryIO, data: bytes) -> None:
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: BinaryIO) -> bytes | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    return data if len(data) == size else None


# --- The helper process -----------------------------------------------------------------------


def _outcome(payload: bytes) -> tuple:
    target, args, refusals = pickle.loads(payload)
    module, _, name = target.partition(":")
    try:
        return ("ok", getattr(importlib.import_module(module), name)(*args))
    except Exception as error:
        if type(error).__name__ in refusals:
            return ("refused", type(error).__name__, str(error), getattr(error, "column", None))
        return ("failed", type(error).__name__)


def _run_child(cpu_seconds: int, wall_seconds: float, payload: bytes) -> tuple:
    """Fork, run the call in the child under the limits, and return its outcome."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, write the pickled outcome, and leave without cleanup
        try:
            os.close(read_end)
            if resource is not None:
                # SIGXCPU at the soft limit ends the process (the hard one is the backstop),
                # without leaving a core file behind.
                resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
                resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            data = pickle.dumps(_outcome(payload))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        finally:
            os._exit(0)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + wall_seconds
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([pipe], [], [], remaining)[0]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return ("too slow", f"no answer within {wall_seconds:g} s")
            chunk = pipe.read(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == getattr(signal, "SIGXCPU", None):
        return ("too slow", f"more than {cpu_seconds} s of CPU time")
    if not chunks:
        return ("failed", f"the child process ended with status {status}")
    return ("data", b"".join(chunks))


def _serve(modules: list[str]) -> None:
    """The helper's loop: one request in on stdin, one forked child, one reply out on stdout."""
    # Replies get their own descriptor; anything printed goes to stderr, children's included.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    for module in modules:
        importlib.import_module(module)
    requests = sys.stdin.buffer
    while (request := _receive(requests)) is not None:
        cpu_seconds, wall_seconds, payload = pickle.loads(request)
        _send(replies, pickle.dumps(_run_child(cpu_seconds, wall_seconds, payload)))


# --- The caller's side ------------------------------------------------------------------------


_HELPER = "import sys; from functions.isolated import _serve; _serve(sys.argv[1:])"


class _Helper:
    """One helper process; a call holds it alone."""

    def __init__(self) -> None:
        # The helper finds this package on the caller's own path.
        path = os.pathsep.join([entry or os.getcwd() for entry in sys.path])
        self.process = subprocess.Popen(
            [sys.executable, "-c", _HELPER, *_PRELOAD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
            start_new_session=True,  # a Ctrl-C for the caller is not one for the helper
        )

    def request(self, message: bytes, timeout: float) -> bytes:
        assert self.process.stdin is not None and self.process.stdout is not None
        _send(self.process.stdin, message)
        if not select.select([self.process.stdout], [], [], timeout)[0]:
            raise TimeoutError(f"the helper did not answer within {timeout:g} s")
        reply = _receive(self.process.stdout)
        if reply is None:
            raise EOFError("the helper ended")
        return reply

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _close_all() -> None:
    with _IDLE_GUARD:
        while _IDLE:
            _IDLE.pop().close()


atexit.register(_close_all)


def _idle_helper() -> _Helper | None:
    """A helper that is alive and free, if there is one."""
    with _IDLE_GUARD:
        while _IDLE:
            helper = _IDLE.pop()
            if helper.process.poll() is None:
                return helper
            helper.close()
    return None


def _in_this_process(target: str, args: tuple, refusals: tuple[str, ...]) -> tuple:
    return _outcome(pickle.dumps((target, args, refusals)))


def call(
    target: str,
    *args: Any,
    cpu_seconds: int,
    refusals: tuple[str, ...] = (),
) -> Any:
    """`module:function` called with `args` in a child process; its return value must pickle.

    Raises `TooSlow` past `cpu_seconds` of the child's CPU time (or four times that in wall
    time, for a machine too busy to give it the CPU), `Refused(name, message, column)` when the
    call raised an exception whose class name is in `refusals`, `Failed` when it raised another
    or its child died, and `Unavailable` when the helper process could not run it at all.

    >>> call("math:hypot", 3.0, 4.0, cpu_seconds=5)
    5.0
    """
    if not hasattr(os, "fork"):
        outcome = _in_this_process(target, args, refusals)  # no limit without fork
    else:
        wall_seconds = 4 * cpu_seconds
        message = pickle.dumps((cpu_seconds, wall_seconds, pickle.dumps((target, args, refusals))))
        with _SLOTS:
            helper = _idle_helper()
            try:
                if helper is None:
                    helper = _Helper()
                reply = helper.request(message, wall_seconds + _STARTUP_SECONDS)
            except (OSError, EOFError, TimeoutError) as error:
                if helper is not None:
                    helper.close()  # a helper that failed once is not trusted again
                raise Unavailable(str(error)) from None
            with _IDLE_GUARD:
                _IDLE.append(helper)
        status, detail = pickle.loads(reply)
        if status == "too slow":
            raise TooSlow(detail)
        if status == "failed":
            raise Failed(detail)
        outcome = pickle.loads(detail)
    if outcome[0] == "ok":
        return outcome[1]
    if outcome[0] == "refused":
        raise Refused(*outcome[1:])
    raise Failed(outcome[1])
