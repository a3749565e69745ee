"""``/test-suites``: test suites and their versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from assay.server.deps import ServiceDep
from assay.server.schemas import CreateTestSuiteIn, EditTestSuiteIn
from assay.server.wire import WireJSONResponse, WireRoute
from assay.service.models import TestSuiteRecord

router = APIRouter(prefix="/test-suites", tags=["test-suites"], route_class=WireRoute)

TagsQuery = Annotated[list[str] | None, Query(description="Only those carrying every one of these tags.")]


@router.post("", response_model=TestSuiteRecord, status_code=status.HTTP_201_CREATED)
def create_test_suite(body: CreateTestSuiteIn, service: ServiceDep) -> WireJSONResponse:
    """Create a test suite: version 0 when empty, version 1 with test cases."""
    record = service.create_test_suite(body.workflow, body.name, body.description, body.test_case_ids, body.tags)
    return WireJSONResponse(record, status_code=status.HTTP_201_CREATED)


@router.get("", response_model=list[TestSuiteRecord])
def list_test_suites(service: ServiceDep, workflow: str | None = None, tags: TagsQuery = None) -> WireJSONResponse:
    """The latest version of every test suite, by creation."""
    return WireJSONResponse(service.list_test_suites(workflow, tags))


@router.get("/by-name", response_model=TestSuiteRecord)
def load_test_suite(
    service: ServiceDep,
    name: str,
    version: Annotated[int | None, Query(description="The version; the latest when absent.")] = None,
    workflow: Annotated[str | None, Query(description="Refuse a test suite of another workflow.")] = None,
) -> WireJSONResponse:
    """One version of a test suite, by name."""
    return WireJSONResponse(service.load_test_suite(name, version, workflow))


@router.get("/versions", response_model=list[TestSuiteRecord])
def list_test_suite_versions(service: ServiceDep, name: str) -> WireJSONResponse:
    """Every version of a test suite, oldest first."""
    return WireJSONResponse(service.list_test_suite_versions(name))


@router.patch("/{test_suite_id}", response_model=TestSuiteRecord)
def edit_test_suite(test_suite_id: int, body: EditTestSuiteIn, service: ServiceDep) -> WireJSONResponse:
    """Edit on top of a test-suite version; a changed test-case list makes a new version."""
    record = service.edit_test_suite(
        test_suite_id, description=body.description, test_case_ids=body.test_case_ids, tags=body.tags
    )
    return WireJSONResponse(record)
