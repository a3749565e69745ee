"""``/test-cases``: test cases, their versions and their samples."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from assay.server.deps import PageDep, ServiceDep
from assay.server.schemas import CreateTestCaseIn, EditTestCaseIn, InitManyIn
from assay.server.wire import WireJSONResponse, WireRoute
from assay.service.models import InitManyResult, SampleRow, TestCaseRecord

router = APIRouter(prefix="/test-cases", tags=["test-cases"], route_class=WireRoute)


@router.post("", response_model=TestCaseRecord, status_code=status.HTTP_201_CREATED)
def create_test_case(body: CreateTestCaseIn, service: ServiceDep) -> WireJSONResponse:
    """Create an empty test case (version 0)."""
    record = service.create_test_case(body.workflow, body.name, body.description)
    return WireJSONResponse(record, status_code=status.HTTP_201_CREATED)


@router.get("", response_model=list[TestCaseRecord])
def list_test_cases(service: ServiceDep, workflow: str | None = None) -> WireJSONResponse:
    """The latest version of every test case, of one workflow or all."""
    return WireJSONResponse(service.list_test_cases(workflow))


@router.get("/by-name", response_model=TestCaseRecord)
def load_test_case(
    service: ServiceDep,
    name: str,
    version: Annotated[int | None, Query(description="The version; the latest when absent.")] = None,
    workflow: Annotated[str | None, Query(description="Refuse a test case of another workflow.")] = None,
) -> WireJSONResponse:
    """One version of a test case, by name."""
    return WireJSONResponse(service.load_test_case(name, version, workflow))


@router.get("/versions", response_model=list[TestCaseRecord])
def list_test_case_versions(service: ServiceDep, name: str) -> WireJSONResponse:
    """Every version of a test case, oldest first."""
    return WireJSONResponse(service.list_test_case_versions(name))


@router.post("/init-many", response_model=list[InitManyResult])
def init_many_test_cases(body: InitManyIn, service: ServiceDep) -> WireJSONResponse:
    """Create or load many test cases in one transaction."""
    return WireJSONResponse(service.init_many_test_cases(body.workflow, body.items, reset=body.reset))


@router.patch("/{test_case_id}", response_model=TestCaseRecord)
def edit_test_case(test_case_id: int, body: EditTestCaseIn, service: ServiceDep) -> WireJSONResponse:
    """Commit one edit on top of a test-case version (which must be the latest) and return the new version."""
    record = service.edit_test_case(
        test_case_id, description=body.description, reset=body.reset, add=body.add, remove=body.remove
    )
    return WireJSONResponse(record)


@router.get("/{test_case_id}/samples", response_model=list[SampleRow])
def load_test_case_samples(test_case_id: int, service: ServiceDep, page: PageDep) -> WireJSONResponse:
    """A page of the samples of a test-case version, with their ground truths, in insertion order."""
    rows = service.load_test_case_samples(test_case_id, offset=page.offset, limit=page.limit)
    return WireJSONResponse(rows, headers=page.headers)
