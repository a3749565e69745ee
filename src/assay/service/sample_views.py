"""Records of the samples views and the Studio: fields, queries, pages of samples, histograms and curation.

A query runs over the samples of one immutable test-suite version (optionally one of its test cases), joined
with the stored results of the models asked for: their inferences and, per configuration, their per-sample
metrics. Fields are named by a path that says where they come from, so that one name means the same thing in
the web app, the API and the Python client:

- ``key``, ``locator``: the sample itself;
- ``sample.<path>``: a field of the test sample (``sample.bbox.width``);
- ``meta.<path>``: its metadata (``meta.pose``);
- ``gt.<path>``: its ground truth (``gt.normalization_factor``; a list of annotations gives ``gt.<path>.count``);
- ``inference.<path>``: a field of a model's inference (needs a model);
- ``metric.<name>``: a per-sample metric of a model in a configuration (needs a model).

These records are the contract between ``/api/v1/app/samples``, ``/api/v1/app/studio`` and the web app, whose
TypeScript types are generated from them.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from assay.service.views import ModelRef, SuiteRef, TestCaseRef

__all__ = [
    "CreateTestCase",
    "CreatedTestCases",
    "DeltaSample",
    "DeltaSamples",
    "Difference",
    "FieldInfo",
    "Histogram",
    "HistogramRequest",
    "Histograms",
    "Predicate",
    "SampleDetail",
    "SampleFields",
    "SampleItem",
    "SamplePage",
    "SampleQuery",
    "SortKey",
    "SplitTestCases",
    "StoredQuery",
]

FieldGroup = Literal["sample", "metadata", "ground_truth", "inference", "metric"]
FieldKind = Literal["number", "category", "text", "bool"]


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)
    __test__: ClassVar[bool] = False


class _Input(BaseModel):
    # Requests refuse unknown keys: a misspelt option must not be silently ignored.
    model_config = ConfigDict(frozen=True, extra="forbid")
    __test__: ClassVar[bool] = False


# -- fields -------------------------------------------------------------------------------------------------
class FieldInfo(_View):
    """A field samples can be filtered, sorted and binned by.

    ``per_model`` fields (inference and metric fields) take a model (and metrics a configuration) wherever they
    are used. Categories are the most frequent values (at most 50), most frequent first.
    """

    name: str = Field(description="The field's path, e.g. meta.pose or metric.normalized_mean_error.")
    label: str
    group: FieldGroup
    kind: FieldKind
    per_model: bool = False
    higher_is_better: bool | None = None
    min: float | None = None
    max: float | None = None
    categories: list[str] | None = None
    n_distinct: int | None = None


class SampleFields(_View):
    """What can be queried on a suite version: its fields, the models with results and their configurations."""

    suite: SuiteRef
    workflow: str
    data_type: str | None = Field(description="The test sample's type, e.g. TEST_SAMPLE/IMAGE.")
    n_samples: int
    test_cases: list[TestCaseRef]
    models: list[ModelRef] = Field(description="Models with inferences on the suite's samples.")
    configurations: list[str] = Field(description="Configurations with per-sample metrics; '' is the implicit one.")
    fields: list[FieldInfo]
    workflow_schema: dict[str, Any] | None = Field(
        default=None, description="The workflow's type schema, which the app's overlay renderers are keyed by."
    )


# -- queries ------------------------------------------------------------------------------------------------
class Predicate(_Input):
    """One condition on one field; a query's predicates all hold (AND).

    ``range`` keeps values in ``[min, max]`` (either bound may be omitted); ``in`` keeps the listed values;
    ``contains`` is a case-insensitive substring match on text; ``null`` / ``not_null`` test for a missing
    value. ``model_id`` is required for per-model fields; ``configuration`` picks the metrics' configuration
    (``None``: the first one).
    """

    field: str
    op: Literal["range", "in", "contains", "null", "not_null"]
    model_id: int | None = None
    configuration: str | None = None
    min: float | None = None
    max: float | None = None
    values: list[str | float | bool] | None = None
    text: str | None = None


class Difference(_Input):
    """A model-versus-model condition: ``field`` of ``model_id`` minus the same of ``minus_model_id`` in range."""

    field: str
    model_id: int
    minus_model_id: int
    configuration: str | None = None
    min: float | None = None
    max: float | None = None


class SortKey(_Input):
    """Sort by a field (of a model, for per-model fields); ties broken by sample id."""

    field: str
    model_id: int | None = None
    configuration: str | None = None
    descending: bool = False


class SampleQuery(_Input):
    """Which samples: those of a suite version (or one of its test cases) that meet every condition."""

    test_suite_id: int = Field(description="The suite version (its id).")
    test_case_id: int | None = Field(default=None, description="A test-case version of the suite (its id).")
    predicates: list[Predicate] = Field(default_factory=list)
    differences: list[Difference] = Field(default_factory=list)
    sort: SortKey | None = None
    model_ids: list[int] = Field(
        default_factory=list, description="Models whose inferences and per-sample metrics each item carries."
    )
    configuration: str | None = Field(default=None, description="The configuration of the metrics items carry.")


class SampleItem(_View):
    """One sample of a page, with what the gallery draws on it."""

    id: int
    key: str
    locator: str | None
    thumbnail: str | None = Field(description="URL of its thumbnail, when it is an image.")
    data_type: str | None
    width: int | None = Field(default=None, description="The image's width in pixels, when known.")
    height: int | None = None
    data: dict[str, Any] = Field(description="The test sample as stored, without its metadata.")
    metadata: dict[str, Any]
    ground_truth: dict[str, Any] | None
    inferences: dict[str, dict[str, Any] | None] = Field(description="Each asked-for model's inference, by id.")
    metrics: dict[str, dict[str, Any] | None] = Field(description="Each asked-for model's per-sample metrics, by id.")
    sort_value: Any = None


class SamplePage(_View):
    """One page of the samples a query matches, in its order."""

    items: list[SampleItem]
    total: int = Field(description="How many samples match.")
    offset: int
    limit: int
    n_samples: int = Field(description="How many samples the queried scope has before filtering.")


class HistogramRequest(_Input):
    """Histograms of fields over the samples a query matches, with a metric's mean per bin for each model."""

    query: SampleQuery
    fields: list[str] | None = Field(default=None, description="Fields to bin (default: every non-model field).")
    metric: str | None = Field(default=None, description="The metric field averaged per bin, e.g. metric.nme.")
    model_ids: list[int] = Field(default_factory=list)
    configuration: str | None = None
    bins: int = Field(default=20, ge=1, le=200)


