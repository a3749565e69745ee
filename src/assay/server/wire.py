"""JSON on the wire: orjson for speed, with non-finite floats kept.

JSON has no NaN or infinity, yet metrics and annotations may hold them and must arrive as they left. Over
``/api/v1`` a non-finite float travels as the object ``{"$assay:float": "NaN"}`` (or ``"Infinity"``,
``"-Infinity"``), the same convention the store uses, so every body stays standard JSON that any client
(the web app's included) can parse. The HTTP transport applies the same rule on its side.
"""

from __future__ import annotations

import gc
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import pydantic_core
from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

__all__ = ["FLOAT_TAG", "LARGE_BODY", "WireJSONResponse", "WireRoute", "decode", "encode"]

#: Request bodies of this many bytes or more are handled with the cyclic garbage collector paused.
LARGE_BODY = 1_000_000

#: The key of the object that stands for a non-finite float.
FLOAT_TAG = "$assay:float"

_FLOAT_TAG_BYTES = b'"' + FLOAT_TAG.encode() + b'"'
_NAMES = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_FIELD_NAMES: dict[type[BaseModel], dict[str, str]] = {}
_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = [True]


def _tag(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return {FLOAT_TAG: "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")}
    if isinstance(value, dict):
        return {key: _tag(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_tag(item) for item in value]
    return value


def _untag(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and FLOAT_TAG in value and value[FLOAT_TAG] in _NAMES:
            return _NAMES[value[FLOAT_TAG]]
        return {key: _untag(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_untag(item) for item in value]
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
    if isinstance(value, list | tuple) and value and isinstance(value[0], BaseModel):
        return [_plain(item) for item in value]
    return value


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Decoding a large body creates millions of containers, and the cyclic collector would run over and
    # over while they are made; none of them can be garbage yet, so it is paused (and its state restored).
    global _gc_pauses
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled[0] = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled[0]:
                gc.enable()


def encode(value: Any) -> bytes:
    """Encode records, lists of records or JSON-able data as wire JSON.

    Args:
        value: A pydantic model, a list of them, or dicts, lists, strings, numbers, booleans, datetimes
            and ``None``.

    Returns:
        UTF-8 JSON in which every non-finite float is tagged.
    """
    with _gc_paused():
        data = _plain(value)
        # Writing non-finite floats as literals makes them cheap to detect; only then is the data walked.
        encoded = pydantic_core.to_json(data, inf_nan_mode="constants")
        if b"NaN" in encoded or b"Infinity" in encoded:
            encoded = orjson.dumps(_tag(data), option=orjson.OPT_NON_STR_KEYS)
    return encoded


def decode(body: bytes | str) -> Any:
    """Decode wire JSON, turning tagged objects back into non-finite floats.

    Raises:
        orjson.JSONDecodeError: the body is not JSON (a subclass of :class:`json.JSONDecodeError`).
    """
    marker: Any = _FLOAT_TAG_BYTES if isinstance(body, bytes) else _FLOAT_TAG_BYTES.decode()
    with _gc_paused():
        value = orjson.loads(body)
        return _untag(value) if marker in body else value


class WireJSONResponse(Response):
    """A JSON response encoded by :func:`encode`: records as they are, non-finite floats kept."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        """Encode the content."""
        return encode(content)


class _WireRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = decode(await self.body())
        return self._json


class WireRoute(APIRoute):
    """An API route whose JSON request bodies are parsed by :func:`decode` (orjson, non-finite floats)."""

    def get_route_handler(self) -> Any:
        """Wrap the handler so that it sees a request that decodes wire JSON."""
        handler = super().get_route_handler()

        async def wire_handler(request: Request) -> Response:
            wire_request = _WireRequest(request.scope, request.receive)
            if int(request.headers.get("content-length") or 0) < LARGE_BODY:
                return await handler(wire_request)
            # A bulk upload is decoded, validated and stored with the collector paused: its rows stay alive
            # until it is stored, and collections would walk over all of them again and again.
            with _gc_paused():
                return await handler(wire_request)

        return wire_handler
