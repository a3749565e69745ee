"""Conditional responses for the web app's views: a strong ETag over the body, and ``304`` when it matches.

Views derived from immutable data (a suite version, a diff of two versions) are cached by the browser for a
year; views of data that may still grow (results of a run in progress, run lists) are revalidated on every
use, which costs the client a ``304`` and no body when nothing changed.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from assay.server.wire import WireJSONResponse, encode
from assay.service.results_view import strong_etag

__all__ = ["IMMUTABLE", "REVALIDATE", "conditional_encoded", "conditional_response", "etag_of"]

#: For bodies that can never change at this URL: suite versions, their diffs.
IMMUTABLE = "private, max-age=31536000, immutable"

#: For bodies that may change: the browser keeps them but asks, with ``If-None-Match``, before each use.
REVALIDATE = "private, no-cache"


def etag_of(body: bytes) -> str:
    """A strong entity tag of the exact bytes of a body."""
    return strong_etag(body)


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    return header.strip() == "*" or etag in (part.strip() for part in header.split(","))


def conditional_response(
    request: Request,
    content: Any,
    *,
    cache_control: str = REVALIDATE,
    headers: dict[str, str] | None = None,
) -> Response:
    """``content`` as wire JSON with its ETag, or an empty ``304 Not Modified`` if the client holds it.

    Args:
        request: The request, for its ``If-None-Match`` header.
        content: What to send (records, lists or plain JSON values).
        cache_control: :data:`IMMUTABLE` or :data:`REVALIDATE`.
        headers: More response headers (paging).
    """
    body = encode(content)
    return conditional_encoded(request, body, etag_of(body), cache_control=cache_control, headers=headers)


def conditional_encoded(
    request: Request,
    body: bytes,
    etag: str,
    *,
    cache_control: str = REVALIDATE,
    headers: dict[str, str] | None = None,
) -> Response:
    """:func:`conditional_response` of a body already encoded, whose ETag (:func:`etag_of`) is known.

    For views that keep their encoded bodies: a revalidation costs no encoding and no hashing.
    """
    sent = {"ETag": etag, "Cache-Control": cache_control, "Vary": "Authorization, Cookie", **(headers or {})}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=sent)
    return Response(content=body, media_type=WireJSONResponse.media_type, headers=sent)
