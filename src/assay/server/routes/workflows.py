"""``/workflows``: the workflows and the type schemas of their data."""

from __future__ import annotations

from fastapi import APIRouter

from assay.server.deps import ServiceDep
from assay.server.schemas import RegisterWorkflowIn
from assay.server.wire import WireJSONResponse, WireRoute
from assay.service.models import WorkflowRecord

router = APIRouter(prefix="/workflows", tags=["workflows"], route_class=WireRoute)


@router.post("", response_model=WorkflowRecord)
def register_workflow(body: RegisterWorkflowIn, service: ServiceDep) -> WireJSONResponse:
    """Create a workflow, or store a new schema as the latest of an existing one."""
    return WireJSONResponse(service.register_workflow(body.name, body.schema_))


@router.get("", response_model=list[WorkflowRecord])
def list_workflows(service: ServiceDep) -> WireJSONResponse:
    """Every workflow, by name."""
    return WireJSONResponse(service.list_workflows())
