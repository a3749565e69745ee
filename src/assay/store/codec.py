"""JSON encoding of stored documents and the identity key of a test sample.

Documents are encoded with orjson. JSON has no NaN or infinity, yet metric values and annotations may hold
them and must survive storage, so a non-finite float is stored as ``{"$assay:float": "NaN"}`` (or
``"Infinity"``, ``"-Infinity"``) and restored on load. orjson writes a non-finite float as ``null``, so the
slow walk that looks for them runs only on documents whose encoding contains ``null``.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

import orjson

from assay.errors import InputValidationError

__all__ = [
    "canonical",
    "dumps",
    "loads",
    "sample_key",
]

_FLOAT_TAG = "$assay:float"
_FLOAT_TAG_BYTES = b'"$assay:float"'
_NAMES = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _has_nonfinite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_nonfinite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_nonfinite(v) for v in value)
    return False


def _tag_nonfinite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        name = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        return {_FLOAT_TAG: name}
    if isinstance(value, dict):
        return {k: _tag_nonfinite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_tag_nonfinite(v) for v in value]
    return value


def _untag_nonfinite(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and value.get(_FLOAT_TAG) in _NAMES:
            return _NAMES[value[_FLOAT_TAG]]
        return {k: _untag_nonfinite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_untag_nonfinite(v) for v in value]
    return value


def _encode(value: Any, option: int) -> bytes:
    try:
        encoded = orjson.dumps(value, option=option)
    except orjson.JSONEncodeError as exc:
        raise InputValidationError(
            f"a value cannot be stored as JSON ({exc}); data objects hold strings, numbers, booleans, None, "
            "lists and dicts with string keys",
            reason=str(exc),
        ) from exc
    if b"null" in encoded and _has_nonfinite(value):
        encoded = orjson.dumps(_tag_nonfinite(value), option=option)
    return encoded


def dumps(value: Any) -> str:
    """Encode a JSON-able value for storage, keeping non-finite floats.

    Args:
        value: Dicts, lists, strings, numbers, booleans and ``None``.

    Returns:
        The JSON text.

    Raises:
        InputValidationError: the value holds something JSON cannot (a set, an object, a huge integer).
    """
    return _encode(value, 0).decode()


def loads(text: str | bytes) -> Any:
    """Decode what :func:`dumps` wrote, restoring non-finite floats."""
    value = orjson.loads(text)
    marker: Any = _FLOAT_TAG_BYTES if isinstance(text, bytes) else _FLOAT_TAG_BYTES.decode()
    if marker in text:
        return _untag_nonfinite(value)
    return value


def canonical(value: Any) -> bytes:
    """The canonical encoding of a value: JSON with sorted keys, non-finite floats tagged."""
    return _encode(value, orjson.OPT_SORT_KEYS)


def sample_key(test_sample: dict[str, Any]) -> str:
    """The identity of a test sample within its workflow.

    Args:
        test_sample: The sample's ``_to_dict()`` (metadata excluded).

    Returns:
        The SHA-256 hex digest of the sample's canonical JSON.
    """
    return hashlib.sha256(canonical(test_sample)).hexdigest()
