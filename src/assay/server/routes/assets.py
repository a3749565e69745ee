"""``/app/assets``: thumbnails and originals of the files samples point at, by locator.

A locator is a ``file`` path inside a configured asset root (``ASSAY_ASSET_ROOTS``; anything outside, ``..``
included, is refused), an ``http(s)`` URL (proxied), or an ``s3://`` URI (redirected to a presigned URL when
credentials are configured). Thumbnails are made once and served as immutable; the gallery never loads
originals.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from assay.server.deps import AssetsDep
from assay.server.wire import WireRoute

router = APIRouter(route_class=WireRoute)

LocatorQuery = Annotated[str, Query(min_length=1, description="The asset's locator: file://, http(s):// or s3://.")]


@router.get("/app/assets/thumbnail", tags=["app"], response_class=Response)
def read_thumbnail(
    request: Request,
    assets: AssetsDep,
    locator: LocatorQuery,
    size: Annotated[int, Query(ge=16, le=256, description="The longer side in pixels.")] = 256,
) -> Response:
    """A thumbnail of an image asset, made on first request and cached on disk."""
    return assets.thumbnail_response(request, locator, size)


@router.get("/app/assets/file", tags=["app"], response_class=Response)
def read_asset(request: Request, assets: AssetsDep, locator: LocatorQuery) -> Response:
    """The asset itself: a file streamed, an http(s) URL proxied, or an s3:// URI redirected to a presigned URL."""
    return assets.original_response(request, locator)
