"""The routers of ``/api/v1``, one per resource."""

from fastapi import APIRouter, Depends

from assay.server.deps import authenticate
from assay.server.routes import (
    app_results,
    app_samples,
    app_views,
    assets,
    health,
    models,
    results,
    session,
    test_cases,
    test_runs,
    test_suites,
    workflows,
)

__all__ = ["api_router"]

api_router = APIRouter()
api_router.include_router(health.router)
# The session routes authenticate each on its own terms: signing in needs no session yet.
api_router.include_router(session.router)
_ROUTERS = (
    workflows,
    test_cases,
    test_suites,
    models,
    test_runs,
    results,
    app_views,
    app_results,
    app_samples,
    assets,
)
for _module in _ROUTERS:
    api_router.include_router(_module.router, dependencies=[Depends(authenticate)])
