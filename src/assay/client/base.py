"""The one interface between the workflow API and wherever the data lives.

``assay.workflow`` speaks only to a :class:`Transport`. Two implementations exist: ``LocalTransport`` calls
``assay.service`` in-process on the embedded store, ``HttpTransport`` calls an Assay server's ``/api/v1``.
Both return the records of ``assay.service.models`` and raise the errors of ``assay.errors``, so the
workflow API behaves identically on either.

Conventions, for every method:

- Entities are addressed by name where a user names them (``load_*``) and by id afterwards. The id of a test
  case or test suite is the id of one *version*.
- Data objects travel as the dicts of ``DataObject._to_dict()``. A test sample's identity is its dict
  (metadata excluded); its metadata travels beside it in ``SampleRow.metadata``.
- Lists that can be large are paged with ``offset`` and ``limit`` (``None``: all).
- A method that changes data does it in one transaction: when it raises, nothing was written.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

from assay.service.models import (
    ConfigurationIn,
    InferenceRow,
    InitManyItem,
    InitManyResult,
    ModelRecord,
    Results,
    SampleMetricsRow,
    SampleRow,
    TestCaseMetricsRow,
    TestCaseRecord,
    TestRunRecord,
    TestSuiteRecord,
    WorkflowRecord,
)

__all__ = ["Transport"]


@runtime_checkable
class Transport(Protocol):
    """Everything the workflow API asks of the platform."""

    def close(self) -> None:
        """Release connections; the transport must not be used afterwards."""

    # -- workflows -----------------------------------------------------------------------------------------
    def register_workflow(self, name: str, schema: dict[str, Any]) -> WorkflowRecord:
        """Create the workflow if it is new, else store this schema as its latest; returns it."""

    def list_workflows(self) -> list[WorkflowRecord]:
        """All workflows, by name."""

    def register_metrics_types(self, workflow: str, types: dict[str, Any]) -> None:
        """Merge the type entries of metrics classes into the workflow's schema document.

        ``types`` is the ``types`` map of :func:`assay.schema.metrics_schema`; the test runner sends it before
        the first upload of a class's metrics, so the web app knows which direction of each metric is better.

        Raises:
            NotFoundError: no such workflow.
            InputValidationError: ``types`` is not a map of type entries.
        """

    # -- test cases ----------------------------------------------------------------------------------------
    def create_test_case(self, workflow: str, name: str, description: str = "") -> TestCaseRecord:
        """Create an empty test case (version 0).

        Raises:
            NameConflictError: a test case of that name exists (in any workflow).
            InputValidationError: the name is empty.
        """

    def load_test_case(self, name: str, version: int | None = None, workflow: str | None = None) -> TestCaseRecord:
        """Load a version of a test case (the latest when ``version`` is None).

        Raises:
            NotFoundError: no such test case or version.
            WorkflowMismatchError: ``workflow`` is given and the test case belongs to another.
        """

    def edit_test_case(
        self,
        test_case_id: int,
        *,
        description: str | None = None,
        reset: bool = False,
        add: list[SampleRow] | None = None,
        remove: list[dict[str, Any]] | None = None,
    ) -> TestCaseRecord:
        """Commit one edit on top of the version ``test_case_id`` and return the new version.

        ``reset`` starts from no samples; ``add`` adds samples or replaces their ground truth (the last entry
        of a sample wins); ``remove`` drops samples by identity (absent ones are ignored). A new version is
        made only if the sample list or its ground truths change (or ``reset``); a description alone is
        updated in place on the entity.

        Raises:
            NotFoundError: no such version.
            RemoteError: ``test_case_id`` is not the latest version (the test case was edited since).
        """

    def load_test_case_samples(
        self, test_case_id: int, *, offset: int = 0, limit: int | None = None
    ) -> list[SampleRow]:
        """The samples of a test-case version with their ground truths, in insertion order."""

    def init_many_test_cases(
        self, workflow: str, items: list[InitManyItem], *, reset: bool = False
    ) -> list[InitManyResult]:
        """Create or load many test cases in one transaction (see ``TestCase.init_many``).

        Raises:
            IncorrectUsageError: two items share a name.
        """

    def list_test_cases(self, workflow: str | None = None) -> list[TestCaseRecord]:
        """The latest version of every test case, of one workflow or all."""

    def list_test_case_versions(self, name: str) -> list[TestCaseRecord]:
        """Every version of a test case, oldest first."""

    # -- test suites ---------------------------------------------------------------------------------------
    def create_test_suite(
        self,
        workflow: str,
        name: str,
        description: str = "",
        test_case_ids: list[int] | None = None,
        tags: list[str] | None = None,
    ) -> TestSuiteRecord:
        """Create a test suite: version 0 when empty, version 1 with test cases.

        Raises:
            NameConflictError: a suite of that name exists.
            WorkflowMismatchError: a test case belongs to another workflow.
        """

    def load_test_suite(self, name: str, version: int | None = None, workflow: str | None = None) -> TestSuiteRecord:
        """Load a version of a test suite (the latest when ``version`` is None)."""

    def edit_test_suite(
        self,
        test_suite_id: int,
        *,
        description: str | None = None,
        test_case_ids: list[int] | None = None,
        tags: list[str] | None = None,
    ) -> TestSuiteRecord:
        """Edit on top of version ``test_suite_id``.

        A changed test-case list (order included) makes a new version; description and tags are updated on
        the entity without a new version. ``None`` leaves a part unchanged.
        """

    def list_test_suites(self, workflow: str | None = None, tags: list[str] | None = None) -> list[TestSuiteRecord]:
        """The latest version of every suite (of a workflow; carrying all ``tags``), by creation."""

    def list_test_suite_versions(self, name: str) -> list[TestSuiteRecord]:
        """Every version of a test suite, oldest first."""

    # -- models --------------------------------------------------------------------------------------------
    def create_model(
        self,
        workflow: str,
        name: str,
        metadata: dict[str, Any] | None = None,
        tags: list[str] | None = None,
    ) -> ModelRecord:
        """Create a model. Raises NameConflictError if the name exists."""

    def load_model(self, name: str, workflow: str | None = None) -> ModelRecord:
        """Load a model by name. Raises NotFoundError, WorkflowMismatchError."""

    def list_models(self, workflow: str | None = None, tags: list[str] | None = None) -> list[ModelRecord]:
        """Models of a workflow (carrying all ``tags``), by creation."""

    def load_inferences(
        self, model_id: int, test_case_id: int, *, offset: int = 0, limit: int | None = None
    ) -> list[InferenceRow]:
        """Samples of a test-case version that have an inference of the model, with both, in case order."""

    # -- test runs -----------------------------------------------------------------------------------------
    def create_or_retrieve_test_run(
        self,
        model_id: int,
        test_suite_id: int,
        evaluator: str | None,
        configurations: list[ConfigurationIn] | None = None,
    ) -> TestRunRecord:
        """The run of (model, suite version, evaluator name); created if new, configurations appended."""

    def load_remaining_test_samples(
        self, test_run_id: int, *, load_all: bool = False, offset: int = 0, limit: int | None = None
    ) -> list[SampleRow]:
        """Distinct samples of the run's suite version with no inference of its model (all with ``load_all``).

        Rows carry no ground truth: inference must not see it.
        """

    def upload_inferences(
        self, model_id: int, rows: list[tuple[dict[str, Any], dict[str, Any]]], *, reset: bool = False
    ) -> int:
        """Store ``(test_sample, inference)`` pairs for a model, in one transaction; returns the count.

        Raises:
            NotFoundError: a sample is not stored.
            RemoteError: a sample already has an inference of this model and ``reset`` is false.
        """

    def upload_test_sample_metrics(
        self, test_run_id: int, configuration: str | None, rows: list[SampleMetricsRow]
    ) -> int:
        """Store per-sample metrics, replacing what the run held for the same (configuration, case, sample)."""

    def upload_test_case_metrics(
        self, test_run_id: int, configuration: str | None, rows: list[TestCaseMetricsRow]
    ) -> int:
        """Store test-case metrics and plots, replacing those of the same (configuration, case)."""

    def upload_test_suite_metrics(
        self, test_run_id: int, configuration: str | None, metrics: dict[str, Any] | None
    ) -> None:
        """Store the suite metrics (or none) of a configuration; this marks the configuration complete."""

    def mark_test_run_crashed(self, test_run_id: int, message: str) -> None:
        """Record that the client failed during the run; what was uploaded stays."""

    def load_results(
        self,
        model_id: int,
        test_suite_id: int,
        evaluator: str | None = None,
        configuration: str | None = None,
    ) -> list[Results]:
        """Stored results of the latest run of the model on the suite version, one entry per configuration.

        ``evaluator`` and ``configuration`` narrow the choice. Raises NotFoundError when nothing is stored.
        """

    # -- samples -------------------------------------------------------------------------------------------
    def query_samples(self, query: dict[str, Any]) -> pa.Table:
        """Every sample a Studio query matches, in its order, as a ``pyarrow.Table``.

        ``query`` is a :class:`assay.service.sample_views.SampleQuery` as a dict. Columns: ``id``, ``key``,
        ``locator``, each field of the suite's samples by name (``meta.pose``, ``gt.normalization_factor``...),
        and for each model of ``model_ids`` its inference and per-sample metric fields as
        ``<field>[<model name>]`` (``metric.normalized_mean_error[model-a]``).

        Raises:
            NotFoundError: no such suite version, test case of it, or model.
            InputValidationError: a malformed query, an unknown field, or a condition that does not apply.
        """