class Histogram(_View):
    """Counts of one field over the matching samples: numeric bins (``edges``) or categories."""

    field: str
    kind: FieldKind
    edges: list[float] | None = Field(default=None, description="Bin edges of a numeric field (bins + 1).")
    categories: list[str] | None = Field(default=None, description="The bins of a categorical field.")
    counts: list[int]
    n_missing: int = 0
    means: dict[str, list[float | None]] = Field(
        default_factory=dict, description="By model id: the metric's mean in each bin (None: no sample)."
    )


class Histograms(_View):
    """The sidebar: one histogram per field."""

    total: int
    metric: str | None
    histograms: list[Histogram]


# -- one sample ---------------------------------------------------------------------------------------------
class SampleModelResult(_View):
    """One model's inference and per-sample metrics (per configuration) on a sample."""

    model: ModelRef
    inference: dict[str, Any] | None
    metrics: dict[str, dict[str, Any] | None] = Field(description="Per configuration ('' the implicit one).")


class SampleDetail(_View):
    """Everything about one sample in a suite version."""

    id: int
    key: str
    locator: str | None
    data_type: str | None
    width: int | None = None
    height: int | None = None
    data: dict[str, Any]
    metadata: dict[str, Any]
    ground_truth: dict[str, Any] | None
    test_cases: list[TestCaseRef] = Field(description="The suite's test cases that hold the sample.")
    results: list[SampleModelResult]


# -- curation -----------------------------------------------------------------------------------------------
class CreateTestCase(_Input):
    """Make a test case of samples chosen by hand (``sample_ids``) or all that a query matches.

    With ``query`` and no ``sample_ids``, every matching sample except ``exclude_ids``; the query is stored
    with the test case so that it can be shown and re-run. Ground truths are the suite's. With
    ``add_to_suite`` the suite gets a new version holding its test cases and this one.
    """

    name: str = Field(min_length=1)
    description: str = ""
    query: SampleQuery
    sample_ids: list[int] | None = None
    exclude_ids: list[int] = Field(default_factory=list)
    add_to_suite: bool = True
    compute_metrics: bool = Field(
        default=True, description="Derive the new test case's metrics for models already tested on the suite."
    )


class SplitTestCases(_Input):
    """Make one test case per category of a field, or per numeric bin, of the samples a query matches."""

    query: SampleQuery
    field: str
    model_id: int | None = None
    configuration: str | None = None
    bins: int | None = Field(default=None, ge=2, le=50, description="Numeric fields: equal-width bins.")
    name_prefix: str | None = Field(default=None, description="Default: the suite's name and the field's label.")
    add_to_suite: bool = True
    compute_metrics: bool = True


class CreatedTestCases(_View):
    """What curation made: test cases, the suite's new version, and the runs derived on it."""

    test_cases: list[TestCaseRef]
    suite: SuiteRef | None = Field(description="The suite's new version, when the test cases were added to it.")
    derived_runs: int = Field(description="Runs on the new version whose metrics were derived from stored ones.")
    pending_metrics: list[str] = Field(
        default_factory=list, description="Test-case metrics that need the evaluator (no per-sample basis)."
    )


class StoredQuery(_View):
    """The query a test-case version was made from in the Studio."""

    test_case: TestCaseRef
    query: SampleQuery
    created_from: SuiteRef | None


# -- the samples behind a delta -----------------------------------------------------------------------------
class DeltaSample(_View):
    """A sample ranked by its part in the change of a test-case metric from the baseline to a model."""

    item: SampleItem
    baseline_value: Any
    value: Any
    change: Literal["right_to_wrong", "wrong_to_right", "moved", "unchanged"]
    contribution: float = Field(description="Its share of the metric's change (positive: towards the model's).")


class DeltaSamples(_View):
    """The samples behind one results cell, most contributing first."""

    metric: str
    basis: str | None = Field(description="The per-sample field the metric is the mean of; None: leave-one-out.")
    method: Literal["per_sample", "leave_one_out"]
    baseline_value: float | None
    value: float | None
    total: int
    offset: int
    limit: int
    n_flipped: dict[str, int] = Field(description="right_to_wrong / wrong_to_right counts for boolean bases.")
    items: list[DeltaSample]
