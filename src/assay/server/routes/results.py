"""``/results``: the stored results of a model on a test-suite version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from assay.server.deps import ServiceDep
from assay.server.wire import WireJSONResponse, WireRoute
from assay.service.models import Results

router = APIRouter(prefix="/results", tags=["results"], route_class=WireRoute)


@router.get("", response_model=list[Results])
def load_results(
    service: ServiceDep,
    model_id: int,
    test_suite_id: int,
    evaluator: Annotated[str | None, Query(description="Only the run of this evaluator.")] = None,
    configuration: Annotated[str | None, Query(description="Only this configuration (display name).")] = None,
) -> WireJSONResponse:
    """The results of the latest run of the model on the suite version, one entry per configuration."""
    return WireJSONResponse(service.load_results(model_id, test_suite_id, evaluator, configuration))
