"""Records of the web app's read views: summaries, a suite's history and diffs, runs, and the results table.

The workflow API's records (``assay.service.models``) carry whole objects for the Python client; these carry
what a page shows, aggregated and paged by the server so that no response holds more than one page. They are
the contract between ``/api/v1/app/...`` and the web app, whose TypeScript types are generated from them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from assay.service.models import ModelRecord, TestSuiteRecord

__all__ = [
    "CellStats",
    "ModelDetail",
    "ModelRef",
    "ModelSummary",
    "NestedResults",
    "NestedRow",
    "Overview",
    "Paged",
    "PlotsOfModel",
    "ResultColumn",
    "ResultsOptions",
    "ResultsRow",
    "ResultsTable",
    "RunOption",
    "RunProgress",
    "RunSummary",
    "SessionInfo",
    "SuiteDetail",
    "SuiteDiff",
    "SuiteRef",
    "SuiteSummary",
    "SuiteVersionSummary",
    "TestCaseChange",
    "TestCasePlots",
    "TestCaseRef",
    "MetricColumn",
    "WorkflowOverview",
]

T = TypeVar("T")


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)

    # Records named Test* are not pytest test classes when a test module imports them.
    __test__: ClassVar[bool] = False


class Paged(_View, Generic[T]):
    """One page of a longer list: ``items`` are rows ``offset`` to ``offset + len(items)`` of ``total``."""

    items: list[T]
    total: int
    offset: int
    limit: int


# -- references and summaries -------------------------------------------------------------------------------
class ModelRef(_View):
    """A model by id and name."""

    id: int
    name: str


class SuiteRef(_View):
    """One version of a test suite by id, name and version."""

    id: int
    name: str
    version: int


class TestCaseRef(_View):
    """One version of a test case by id, name and version, with its sample count."""

    id: int
    name: str
    version: int
    n_samples: int


class SuiteSummary(_View):
    """The latest version of a test suite as a list shows it."""

    id: int
    entity_id: int
    name: str
    version: int
    workflow: str
    description: str
    tags: list[str]
    n_test_cases: int
    n_samples: int = Field(description="Distinct samples over the suite's test cases.")
    n_models: int = Field(description="Models with a test run on any version of the suite.")
    created: datetime
    updated: datetime = Field(description="When the latest version was made.")


class ModelSummary(_View):
    """A model as a list shows it."""

    id: int
    name: str
    workflow: str
    tags: list[str]
    metadata: dict[str, Any]
    n_runs: int
    last_tested: datetime | None
    created: datetime


class RunProgress(_View):
    """How far a test run has got: inferences stored for its suite's samples, configurations complete."""

    samples_total: int
    samples_inferred: int
    configurations_total: int
    configurations_completed: int


class RunSummary(_View):
    """A test run with its status.

    ``status`` is ``running`` until every configuration is complete (``completed``), or ``crashed`` when
    the client reported a failure (``message`` says which).
    """

    id: int
    model: ModelRef
    test_suite: SuiteRef
    workflow: str
    evaluator: str | None
    configurations: list[str | None]
    completed: list[str | None]
    status: Literal["running", "completed", "crashed"]
    message: str
    progress: RunProgress
    created: datetime
    updated: datetime


class WorkflowOverview(_View):
    """A workflow on the home page: its suites, models and latest runs (each list capped, with totals)."""

    name: str
    created: datetime
    test_suites: list[SuiteSummary]
    n_test_suites: int
    models: list[ModelSummary]
    n_models: int
    latest_runs: list[RunSummary]


class Overview(_View):
    """The home page: every workflow."""

    workflows: list[WorkflowOverview]


# -- suites and their versions ------------------------------------------------------------------------------
class SuiteVersionSummary(_View):
    """One version in a suite's history."""

    id: int
    version: int
    description: str
    created: datetime
    n_test_cases: int
    n_samples: int


class SuiteDetail(_View):
    """A suite's page: one version with its test cases, the suite's history, and the workflow's type schema."""

    suite: TestSuiteRecord
    versions: list[SuiteVersionSummary]
    n_samples: int
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    models: list[ModelRef] = Field(description="Models with a test run on this version.")

    model_config = ConfigDict(frozen=True, populate_by_name=True)


class TestCaseChange(_View):
    """A test case in both versions of a diff, at different versions of its own."""

    name: str
    base: TestCaseRef
    head: TestCaseRef
    samples_added: int
    samples_removed: int
    ground_truths_changed: int = Field(default=0, description="Samples in both versions with another ground truth.")


