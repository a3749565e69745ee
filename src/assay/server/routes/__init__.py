"""The routers of ``/api/v1``, one per resource."""

from fastapi import APIRouter, Depends

from assay.server.deps import authenticate
from assay.server.routes import health, models, results, test_cases, test_runs, test_suites, workflows

__all__ = ["api_router"]

api_router = APIRouter()
api_router.include_router(health.router)
for _module in (workflows, test_cases, test_suites, models, test_runs, results):
    api_router.include_router(_module.router, dependencies=[Depends(authenticate)])
