"""JSON encoding of stored documents and the identity key of a test sample.

Documents are encoded with orjson. JSON has no NaN or infinity, yet metric values and annotations may hold
them and must survive storage, so a non-finite float is stored as ``{"$assay:float": "NaN"}`` (or
``"Infinity"``, ``"-Infinity"``) and restored on load. orjson writes a non-finite float as ``null``, so the
slow walk that looks for them runs only on documents whose encoding contains ``null``.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from assay._wire import FLOAT_TAG_BYTES, has_nonfinite, tag_nonfinite, untag_nonfinite
from assay.errors import InputValidationError

__all__ = [
    "canonical",
    "dumps",
    "loads",
    "sample_key",
]


def _encode(value: Any, option: int) -> bytes:
    try:
        encoded = orjson.dumps(value, option=option)
    except orjson.JSONEncodeError as exc:
        raise InputValidationError(
            f"a value cannot be stored as JSON ({exc}); data objects hold strings, numbers, booleans, None, "
            "lists and dicts with string keys",
            reason=str(exc),
        ) from exc
    if b"null" in encoded and has_nonfinite(value):
        encoded = orjson.dumps(tag_nonfinite(value), option=option)
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
    marker: Any = FLOAT_TAG_BYTES if isinstance(text, bytes) else FLOAT_TAG_BYTES.decode()
    if marker in text:
        return untag_nonfinite(value)
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
