"""``/app/results``: the results page's table, nested tables and plots; and the metrics types clients register.

Views answer with a strong ETag and ``304 Not Modified`` when the client holds the same body; results can grow
while a run is in progress, so each is revalidated on use. In query strings the empty string stands for the
unnamed evaluator and for the implicit configuration of an unconfigured evaluator (``configurations=``).

``POST /workflows/{name}/metrics-types`` (names may hold slashes) is how the Python client registers the schemas of
its metrics classes before uploading their metrics, so that the table knows which direction of each metric is
better.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from assay.server.caching import REVALIDATE, conditional_encoded, conditional_response
from assay.server.deps import ServiceDep
from assay.server.wire import WireRoute
from assay.service.views import NestedResults, ResultsOptions, ResultsTable, TestCasePlots

router = APIRouter(route_class=WireRoute)

#: Rows of the table's page when the request does not say, and the most one page holds.
DEFAULT_PAGE = 50
MAX_PAGE = 500

SuiteQuery = Annotated[int, Query(description="The suite version (its id).")]
ModelsQuery = Annotated[
    list[int] | None, Query(description="The models, in column order (default: every model with a run).")
]
EvaluatorQuery = Annotated[
    str | None, Query(description="The runs' evaluator; empty for the unnamed one (default: the latest run's).")
]
ConfigurationsQuery = Annotated[
    list[str] | None,
    Query(description="Configurations to show, in order; empty string: the implicit one (default: all)."),
]
BaselineQuery = Annotated[int | None, Query(description="The model others are compared with (default: the first).")]


def _names(values: list[str] | None) -> list[str | None] | None:
    return [value or None for value in values] if values else None


@router.get("/app/results/options", response_model=ResultsOptions, tags=["app"])
def read_results_options(request: Request, service: ServiceDep, test_suite_id: SuiteQuery) -> Response:
    """The runs that can be compared on a suite version, by model and evaluator."""
    return conditional_response(request, service.read_results_options(test_suite_id), cache_control=REVALIDATE)


@router.get("/app/results", response_model=ResultsTable, tags=["app"])
def read_results_table(
    request: Request,
    service: ServiceDep,
    test_suite_id: SuiteQuery,
    model_ids: ModelsQuery = None,
    baseline_id: BaselineQuery = None,
    evaluator: EvaluatorQuery = None,
    configurations: ConfigurationsQuery = None,
    common_samples: Annotated[
        bool, Query(description="Compare every model on the samples all of them have per-sample metrics for.")
    ] = False,
    alpha: Annotated[float, Query(gt=0, lt=1, description="False discovery rate of significant cells.")] = 0.05,
    sort_metric: Annotated[str | None, Query(description="Sort rows by this metric's column.")] = None,
    sort_configuration: Annotated[
        str | None, Query(description="The configuration of the sort column (default: the first).")
    ] = None,
    sort_model_id: Annotated[
        int | None, Query(description="The model of the sort column (default: baseline for values, else the next).")
    ] = None,
    sort_by: Annotated[
        Literal["value", "delta", "significance"], Query(description="Sort by value, delta or q-value.")
    ] = "value",
    descending: bool = False,
    only_significant: Annotated[bool, Query(description="Only rows with at least one significant cell.")] = False,
    offset: Annotated[int, Query(ge=0, description="How many rows to skip.")] = 0,
    limit: Annotated[
        int, Query(ge=0, description=f"The most rows to return (default {DEFAULT_PAGE}, at most {MAX_PAGE}).")
    ] = DEFAULT_PAGE,
) -> Response:
    """The results table: test cases × (configuration, metric, model), with deltas and their significance."""
    # The page's encoded body and ETag, kept with the cached table: a revalidation encodes nothing.
    body, etag = service.read_results_table_body(
        test_suite_id,
        model_ids=model_ids,
        baseline_id=baseline_id,
        evaluator=evaluator,
        configurations=_names(configurations),
        common_samples=common_samples,
        alpha=alpha,
        sort_metric=sort_metric,
        sort_configuration=sort_configuration,
        sort_model_id=sort_model_id,
        sort_by=sort_by,
        descending=descending,
        only_significant=only_significant,
        offset=offset,
        limit=min(limit, MAX_PAGE),
    )
    return conditional_encoded(request, body, etag, cache_control=REVALIDATE)


@router.get("/app/results/nested", response_model=NestedResults, tags=["app"])
def read_nested_results(
    request: Request,
    service: ServiceDep,
    test_suite_id: SuiteQuery,
    test_case_id: Annotated[int, Query(description="The test-case version (its id).")],
    field: Annotated[str, Query(description="The metrics field holding the nested table, e.g. per_class.")],
    model_ids: ModelsQuery = None,
    baseline_id: BaselineQuery = None,
    evaluator: EvaluatorQuery = None,
    configurations: ConfigurationsQuery = None,
) -> Response:
    """A nested table of one test case (e.g. one row per class), value and delta per cell."""
    nested = service.read_nested_results(
        test_suite_id,
        test_case_id,
        field,
        model_ids=model_ids,
        baseline_id=baseline_id,
        evaluator=evaluator,
        configurations=_names(configurations),
    )
    return conditional_response(request, nested, cache_control=REVALIDATE)


@router.get("/app/results/plots", response_model=TestCasePlots, tags=["app"])
def read_test_case_plots(
    request: Request,
    service: ServiceDep,
    test_suite_id: SuiteQuery,
    test_case_id: Annotated[int, Query(description="The test-case version (its id).")],
    model_ids: ModelsQuery = None,
    evaluator: EvaluatorQuery = None,
    configurations: ConfigurationsQuery = None,
) -> Response:
    """Each model's stored plots of a test case, for overlaying."""
    plots = service.read_test_case_plots(
        test_suite_id,
        test_case_id,
        model_ids=model_ids,
        evaluator=evaluator,
        configurations=_names(configurations),
    )
    return conditional_response(request, plots, cache_control=REVALIDATE)


class MetricsTypesIn(BaseModel):
    """Type entries of metrics classes (the ``types`` of ``assay.schema.metrics_schema``)."""

    model_config = ConfigDict(extra="forbid")

    types: dict[str, Any] = Field(description="Type entries by key, as assay.schema writes them.")


@router.post("/workflows/{name:path}/metrics-types", status_code=status.HTTP_204_NO_CONTENT, tags=["workflows"])
def register_metrics_types(name: str, body: MetricsTypesIn, service: ServiceDep) -> Response:
    """Merge the schemas of metrics classes into the workflow's, for the directions of their metrics."""
    service.register_metrics_types(name, body.types)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
