"""Downloads built once: the bytes of an export are kept for the few most recent settings.

A download button's data is a callable, so nothing is built until a click; this keeps the last
`KEEP` results, so that a second click (or another student with the same settings on the same
server) gets the same bytes at once. Bounded: at most `KEEP` exports (≤ ~15 MB each) are held.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import partial

KEEP = 4

_built: OrderedDict[Hashable, bytes] = OrderedDict()
_lock = threading.Lock()


def built_once(key: Hashable, build: Callable[[], bytes]) -> bytes:
    """`build()`'s bytes for `key`, built on the first call only (among the last `KEEP`)."""
    with _lock:
        if key in _built:
            _built.move_to_end(key)
            return _built[key]
    data = build()
    with _lock:
        _built[key] = data
        while len(_built) > KEEP:
            _built.popitem(last=False)
    return data


def lazily(key: Hashable, build: Callable[[], bytes]) -> Callable[[], bytes]:
    """A download button's `data`: builds on click, once per `key`."""
    return partial(built_once, key, build)
