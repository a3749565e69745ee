"""JSON as Assay writes it, on the wire and in the store: orjson for speed, non-finite floats kept.

JSON has no NaN or infinity, yet metrics and annotations may hold them and must come back as they went in.
A non-finite float is written as the object ``{"$assay:float": "NaN"}`` (or ``"Infinity"``, ``"-Infinity"``),
so every document stays standard JSON that any client (the web app's included) can parse. The server, the
HTTP transport and the store all use this module, so the convention lives in one place.
"""

from __future__ import annotations

import math
from typing import Any

import orjson
import pydantic_core
from pydantic import BaseModel

from assay._bulk import gc_paused

__all__ = ["FLOAT_TAG", "FLOAT_TAG_BYTES", "decode", "encode", "has_nonfinite", "tag_nonfinite", "untag_nonfinite"]

#: The key of the object that stands for a non-finite float.
FLOAT_TAG = "$assay:float"
#: ``FLOAT_TAG`` as it appears in encoded JSON: a cheap test for whether a document needs untagging.
FLOAT_TAG_BYTES = b'"' + FLOAT_TAG.encode() + b'"'

_NAMES = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_FIELD_NAMES: dict[type[BaseModel], dict[str, str]] = {}


def has_nonfinite(value: Any) -> bool:
    """Whether a JSON-able value holds a NaN or an infinity anywhere."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(has_nonfinite(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(has_nonfinite(item) for item in value)
    return False


def tag_nonfinite(value: Any) -> Any:
    """A copy of a JSON-able value with every non-finite float replaced by its tag object."""
    if isinstance(value, float) and not math.isfinite(value):
        return {FLOAT_TAG: "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")}
    if isinstance(value, dict):
        return {key: tag_nonfinite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [tag_nonfinite(item) for item in value]
    return value


def untag_nonfinite(value: Any) -> Any:
    """The inverse of :func:`tag_nonfinite`."""
    if isinstance(value, dict):
        if len(value) == 1 and FLOAT_TAG in value and value[FLOAT_TAG] in _NAMES:
            return _NAMES[value[FLOAT_TAG]]
        return {key: untag_nonfinite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [untag_nonfinite(item) for item in value]
    return value


def _field_names(cls: type[BaseModel]) -> dict[str, str]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = {
            name: field.serialization_alias or field.alias or name for name, field in cls.model_fields.items()
        }
    return names


def _plain(value: Any) -> Any:
    # Records become dicts one level at a time; data dicts inside them are shared, not copied, which keeps a
    # page of 10,000 rows cheap. (model_dump would copy every nested dict and list.)
    if isinstance(value, BaseModel):
        names = _field_names(type(value))
        return {names.get(key, key): _plain(item) for key, item in value.__dict__.items()}
    if isinstance(value, list | tuple) and value:
        # Lists of optional records (a row's cells) may start with None; a list of plain data is returned as is.
        first = next((item for item in value if item is not None), None)
        if isinstance(first, BaseModel):
            return [_plain(item) for item in value]
    return value


def encode(value: Any) -> bytes:
    """Encode records, lists of records, a dict of them, or JSON-able data as JSON.

    Args:
        value: A pydantic model, a list of them, a dict whose values are either, or dicts, lists, strings,
            numbers, booleans, datetimes and ``None``.

    Returns:
        UTF-8 JSON in which every non-finite float is tagged.
    """
    with gc_paused():
        data = {key: _plain(item) for key, item in value.items()} if isinstance(value, dict) else _plain(value)
        # Writing non-finite floats as literals makes them cheap to detect; only then is the data walked.
        encoded = pydantic_core.to_json(data, inf_nan_mode="constants")
        if b"NaN" in encoded or b"Infinity" in encoded:
            encoded = orjson.dumps(tag_nonfinite(data), option=orjson.OPT_NON_STR_KEYS)
    return encoded


def decode(body: bytes | str) -> Any:
    """Decode JSON written by :func:`encode`, turning tagged objects back into non-finite floats.

    Raises:
        orjson.JSONDecodeError: the body is not JSON (a subclass of :class:`json.JSONDecodeError`).
    """
    marker: Any = FLOAT_TAG_BYTES if isinstance(body, bytes) else FLOAT_TAG_BYTES.decode()
    with gc_paused():
        value = orjson.loads(body)
        return untag_nonfinite(value) if marker in body else value
