"""``/app/samples`` and ``/app/studio``: the gallery's queries, the sidebar's histograms, one sample, curation.

Queries travel in request bodies (``POST``): a Studio query has any number of predicates, too many for a query
string. They read immutable suite versions and stored results, so answers are cached by the service, not here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from assay.server.caching import REVALIDATE, conditional_response
from assay.server.deps import ServiceDep
from assay.server.wire import WireRoute
from assay.service.sample_views import (
    CreatedTestCases,
    CreateTestCase,
    DeltaSamples,
    HistogramRequest,
    Histograms,
    SampleDetail,
    SampleFields,
    SamplePage,
    SampleQuery,
    SplitTestCases,
    StoredQuery,
)

router = APIRouter(route_class=WireRoute)

#: Samples in a page when the request does not say, and the most one page holds.
DEFAULT_PAGE = 100
MAX_PAGE = 1000

SuiteQuery = Annotated[int, Query(description="The suite version (its id).")]
OffsetQuery = Annotated[int, Query(ge=0, description="How many samples to skip.")]
LimitQuery = Annotated[int, Query(ge=0, le=MAX_PAGE, description=f"The most samples to return (at most {MAX_PAGE}).")]
ModelsQuery = Annotated[list[int] | None, Query(description="Models whose results to include.")]

ARROW_STREAM = "application/vnd.apache.arrow.stream"


@router.get("/app/samples/fields", response_model=SampleFields, tags=["app"])
def read_sample_fields(request: Request, service: ServiceDep, test_suite_id: SuiteQuery) -> Response:
    """The fields, models and configurations the samples of a suite version can be queried by."""
    return conditional_response(request, service.studio.fields(test_suite_id), cache_control=REVALIDATE)


@router.post(
    "/app/samples/query",
    response_model=SamplePage,
    tags=["app"],
    responses={200: {"content": {ARROW_STREAM: {}}}},
)
def query_studio_samples(
    service: ServiceDep,
    query: SampleQuery,
    offset: OffsetQuery = 0,
    limit: LimitQuery = DEFAULT_PAGE,
    format: Annotated[  # noqa: A002 - the query parameter's public name
        Literal["json", "arrow"],
        Query(description="json: one page of items; arrow: every matching sample's fields as an Arrow stream."),
    ] = "json",
) -> Response | SamplePage:
    """The samples a query matches, in its order: a page of gallery items, or all of them as an Arrow table."""
    if format == "arrow":
        return Response(service.studio.query_arrow_stream(query), media_type=ARROW_STREAM)
    return service.studio.query(query, offset=offset, limit=limit)


@router.post("/app/samples/histograms", response_model=Histograms, tags=["app"])
def read_histograms(service: ServiceDep, body: HistogramRequest) -> Histograms:
    """Histograms of fields over the matching samples, with a metric's mean per bin for each model."""
    return service.studio.histograms(body)


@router.get("/app/samples/{sample_id}", response_model=SampleDetail, tags=["app"])
def read_sample(
    request: Request,
    service: ServiceDep,
    sample_id: int,
    test_suite_id: SuiteQuery,
    model_ids: ModelsQuery = None,
) -> Response:
    """One sample of a suite version: its data, ground truth, test cases, and each model's results."""
    detail = service.studio.sample(sample_id, test_suite_id, model_ids=model_ids)
    return conditional_response(request, detail, cache_control=REVALIDATE)


@router.post(
    "/app/studio/test-cases", response_model=CreatedTestCases, status_code=status.HTTP_201_CREATED, tags=["app"]
)
def create_studio_test_case(service: ServiceDep, body: CreateTestCase) -> CreatedTestCases:
    """Make a test case of the selected samples (or all that match), optionally in a new suite version."""
    return service.curation.create_test_case(body)


@router.post("/app/studio/split", response_model=CreatedTestCases, status_code=status.HTTP_201_CREATED, tags=["app"])
def split_test_cases(service: ServiceDep, body: SplitTestCases) -> CreatedTestCases:
    """Make one test case per category (or numeric bin) of a field, in one step."""
    return service.curation.split(body)


@router.get("/app/studio/test-cases/{test_case_id}/query", response_model=StoredQuery | None, tags=["app"])
def read_stored_query(request: Request, service: ServiceDep, test_case_id: int) -> Response:
    """The Studio query a test-case version was made from, if it was made in the Studio."""
    return conditional_response(request, service.curation.stored_query(test_case_id), cache_control=REVALIDATE)


@router.get("/app/results/samples", response_model=DeltaSamples, tags=["app"])
def read_delta_samples(
    request: Request,
    service: ServiceDep,
    test_suite_id: SuiteQuery,
    test_case_id: Annotated[int, Query(description="The test-case version (its id).")],
    model_id: Annotated[int, Query(description="The model whose change from the baseline is explained.")],
    baseline_id: Annotated[int, Query(description="The model compared with.")],
    metric: Annotated[str, Query(description="The test-case metric of the cell.")],
    evaluator: Annotated[str | None, Query(description="The runs' evaluator; empty for the unnamed one.")] = None,
    configuration: Annotated[str | None, Query(description="The cell's configuration; empty: the implicit.")] = None,
    offset: OffsetQuery = 0,
    limit: LimitQuery = DEFAULT_PAGE,
) -> Response:
    """The samples behind a results cell's delta: flipped or moved most, by their part in the change."""
    samples = service.curation.delta_samples(
        test_suite_id,
        test_case_id,
        model_id=model_id,
        baseline_id=baseline_id,
        metric=metric,
        evaluator=evaluator,
        configuration=configuration,
        offset=offset,
        limit=limit,
    )
    return conditional_response(request, samples, cache_control=REVALIDATE)
