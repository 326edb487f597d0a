"""Keep freed memory for reuse: how a process running many batched steps should set malloc.

A step over a batch of 10 000 points makes arrays of 160 KB, above glibc's threshold for
handing memory straight back to the operating system; every step then page-faults its
temporaries in again, which costs about a third of the step. Asking malloc to keep a pad of
freed memory at the top of the heap makes the next step reuse it. The app and the benchmarks
call this once per process; it does nothing where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_TOP_PAD = -2  # glibc's mallopt parameter: bytes of freed memory the heap keeps


def keep_freed_memory(megabytes: int = 16) -> bool:
    """Let the heap keep `megabytes` of freed memory instead of returning it at once; True
    if the C library took the setting."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(M_TOP_PAD, int(megabytes) * 1024 * 1024))
    except (OSError, AttributeError, TypeError):
        return False
