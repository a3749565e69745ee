"""``/app``: the web app's read views of suites, models and runs, aggregated and paged by the server.

Every view answers with a strong ETag and ``304 Not Modified`` when the client holds the same body. A diff of
two suite versions can never change and is cached by the browser for good; every other view is revalidated
on each use. A suite's page at an explicit version is revalidated too: its version history and the models
tested on it grow as the suite is edited and tested.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from assay.server.caching import IMMUTABLE, REVALIDATE, conditional_response
from assay.server.deps import ServiceDep, SettingsDep
from assay.server.wire import WireRoute
from assay.service.views import (
    ModelDetail,
    ModelSummary,
    Overview,
    Paged,
    RunSummary,
    SuiteDetail,
    SuiteDiff,
    SuiteSummary,
)

router = APIRouter(prefix="/app", tags=["app"], route_class=WireRoute)

#: Rows of a view's page when the request does not say.
DEFAULT_PAGE = 50

#: The most rows of a view's page: each row is aggregated, so pages stay small.
MAX_PAGE = 500


class ViewPage:
    """A page of a view: ``offset`` rows skipped, at most ``limit`` returned."""

    def __init__(self, offset: int, limit: int) -> None:
        self.offset = offset
        self.limit = limit


def _view_page(
    settings: SettingsDep,
    offset: Annotated[int, Query(ge=0, description="How many rows to skip.")] = 0,
    limit: Annotated[
        int, Query(ge=0, description=f"The most rows to return (default {DEFAULT_PAGE}, at most {MAX_PAGE}).")
    ] = DEFAULT_PAGE,
) -> ViewPage:
    return ViewPage(offset, min(limit, MAX_PAGE, settings.page_size))


ViewPageDep = Annotated[ViewPage, Depends(_view_page)]
WorkflowQuery = Annotated[str | None, Query(description="Only those of this workflow.")]


@router.get("/overview", response_model=Overview)
def read_overview(request: Request, service: ServiceDep) -> Response:
    """The home page: each workflow with its latest suites and models (20 each) and 10 latest runs."""
    return conditional_response(request, service.read_overview())


@router.get("/test-suites", response_model=Paged[SuiteSummary])
def list_suite_summaries(
    request: Request,
    service: ServiceDep,
    page: ViewPageDep,
    workflow: WorkflowQuery = None,
    search: Annotated[str | None, Query(description="Text in the name, description or tags, any case.")] = None,
) -> Response:
    """A page of test suites at their latest versions, most recently versioned first."""
    found = service.list_suite_summaries(workflow, search, offset=page.offset, limit=page.limit)
    return conditional_response(request, found)


@router.get("/test-suites/{name:path}/diff", response_model=SuiteDiff)
def diff_suite_versions(
    name: str,
    request: Request,
    service: ServiceDep,
    base: Annotated[int, Query(description="The version to compare from.")],
    head: Annotated[int, Query(description="The version to compare to.")],
) -> Response:
    """Test cases added, removed and changed (with samples added and removed) between two suite versions."""
    return conditional_response(request, service.diff_suite_versions(name, base, head), cache_control=IMMUTABLE)


@router.get("/test-suites/{name:path}", response_model=SuiteDetail)
def read_suite_detail(
    name: str,
    request: Request,
    service: ServiceDep,
    version: Annotated[int | None, Query(description="The version; the latest when absent.")] = None,
) -> Response:
    """A suite at one version with its test cases, its version history and the models tested on it."""
    return conditional_response(request, service.read_suite_detail(name, version), cache_control=REVALIDATE)


@router.get("/models", response_model=Paged[ModelSummary])
def list_model_summaries(
    request: Request,
    service: ServiceDep,
    page: ViewPageDep,
    workflow: WorkflowQuery = None,
    search: Annotated[str | None, Query(description="Text in the name or tags, any case.")] = None,
) -> Response:
    """A page of models, most recently tested (else created) first."""
    found = service.list_model_summaries(workflow, search, offset=page.offset, limit=page.limit)
    return conditional_response(request, found)


@router.get("/models/{model_id}", response_model=ModelDetail)
def read_model_detail(model_id: int, request: Request, service: ServiceDep) -> Response:
    """A model with its metadata, the suite versions it was tested on and its latest 50 runs."""
    return conditional_response(request, service.read_model_detail(model_id))


@router.get("/test-runs", response_model=Paged[RunSummary])
def list_run_summaries(
    request: Request,
    service: ServiceDep,
    page: ViewPageDep,
    workflow: WorkflowQuery = None,
    model_id: Annotated[int | None, Query(description="Only runs of this model.")] = None,
    test_suite_name: Annotated[str | None, Query(description="Only runs on a version of this suite.")] = None,
    status: Annotated[Literal["running", "completed", "crashed"] | None, Query(description="Only runs in it.")] = None,
) -> Response:
    """A page of test runs, newest first, with status and progress (a running ``test()`` grows live)."""
    found = service.list_run_summaries(
        workflow, model_id, test_suite_name, status, offset=page.offset, limit=page.limit
    )
    return conditional_response(request, found)