class SuiteDiff(_View):
    """What changed between two versions of a suite (``base`` to ``head``)."""

    name: str
    base: SuiteVersionSummary
    head: SuiteVersionSummary
    added: list[TestCaseRef]
    removed: list[TestCaseRef]
    changed: list[TestCaseChange]
    unchanged: list[TestCaseRef]


# -- models -------------------------------------------------------------------------------------------------
class ModelDetail(_View):
    """A model's page: the model, the suite versions it was tested on, and its latest runs."""

    model: ModelRecord
    test_suites: list[SuiteRef]
    runs: list[RunSummary]
    n_runs: int


# -- results ------------------------------------------------------------------------------------------------
class RunOption(_View):
    """A model's latest run of one evaluator on the suite version: what the results page can pick."""

    model: ModelRef
    test_run_id: int
    evaluator: str | None
    configurations: list[str | None]
    completed: list[str | None]


class ResultsOptions(_View):
    """What can be compared on a suite version: its runs, by model."""

    test_suite: SuiteRef
    evaluators: list[str | None]
    runs: list[RunOption]


class MetricColumn(_View):
    """A metric of the results table.

    ``higher_is_better`` comes from the metric dataclass's field metadata (``direction_source="declared"``),
    else from its name (``"name"``: error, loss, nme, fpr, ... are lower-is-better; score, accuracy, ...
    higher), else it is unknown (``None``, ``"none"``) and deltas are shown without colour. ``sample_field``
    is the per-sample metric the test-case value is the mean of, which significance tests resample; a
    metric without one (AP, F1) is shown with deltas but no test.
    """

    key: str
    label: str
    group: str | None
    higher_is_better: bool | None
    direction_source: Literal["declared", "name", "none"]
    sample_field: str | None


class ResultColumn(_View):
    """One column of cells: a metric of one model under one evaluator configuration."""

    configuration: str | None
    metric: str
    model_id: int


class CellStats(_View):
    """A metric of one model on one test case, and its difference to the baseline model's.

    ``delta`` is the model's value minus the baseline's; ``ci_low``/``ci_high`` its interval (paired
    bootstrap when both models ran on the same samples, unpaired otherwise, per ``test``); ``p_value`` from
    the paired permutation test (unpaired: permutation of group labels); ``q_value`` after
    Benjamini–Hochberg over every test of the table; ``significant`` when ``q_value <= alpha``. All ``None``
    for the baseline itself and for metrics without a per-sample basis.
    """

    value: float | None
    n: int | None = None
    delta: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    q_value: float | None = None
    significant: bool | None = None
    test: Literal["paired", "unpaired"] | None = None


class ResultsRow(_View):
    """A test case of the table: one cell per column (``None`` where nothing is stored)."""

    test_case: TestCaseRef
    cells: list[CellStats | None]
    nested_fields: list[str] = Field(description="Fields of the row's metrics that hold nested tables.")


class ResultsTable(_View):
    """The results page: test cases × (configuration, metric, model), suite metrics on top, one page of rows."""

    test_suite: SuiteRef
    models: list[ModelRef]
    baseline_id: int
    evaluator: str | None
    configurations: list[str | None]
    metrics: list[MetricColumn]
    columns: list[ResultColumn]
    rows: list[ResultsRow]
    suite_metrics: list[MetricColumn]
    suite_columns: list[ResultColumn]
    suite_cells: list[CellStats | None]
    total: int
    offset: int
    limit: int
    alpha: float
    confidence: float
    n_tests: int = Field(description="How many tests Benjamini–Hochberg controlled over.")
    common_samples: bool


class NestedRow(_View):
    """A row of a nested table (e.g. one class), one cell per column of the nested table."""

    label: str
    cells: list[CellStats | None]


class NestedResults(_View):
    """A nested table of one test case (per-class rows of a field such as ``per_class``)."""

    test_case: TestCaseRef
    field: str
    metrics: list[MetricColumn]
    columns: list[ResultColumn]
    rows: list[NestedRow]


class PlotsOfModel(_View):
    """The plots one model's run stored for a test case under one configuration."""

    model_id: int
    configuration: str | None
    plots: list[dict[str, Any]]


class TestCasePlots(_View):
    """A test case's plots, by model, for overlaying."""

    test_case: TestCaseRef
    plots: list[PlotsOfModel]


# -- session ------------------------------------------------------------------------------------------------
class SessionInfo(_View):
    """The signed-in session: the API token it stands for and the CSRF token mutations must echo."""

    token_name: str
    csrf_token: str
    expires: datetime
