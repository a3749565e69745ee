"""JSON on the wire of ``/api/v1``: responses and request bodies encoded by :mod:`assay._wire`.

Over the API a non-finite float travels as ``{"$assay:float": "NaN"}`` (or ``"Infinity"``, ``"-Infinity"``),
the convention the store and the HTTP transport share, so every body stays standard JSON.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from assay._bulk import gc_paused
from assay._wire import FLOAT_TAG, decode, encode

__all__ = ["FLOAT_TAG", "LARGE_BODY", "WireJSONResponse", "WireRoute", "decode", "encode"]

#: Request bodies of this many bytes or more are handled with the cyclic garbage collector paused.
LARGE_BODY = 1_000_000


class WireJSONResponse(JSONResponse):
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
            with gc_paused():
                return await handler(wire_request)

        return wire_handler
