"""Stored metrics remember which user class they came from, so that results load back as that class."""

from __future__ import annotations

import importlib
import logging
import sys
import weakref
from types import SimpleNamespace
from typing import Any

logger = logging.getLogger("assay")

TYPE_KEY = "_type"

# Classes this process has stored metrics of: found again even when defined inside a function.
_seen: dict[str, weakref.ref[type]] = {}
_warned: set[str] = set()


def class_path(cls: type) -> str:
    """``module:QualifiedName`` of a class."""
    return f"{cls.__module__}:{cls.__qualname__}"


def encode_metrics(metrics: Any) -> dict[str, Any]:
    """A metrics object as its dict, tagged with its class."""
    data: dict[str, Any] = metrics._to_dict()
    cls = type(metrics)
    path = class_path(cls)
    known = _seen.get(path)
    if known is None or known() is not cls:
        _seen[path] = weakref.ref(cls)
    data[TYPE_KEY] = path
    return data


def _resolve(path: str) -> type | None:
    known = _seen.get(path)
    if known is not None and known() is not None:
        return known()
    module_name, _, qualname = path.partition(":")
    module = sys.modules.get(module_name)
    if module is None:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return None
    target: Any = module
    for part in qualname.split("."):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target if isinstance(target, type) else None


def decode_metrics(data: dict[str, Any]) -> Any:
    """Rebuild a metrics object as the user's class; a plain namespace when that class cannot be imported."""
    data = dict(data)
    path = data.pop(TYPE_KEY, None)
    cls = _resolve(path) if isinstance(path, str) else None
    if cls is None or not hasattr(cls, "_from_dict"):
        if path not in _warned:
            _warned.add(str(path))
            logger.warning("metrics class %s cannot be imported; returning its fields as a namespace", path)
        return SimpleNamespace(**data)
    return cls._from_dict(data)
