"""``/health``: whether the server is up; the one route that needs no token."""

from __future__ import annotations

from fastapi import APIRouter, Request

from assay.server.schemas import Health
from assay.server.wire import WireJSONResponse, WireRoute

router = APIRouter(prefix="/health", tags=["health"], route_class=WireRoute)


@router.get("", response_model=Health)
def health(request: Request) -> WireJSONResponse:
    """Answer that the server is up, with the version of Assay it runs; no token needed."""
    return WireJSONResponse(Health(version=request.app.version))
