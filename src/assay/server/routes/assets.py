"""``/app/assets``: thumbnails and originals of the files samples point at, by locator.

A locator is a ``file`` path inside a configured asset root (``ASSAY_ASSET_ROOTS``; anything outside, ``..``
included, is refused), an ``http(s)`` URL (proxied), or an ``s3://`` URI (redirected to a presigned URL when
credentials are configured). Thumbnails are made once and served as immutable; the gallery never loads
originals.
"""

from __future__ import annotations

from email.utils import formatdate
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse, RedirectResponse, StreamingResponse
from starlette.background import BackgroundTask

from assay.server.deps import AssetsDep
from assay.server.wire import WireRoute
from assay.service.assets import MAX_THUMBNAIL_SIZE, LocalFile, ProxiedAsset

router = APIRouter(route_class=WireRoute)

LocatorQuery = Annotated[str, Query(min_length=1, description="The asset's locator: file://, http(s):// or s3://.")]

# A thumbnail's URL names its locator and size, and its bytes change only with the source, which locators
# conventionally never do: let the browser keep it. ``private``: it was served to a signed-in user.
_THUMBNAIL_CACHE_CONTROL = "private, max-age=31536000, immutable"
# Originals may change in place on disk: the browser asks again, and the ETag makes that a 304.
_ORIGINAL_CACHE_CONTROL = "private, no-cache"
# A presigned URL expires: the redirect to it must not be remembered.
_REDIRECT_CACHE_CONTROL = "private, no-store"
# An asset is shown at the server's origin; an HTML or SVG one must not run scripts there.
_SANDBOX = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox"


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    # If-None-Match compares weakly (RFC 9110, 13.1.2): a W/ prefix does not matter.
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


def _file_response(request: Request, original: LocalFile) -> Response:
    response = FileResponse(original.path, media_type=original.media_type, stat_result=original.stat_result)
    response.headers["Cache-Control"] = _ORIGINAL_CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    if original.sandboxed:
        response.headers["Content-Security-Policy"] = _SANDBOX
    etag = response.headers["etag"]
    if _matches(request.headers.get("if-none-match"), etag):
        modified = formatdate(original.stat_result.st_mtime, usegmt=True)
        headers = {"ETag": etag, "Last-Modified": modified, "Cache-Control": _ORIGINAL_CACHE_CONTROL}
        return Response(status_code=304, headers=headers)
    return response


def _proxied_response(original: ProxiedAsset) -> Response:
    headers = {name.title(): value for name, value in original.headers.items()}
    headers["Cache-Control"] = _ORIGINAL_CACHE_CONTROL
    headers["X-Content-Type-Options"] = "nosniff"
    if original.sandboxed:
        headers["Content-Security-Policy"] = _SANDBOX
    media_type = headers.pop("Content-Type", None)
    return StreamingResponse(
        original.chunks,
        status_code=original.status_code,
        headers=headers,
        media_type=media_type,
        # Releases the upstream connection even when the client goes away before the end.
        background=BackgroundTask(original.close),
    )


@router.get("/app/assets/thumbnail", tags=["app"], response_class=Response)
def read_thumbnail(
    request: Request,
    assets: AssetsDep,
    locator: LocatorQuery,
    size: Annotated[int, Query(ge=16, le=MAX_THUMBNAIL_SIZE, description="The longer side in pixels.")] = 256,
) -> Response:
    """A thumbnail of an image asset, made on first request and cached on disk.

    JPEG for opaque images, WebP (PNG without WebP support) where transparency matters; upright (EXIF
    orientation applied); never enlarged. Sent with a strong ETag and as immutable; `If-None-Match` gives a 304.
    Errors: 403 outside the asset roots, 404 no such asset, 422 not an image (or too large for Pillow's
    decompression-bomb limit), 502 a remote server failed.
    """
    thumbnail = assets.thumbnail(locator, size)
    headers = {"ETag": thumbnail.etag, "Cache-Control": _THUMBNAIL_CACHE_CONTROL, "X-Content-Type-Options": "nosniff"}
    if _matches(request.headers.get("if-none-match"), thumbnail.etag):
        return Response(status_code=304, headers=headers)
    return FileResponse(thumbnail.path, media_type=thumbnail.media_type, headers=headers)


@router.get("/app/assets/file", tags=["app"], response_class=Response)
def read_asset(request: Request, assets: AssetsDep, locator: LocatorQuery) -> Response:
    """The asset itself: a file streamed, an http(s) URL proxied, or an s3:// URI redirected to a presigned URL.

    A file comes with its content type, ETag and Last-Modified, and answers `Range` and `If-None-Match`; a
    proxied URL passes on its server's type, length, range and validators.
    """
    original = assets.original(locator, request.headers)
    if isinstance(original, LocalFile):
        return _file_response(request, original)
    if isinstance(original, ProxiedAsset):
        return _proxied_response(original)
    return RedirectResponse(original.url, status_code=307, headers={"Cache-Control": _REDIRECT_CACHE_CONTROL})
