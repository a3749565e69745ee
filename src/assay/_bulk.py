"""Helpers for the bulk paths that turn many objects into plain data and back.

Building hundreds of thousands of small dicts and lists makes CPython's cyclic garbage collector run over and
over on objects that hold no cycles and cannot be garbage yet; pausing it for such a step makes serialisation
several times faster. Pauses nest and may overlap across threads (the server handles requests in a thread
pool): the collector runs again when the last pause ends, if it ran before the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]

_lock = threading.Lock()
_pauses = 0
_was_enabled = True


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk step (restored afterwards, also on error)."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
