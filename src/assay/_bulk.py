"""Helpers for the bulk paths that turn many objects into plain data and back.

Building hundreds of thousands of small dicts and lists makes CPython's cyclic garbage collector run over and
over on objects that hold no cycles and cannot be garbage yet; pausing it for such a step makes serialisation
several times faster. Pauses nest and may overlap across threads (the server handles requests in a thread
pool): the collector runs again when the last pause ends, if it ran before the first began.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

__all__ = ["bulk", "gc_paused"]

P = ParamSpec("P")
R = TypeVar("R")

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


def bulk(function: Callable[P, R]) -> Callable[P, R]:
    """Run a whole call with the collector paused.

    The call's temporary rows are freed when it returns, before the pause ends, so the collector never walks
    them; pausing the steps of a call one by one would make it walk them after each step.
    """

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with gc_paused():
            return function(*args, **kwargs)

    return paused
