"""``/test-runs``: test runs, the samples they still need inferences for, and their metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from assay.server.deps import PageDep, ServiceDep
from assay.server.schemas import (
    Count,
    CrashIn,
    CreateTestRunIn,
    SampleMetricsIn,
    TestCaseMetricsIn,
    TestSuiteMetricsIn,
)
from assay.server.wire import WireJSONResponse, WireRoute
from assay.service.models import SampleRow, TestRunRecord

router = APIRouter(prefix="/test-runs", tags=["test-runs"], route_class=WireRoute)


@router.post("", response_model=TestRunRecord)
def create_or_retrieve_test_run(body: CreateTestRunIn, service: ServiceDep) -> WireJSONResponse:
    """The run of (model, suite version, evaluator): created if new, with the configurations appended."""
    record = service.create_or_retrieve_test_run(body.model_id, body.test_suite_id, body.evaluator, body.configurations)
    return WireJSONResponse(record)


@router.get("/{test_run_id}/remaining-samples", response_model=list[SampleRow])
def load_remaining_test_samples(
    test_run_id: int,
    service: ServiceDep,
    page: PageDep,
    load_all: Annotated[bool, Query(description="Every sample of the suite, inferred or not.")] = False,
) -> WireJSONResponse:
    """A page of the samples of the run's suite that have no inference of its model yet (no ground truth)."""
    rows = service.load_remaining_test_samples(test_run_id, load_all=load_all, offset=page.offset, limit=page.limit)
    return WireJSONResponse(rows, headers=page.headers)


@router.post("/{test_run_id}/sample-metrics", response_model=Count)
def upload_test_sample_metrics(test_run_id: int, body: SampleMetricsIn, service: ServiceDep) -> WireJSONResponse:
    """Store per-sample metrics, replacing those held for the same (configuration, test case, sample)."""
    count = service.upload_test_sample_metrics(test_run_id, body.configuration, body.rows)
    return WireJSONResponse(Count(count=count))


@router.post("/{test_run_id}/test-case-metrics", response_model=Count)
def upload_test_case_metrics(test_run_id: int, body: TestCaseMetricsIn, service: ServiceDep) -> WireJSONResponse:
    """Store test-case metrics and plots, replacing those held for the same (configuration, test case)."""
    count = service.upload_test_case_metrics(test_run_id, body.configuration, body.rows)
    return WireJSONResponse(Count(count=count))


@router.put("/{test_run_id}/test-suite-metrics", status_code=status.HTTP_204_NO_CONTENT)
def upload_test_suite_metrics(test_run_id: int, body: TestSuiteMetricsIn, service: ServiceDep) -> Response:
    """Store the suite metrics of a configuration, which marks the configuration complete."""
    service.upload_test_suite_metrics(test_run_id, body.configuration, body.metrics)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{test_run_id}/crash", status_code=status.HTTP_204_NO_CONTENT)
def mark_test_run_crashed(test_run_id: int, body: CrashIn, service: ServiceDep) -> Response:
    """Record that the client failed during the run; what it uploaded stays."""
    service.mark_test_run_crashed(test_run_id, body.message)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
