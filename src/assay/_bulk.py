"""Helpers for the bulk paths that turn many objects into plain data and back.

Building hundreds of thousands of small dicts and lists makes CPython's cyclic garbage collector run over and
over on objects that hold no cycles; pausing it for such a step makes serialisation several times faster.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk step (restored afterwards, also on error)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
