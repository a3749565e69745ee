"""``/models``: models and their inferences."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from assay.server.deps import PageDep, ServiceDep
from assay.server.schemas import Count, CreateModelIn, UploadInferencesIn
from assay.server.wire import WireJSONResponse, WireRoute
from assay.service.models import InferenceRow, ModelRecord

router = APIRouter(prefix="/models", tags=["models"], route_class=WireRoute)


@router.post("", response_model=ModelRecord, status_code=status.HTTP_201_CREATED)
def create_model(body: CreateModelIn, service: ServiceDep) -> WireJSONResponse:
    """Create a model."""
    record = service.create_model(body.workflow, body.name, body.metadata, body.tags)
    return WireJSONResponse(record, status_code=status.HTTP_201_CREATED)


@router.get("", response_model=list[ModelRecord])
def list_models(
    service: ServiceDep,
    workflow: str | None = None,
    tags: Annotated[list[str] | None, Query(description="Only those carrying every one of these tags.")] = None,
) -> WireJSONResponse:
    """Models of a workflow (or all), by creation."""
    return WireJSONResponse(service.list_models(workflow, tags))


@router.get("/by-name", response_model=ModelRecord)
def load_model(
    service: ServiceDep,
    name: str,
    workflow: Annotated[str | None, Query(description="Refuse a model of another workflow.")] = None,
) -> WireJSONResponse:
    """A model, by name."""
    return WireJSONResponse(service.load_model(name, workflow))


@router.get("/{model_id}/inferences", response_model=list[InferenceRow])
def load_inferences(
    model_id: int,
    service: ServiceDep,
    page: PageDep,
    test_case_id: Annotated[int, Query(description="The test-case version whose samples to read.")],
) -> WireJSONResponse:
    """A page of the samples of a test-case version that have an inference of the model, with both."""
    rows = service.load_inferences(model_id, test_case_id, offset=page.offset, limit=page.limit)
    return WireJSONResponse(rows, headers=page.headers)


@router.post("/{model_id}/inferences", response_model=Count)
def upload_inferences(model_id: int, body: UploadInferencesIn, service: ServiceDep) -> WireJSONResponse:
    """Store ``[test_sample, inference]`` pairs of the model, all or none."""
    rows = [(sample, inference) for sample, inference in body.rows]
    return WireJSONResponse(Count(count=service.upload_inferences(model_id, rows, reset=body.reset)))
