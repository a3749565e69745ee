"""``/health``: whether the server is up; the one route that needs no token."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter

from assay.server.schemas import Health
from assay.server.wire import WireJSONResponse, WireRoute

router = APIRouter(prefix="/health", tags=["health"], route_class=WireRoute)


def _version() -> str:
    try:
        return version("assay")
    except PackageNotFoundError:
        return "unknown"


@router.get("", response_model=Health)
def health() -> WireJSONResponse:
    """Answer that the server is up, with its version; no token needed."""
    return WireJSONResponse(Health(version=_version()))
