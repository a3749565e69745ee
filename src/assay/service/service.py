"""The service layer: what both transports call, in-process or behind the server's ``/api/v1``.

:class:`Service` has the methods of :class:`assay.client.base.Transport` (same names, signatures, records
and errors) plus what the server and CLI need: :meth:`Service.from_url` and the API-token methods. It checks
its input, then runs each call as one transaction of :class:`assay.store.Store`: when a call raises, it
wrote nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
from pydantic import ValidationError

from assay.errors import IncorrectUsageError, InputValidationError, InvalidTokenError, UnauthenticatedError
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
    TokenRecord,
    WorkflowRecord,
)
from assay.service.results_view import (
    DEFAULT_ALPHA,
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    CaseData,
    FullTable,
    NestedResults,
    PageRequest,
    ResultsCache,
    ResultsOptions,
    ResultsTable,
    Selection,
    SortBy,
    SuiteInfo,
    TestCasePlots,
    assemble,
    build_nested,
    build_options,
    build_plots,
    load_case_data,
    page_table,
    prepare,
    run_tests,
    schema_digest,
    select_runs,
    with_alpha,
)
from assay.service.sample_views import SampleQuery
from assay.service.views import (
    ModelDetail,
    ModelRef,
    ModelSummary,
    Overview,
    Paged,
    RunProgress,
    RunSummary,
    SessionInfo,
    SuiteDetail,
    SuiteDiff,
    SuiteRef,
    SuiteSummary,
    SuiteVersionSummary,
    TestCaseChange,
    TestCaseRef,
    WorkflowOverview,
)
from assay.store import Store, default_database_url, web_sessions
from assay.store.results_queries import (
    case_metrics,
    case_metrics_of,
    case_plots,
    merge_metrics_types,
    runs_of_suite,
    sample_metrics,
    suite_memberships,
    suite_metrics,
    workflow_schema,
)
from assay.store.view_queries import RUN_STATUSES, ViewQueries

if TYPE_CHECKING:
    from assay.service.curation import Curation
    from assay.service.studio import Studio

__all__ = ["Service"]

logger = logging.getLogger(__name__)

JsonDict = dict[str, Any]

_TEST_SAMPLE_CATEGORY = "TEST_SAMPLE/"


def _name(kind: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputValidationError(f"{kind} name must be a non-empty string, got {value!r}", field=kind, value=value)
    return value


def _tags(tags: Sequence[str] | None) -> list[str] | None:
    if tags is None:
        return None
    if isinstance(tags, str):
        raise InputValidationError(f"tags must be a list of strings, got the string {tags!r}", field="tags")
    for tag in tags:
        if not isinstance(tag, str) or not tag.strip():
            raise InputValidationError(f"tags must be non-empty strings, got {tag!r}", field="tags", value=tag)
    return list(tags)


def _sample_query(query: dict[str, Any]) -> SampleQuery:
    try:
        return SampleQuery.model_validate(query)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'query'}: {e['msg']}" for e in exc.errors())
        raise InputValidationError(f"not a sample query: {problems}", field="query") from exc


def _check_sample(test_sample: Any, where: str) -> JsonDict:
    if not isinstance(test_sample, dict):
        raise InputValidationError(
            f"{where}: a test sample must be the dict of DataObject._to_dict(), got {type(test_sample).__name__}",
            field="test_sample",
        )
    data_type = test_sample.get("data_type")
    if not isinstance(data_type, str) or not data_type.startswith(_TEST_SAMPLE_CATEGORY):
        raise InputValidationError(
            f"{where}: {data_type!r} is not a test-sample type (its data_type must start with "
            f"{_TEST_SAMPLE_CATEGORY!r}); a ground truth or inference may have been passed as the sample",
            field="test_sample",
            data_type=data_type,
        )
    return test_sample


def _check_dict(value: Any, field: str, where: str) -> JsonDict | None:
    if value is not None and not isinstance(value, dict):
        raise InputValidationError(f"{where}: {field} must be a dict or None, got {type(value).__name__}", field=field)
    return value


def _check_rows(rows: Sequence[SampleRow], where: str) -> list[tuple[JsonDict, JsonDict | None, JsonDict | None]]:
    checked = []
    for row in rows:
        sample = _check_sample(row.test_sample, where)
        checked.append(
            (
                sample,
                _check_dict(row.metadata, "metadata", where),
                _check_dict(row.ground_truth, "ground_truth", where),
            )
        )
    return checked


def _page_args(offset: int, limit: int | None) -> None:
    if offset < 0:
        raise InputValidationError(f"offset must be 0 or more, got {offset}", field="offset", value=offset)
    if limit is not None and limit < 0:
        raise InputValidationError(f"limit must be 0 or more, got {limit}", field="limit", value=limit)


def _sample_rows(rows: list[JsonDict]) -> list[SampleRow]:
    # The store hands back what it validated on the way in; skipping validation keeps large pages fast.
    return [SampleRow.model_construct(**row) for row in rows]


def _run_record(row: JsonDict) -> TestRunRecord:
    return TestRunRecord.model_validate(row)


#: How long a browser session lasts unless the server is set otherwise.
SESSION_LIFETIME = timedelta(days=7)

#: How long the one-time sign-in code of ``assay server`` can be used.
SIGN_IN_CODE_LIFETIME = timedelta(minutes=10)

#: Rows in a page of a view when the caller does not say.
VIEW_PAGE = 50

#: What the home page shows of each workflow, and how many runs a model's page lists.
OVERVIEW_SUITES = 20
OVERVIEW_MODELS = 20
OVERVIEW_RUNS = 10
MODEL_RUNS = 50


class _ViewCache:
    """What the views remember across requests: bounded, and rebuilt by any replica that lacks it.

    The samples of a suite version that a model has inferred are recounted only when the model's number of
    inferences changed: inferences are replaced but never deleted, so that number moves exactly when the
    set of inferred samples does.
    """

    _LIMIT = 100_000

    def __init__(self) -> None:
        self.inferred: dict[tuple[int, int], tuple[int, int]] = {}

    def remember_inferred(self, key: tuple[int, int], model_inferences: int, inferred: int) -> None:
        if len(self.inferred) >= self._LIMIT:
            self.inferred.clear()
        self.inferred[key] = (model_inferences, inferred)


def _case_ref(case: TestCaseRecord) -> TestCaseRef:
    return TestCaseRef(id=case.id, name=case.name, version=case.version, n_samples=case.n_samples)


class Service:
    """Assay's domain operations on one store.

    Args:
        store: An open store.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._view_cache = _ViewCache()

    @classmethod
    def from_url(cls, url: str | None = None) -> Service:
        """Open the service on a database, creating and migrating a fresh one.

        Args:
            url: A SQLAlchemy database URL; ``None`` for :func:`assay.store.default_database_url`
                (``$ASSAY_DATABASE_URL``, else ``$ASSAY_HOME/assay.db``).

        Returns:
            The service.

        Raises:
            SchemaOutdatedError: the database was made by an older Assay; run ``assay db upgrade``.
            InputValidationError: the URL is not a supported database URL.
        """
        store = Store.open(url if url is not None else default_database_url())
        logger.debug("service on %s", store.url)
        return cls(store)

    @property
    def url(self) -> str:
        """The database URL, without its password."""
        return self._store.url

    def close(self) -> None:
        """Release connections; the service must not be used afterwards."""
        studio: Studio | None = self.__dict__.get("_studio")
        if studio is not None:
            studio.close()
        self._store.close()

    # -- workflows -----------------------------------------------------------------------------------------
    def register_workflow(self, name: str, schema: dict[str, Any]) -> WorkflowRecord:
        """Create the workflow if it is new, else store this schema as its latest; returns it."""
        _name("workflow", name)
        _check_dict(schema, "schema", f"workflow {name!r}")
        with self._store.write() as repo:
            return WorkflowRecord.model_validate(repo.register_workflow(name, schema))

    def list_workflows(self) -> list[WorkflowRecord]:
        """All workflows, by name."""
        with self._store.read() as repo:
            return [WorkflowRecord.model_validate(row) for row in repo.list_workflows()]

    # -- test cases ----------------------------------------------------------------------------------------
    def create_test_case(self, workflow: str, name: str, description: str = "") -> TestCaseRecord:
        """Create an empty test case (version 0).

        Raises:
            NameConflictError: a test case of that name exists (in any workflow).
            InputValidationError: the name is empty.
        """
        _name("workflow", workflow)
        _name("test case", name)
        with self._store.write() as repo:
            workflow_id = repo.workflow_id(workflow, create=True)
            assert workflow_id is not None
            return TestCaseRecord.model_validate(repo.create_test_case(workflow_id, name, description or ""))

    def load_test_case(self, name: str, version: int | None = None, workflow: str | None = None) -> TestCaseRecord:
        """Load a version of a test case (the latest when ``version`` is None).

        Raises:
            NotFoundError: no such test case or version.
            WorkflowMismatchError: ``workflow`` is given and the test case belongs to another.
        """
        _name("test case", name)
        with self._store.read() as repo:
            return TestCaseRecord.model_validate(repo.load_test_case(name, version, workflow))

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
        of a sample wins); ``remove`` drops samples by identity (absent ones are ignored; removals apply
        before additions). A new version is made only if the sample list or its ground truths change (or
        ``reset``); a description alone is updated in place on the entity.

        Raises:
            NotFoundError: no such version.
            RemoteError: ``test_case_id`` is not the latest version (the test case was edited since).
            InputValidationError: a row is not a test sample.
        """
        where = f"edit of test case version id {test_case_id}"
        with self._store.write() as repo:
            added = _check_rows(add or [], where)
            removed = [_check_sample(sample, where) for sample in remove or []]
            return TestCaseRecord.model_validate(
                repo.edit_test_case(test_case_id, description=description, reset=reset, add=added, remove=removed)
            )

    def load_test_case_samples(
        self, test_case_id: int, *, offset: int = 0, limit: int | None = None
    ) -> list[SampleRow]:
        """The samples of a test-case version with their ground truths, in insertion order."""
        _page_args(offset, limit)
        with self._store.read() as repo:
            return _sample_rows(repo.load_test_case_samples(test_case_id, offset, limit))

    def init_many_test_cases(
        self, workflow: str, items: list[InitManyItem], *, reset: bool = False
    ) -> list[InitManyResult]:
        """Create or load many test cases in one transaction (see ``TestCase.init_many``).

        A new name is created (version 1 with its samples, 0 without); an existing one is loaded unchanged,
        or with ``reset`` replaced by the given samples as a new version.

        Raises:
            IncorrectUsageError: two items share a name.
            WorkflowMismatchError: an existing test case belongs to another workflow.
        """
        _name("workflow", workflow)
        seen: set[str] = set()
        for item in items:
            _name("test case", item.name)
            if item.name in seen:
                raise IncorrectUsageError(
                    f"init_many got test case {item.name!r} more than once; each name may appear once",
                    name=item.name,
                )
            seen.add(item.name)
        results: list[InitManyResult] = []
        with self._store.write() as repo:
            # Checked inside the transaction, which holds the garbage collector while many rows are about.
            checked = [(item.name, _check_rows(item.samples, f"test case {item.name!r}")) for item in items]
            workflow_id = repo.workflow_id(workflow, create=True)
            assert workflow_id is not None
            for name, rows in checked:
                if repo.case_exists(name):
                    current = repo.load_test_case(name, None, workflow)
                    if reset:
                        edited = repo.edit_test_case(current["id"], description=None, reset=True, add=rows, remove=[])
                        results.append(self._init_result(edited, "edited"))
                    else:
                        results.append(self._init_result(current, "loaded"))
                    continue
                created = repo.create_test_case(workflow_id, name, "")
                if rows:
                    created = repo.edit_test_case(created["id"], description=None, reset=False, add=rows, remove=[])
                results.append(self._init_result(created, "created"))
        return results

    @staticmethod
    def _init_result(row: JsonDict, status: str) -> InitManyResult:
        return InitManyResult(test_case=TestCaseRecord.model_validate(row), status=status)

    def list_test_cases(self, workflow: str | None = None) -> list[TestCaseRecord]:
        """The latest version of every test case, of one workflow or all, by name."""
        with self._store.read() as repo:
            return [TestCaseRecord.model_validate(row) for row in repo.list_test_cases(workflow)]

    def list_test_case_versions(self, name: str) -> list[TestCaseRecord]:
        """Every version of a test case, oldest first."""
        _name("test case", name)
        with self._store.read() as repo:
            return [TestCaseRecord.model_validate(row) for row in repo.list_test_case_versions(name)]

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
            NotFoundError: a test-case version id does not exist.
            InputValidationError: the name is empty, or two versions of one test case are given.
        """
        _name("workflow", workflow)
        _name("test suite", name)
        checked_tags = _tags(tags) or []
        with self._store.write() as repo:
            workflow_id = repo.workflow_id(workflow, create=True)
            assert workflow_id is not None
            row = repo.create_test_suite(workflow_id, name, description or "", test_case_ids or [], checked_tags)
            return TestSuiteRecord.model_validate(row)

    def load_test_suite(self, name: str, version: int | None = None, workflow: str | None = None) -> TestSuiteRecord:
        """Load a version of a test suite (the latest when ``version`` is None).

        Raises:
            NotFoundError: no such test suite or version.
            WorkflowMismatchError: ``workflow`` is given and the suite belongs to another.
        """
        _name("test suite", name)
        with self._store.read() as repo:
            return TestSuiteRecord.model_validate(repo.load_test_suite(name, version, workflow))

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

        Raises:
            NotFoundError: no such version, or a test-case version id does not exist.
            RemoteError: ``test_suite_id`` is not the latest version.
            WorkflowMismatchError: a test case belongs to another workflow.
        """
        checked_tags = _tags(tags)
        with self._store.write() as repo:
            row = repo.edit_test_suite(
                test_suite_id, description=description, test_case_ids=test_case_ids, tags=checked_tags
            )
            return TestSuiteRecord.model_validate(row)

    def list_test_suites(self, workflow: str | None = None, tags: list[str] | None = None) -> list[TestSuiteRecord]:
        """The latest version of every suite (of a workflow; carrying all ``tags``), by creation."""
        checked_tags = _tags(tags)
        with self._store.read() as repo:
            return [TestSuiteRecord.model_validate(row) for row in repo.list_test_suites(workflow, checked_tags)]

    def list_test_suite_versions(self, name: str) -> list[TestSuiteRecord]:
        """Every version of a test suite, oldest first."""
        _name("test suite", name)
        with self._store.read() as repo:
            return [TestSuiteRecord.model_validate(row) for row in repo.list_test_suite_versions(name)]

    # -- models --------------------------------------------------------------------------------------------
    def create_model(
        self,
        workflow: str,
        name: str,
        metadata: dict[str, Any] | None = None,
        tags: list[str] | None = None,
    ) -> ModelRecord:
        """Create a model.

        Raises:
            NameConflictError: a model of that name exists (in any workflow).
            InputValidationError: the name is empty.
        """
        _name("workflow", workflow)
        _name("model", name)
        _check_dict(metadata, "metadata", f"model {name!r}")
        checked_tags = _tags(tags) or []
        with self._store.write() as repo:
            workflow_id = repo.workflow_id(workflow, create=True)
            assert workflow_id is not None
            return ModelRecord.model_validate(repo.create_model(workflow_id, name, metadata or {}, checked_tags))

    def load_model(self, name: str, workflow: str | None = None) -> ModelRecord:
        """Load a model by name.

        Raises:
            NotFoundError: no model of that name.
            WorkflowMismatchError: ``workflow`` is given and the model belongs to another.
        """
        _name("model", name)
        with self._store.read() as repo:
            return ModelRecord.model_validate(repo.load_model(name, workflow))

    def list_models(self, workflow: str | None = None, tags: list[str] | None = None) -> list[ModelRecord]:
        """Models of a workflow (carrying all ``tags``), by creation."""
        checked_tags = _tags(tags)
        with self._store.read() as repo:
            return [ModelRecord.model_validate(row) for row in repo.list_models(workflow, checked_tags)]

    def load_inferences(
        self, model_id: int, test_case_id: int, *, offset: int = 0, limit: int | None = None
    ) -> list[InferenceRow]:
        """Samples of a test-case version that have an inference of the model, with both, in case order."""
        _page_args(offset, limit)
        with self._store.read() as repo:
            rows = repo.load_inferences(model_id, test_case_id, offset, limit)
            return [InferenceRow.model_construct(**row) for row in rows]

    # -- test runs -----------------------------------------------------------------------------------------
    def create_or_retrieve_test_run(
        self,
        model_id: int,
        test_suite_id: int,
        evaluator: str | None,
        configurations: list[ConfigurationIn] | None = None,
    ) -> TestRunRecord:
        """The run of (model, suite version, evaluator name); created if new, configurations appended.

        Raises:
            NotFoundError: no such model or suite version.
            WorkflowMismatchError: the model and the suite belong to different workflows.
            InputValidationError: an empty evaluator or configuration name, or a name given twice.
        """
        if evaluator is not None:
            _name("evaluator", evaluator)
        seen: set[str] = set()
        checked: list[tuple[str, JsonDict | None]] = []
        for configuration in configurations or []:
            display_name = _name("configuration display", configuration.display_name)
            if display_name in seen:
                raise InputValidationError(
                    f"configuration display name {display_name!r} is given twice; display names must be distinct",
                    field="display_name",
                    value=display_name,
                )
            seen.add(display_name)
            checked.append((display_name, configuration.configuration))
        with self._store.write() as repo:
            return _run_record(repo.create_or_retrieve_test_run(model_id, test_suite_id, evaluator, checked))

    def load_remaining_test_samples(
        self, test_run_id: int, *, load_all: bool = False, offset: int = 0, limit: int | None = None
    ) -> list[SampleRow]:
        """Distinct samples of the run's suite version with no inference of its model (all with ``load_all``).

        Samples come in a stable order (the order they were first stored). Rows carry no ground truth:
        inference must not see it. Uploading inferences shrinks what remains, so a client that uploads
        between pages reads again from offset 0.
        """
        _page_args(offset, limit)
        with self._store.read() as repo:
            return _sample_rows(repo.load_remaining_test_samples(test_run_id, load_all, offset, limit))

    def upload_inferences(
        self, model_id: int, rows: list[tuple[dict[str, Any], dict[str, Any]]], *, reset: bool = False
    ) -> int:
        """Store ``(test_sample, inference)`` pairs for a model, in one transaction; returns the count.

        Raises:
            NotFoundError: a sample is not stored.
            RemoteError: a sample already has an inference of this model and ``reset`` is false.
            InputValidationError: a row is not a (test sample, inference) pair of dicts.
        """
        where = f"inferences of model id {model_id}"
        with self._store.write() as repo:
            checked: list[tuple[JsonDict, JsonDict]] = []
            for row in rows:
                if not isinstance(row, tuple | list) or len(row) != 2:
                    raise InputValidationError(
                        f"{where}: each row must be a (test_sample, inference) pair", field="rows"
                    )
                sample = _check_sample(row[0], where)
                inference = _check_dict(row[1], "inference", where)
                if inference is None:
                    raise InputValidationError(f"{where}: an inference must be a dict, got None", field="inference")
                checked.append((sample, inference))
            return repo.upload_inferences(model_id, checked, reset)

    def upload_test_sample_metrics(
        self, test_run_id: int, configuration: str | None, rows: list[SampleMetricsRow]
    ) -> int:
        """Store per-sample metrics, replacing what the run held for the same (configuration, case, sample).

        Raises:
            NotFoundError: no such run, or the configuration is not one of the run's.
            InputValidationError: a sample or test case is not in the run's suite version.
        """
        where = f"sample metrics of test run {test_run_id}"
        with self._store.write() as repo:
            checked = []
            for row in rows:
                sample = _check_sample(row.test_sample, where)
                metrics = _check_dict(row.metrics, "metrics", where)
                checked.append((sample, metrics or {}, row.test_case_id))
            return repo.upload_test_sample_metrics(test_run_id, configuration, checked)

    def upload_test_case_metrics(
        self, test_run_id: int, configuration: str | None, rows: list[TestCaseMetricsRow]
    ) -> int:
        """Store test-case metrics and plots, replacing those of the same (configuration, case).

        Raises:
            NotFoundError: no such run, or the configuration is not one of the run's.
            InputValidationError: a test case is not in the run's suite version.
        """
        checked = [(row.test_case_id, row.metrics, row.plots) for row in rows]
        with self._store.write() as repo:
            return repo.upload_test_case_metrics(test_run_id, configuration, checked)

    def upload_test_suite_metrics(
        self, test_run_id: int, configuration: str | None, metrics: dict[str, Any] | None
    ) -> None:
        """Store the suite metrics (or none) of a configuration; this marks the configuration complete."""
        _check_dict(metrics, "metrics", f"suite metrics of test run {test_run_id}")
        with self._store.write() as repo:
            repo.upload_test_suite_metrics(test_run_id, configuration, metrics)

    def mark_test_run_crashed(self, test_run_id: int, message: str) -> None:
        """Record that the client failed during the run; what was uploaded stays."""
        with self._store.write() as repo:
            repo.mark_test_run_crashed(test_run_id, message)

    def load_results(
        self,
        model_id: int,
        test_suite_id: int,
        evaluator: str | None = None,
        configuration: str | None = None,
    ) -> list[Results]:
        """Stored results of the latest run of the model on the suite version, one entry per configuration.

        ``evaluator`` and ``configuration`` narrow the choice. The latest run with stored results is used,
        so a run just started does not hide the results of an earlier one.

        Raises:
            NotFoundError: no such model or suite version, or nothing is stored.
        """
        with self._store.read() as repo:
            found = repo.load_results(model_id, test_suite_id, evaluator, configuration)
            return [
                Results(
                    test_run=_run_record(entry["test_run"]),
                    configuration=entry["configuration"],
                    test_suite_metrics=entry["test_suite_metrics"],
                    test_case_metrics=[TestCaseMetricsRow.model_construct(**row) for row in entry["test_case_metrics"]],
                    test_sample_metrics=[
                        SampleMetricsRow.model_construct(**row) for row in entry["test_sample_metrics"]
                    ],
                )
                for entry in found
            ]

    def query_samples(self, query: dict[str, Any]) -> pa.Table:
        """Every sample a Studio query matches, in its order, with its fields (a ``pyarrow.Table``).

        ``query`` is a :class:`assay.service.sample_views.SampleQuery` as a dict; see
        :meth:`assay.service.studio.Studio.query_arrow` for the columns.

        Raises:
            NotFoundError: no such suite version, test case of it, or model.
            InputValidationError: a malformed query, an unknown field, or a condition that does not apply.
        """
        return self.studio.query_arrow(_sample_query(query))

    # -- web app: sessions ---------------------------------------------------------------------------------
    def create_session(self, api_token: str, lifetime: timedelta = SESSION_LIFETIME) -> tuple[SessionInfo, str]:
        """Sign a browser in with an API token.

        Args:
            api_token: The secret of an API token.
            lifetime: How long the session lasts.

        Returns:
            The session and its secret, the value of the session cookie (stored only as a hash).

        Raises:
            InvalidTokenError: the token is unknown or revoked.
        """
        if not isinstance(api_token, str) or not api_token:
            raise InvalidTokenError("an API token must be a non-empty string")
        with self._store.write() as repo:
            info, secret = web_sessions.create_session(repo.session, api_token, lifetime)
        return SessionInfo.model_validate(info), secret

    def create_sign_in_code(self, lifetime: timedelta = SIGN_IN_CODE_LIFETIME) -> str:
        """A one-time sign-in code, as ``assay server`` prints in its URL; usable once within ``lifetime``."""
        with self._store.write() as repo:
            return web_sessions.create_sign_in_code(repo.session, lifetime)

    def redeem_sign_in_code(self, code: str, lifetime: timedelta = SESSION_LIFETIME) -> tuple[SessionInfo, str]:
        """Use up a one-time sign-in code and sign a browser in with it.

        The session stands for no API token (its ``token_name`` is ``"sign-in link"``): whoever could read
        the server's output may use the app, as whoever can run ``assay token create`` could anyway.

        Returns:
            The session and its secret, the value of the session cookie.

        Raises:
            InvalidTokenError: the code is unknown, expired or was used already.
        """
        if not isinstance(code, str) or not code:
            raise InvalidTokenError("a sign-in code must be a non-empty string")
        with self._store.write() as repo:
            info, secret = web_sessions.redeem_sign_in_code(repo.session, code, lifetime)
        return SessionInfo.model_validate(info), secret

    def verify_session(self, session_id: str) -> SessionInfo:
        """The live session whose cookie holds ``session_id``.

        Raises:
            UnauthenticatedError: no such session, or it expired, was revoked, or its API token was revoked.
        """
        if not isinstance(session_id, str) or not session_id:
            raise UnauthenticatedError("no session; sign in again")
        with self._store.read() as repo:
            return SessionInfo.model_validate(web_sessions.verify_session(repo.session, session_id))

    def revoke_session(self, session_id: str) -> None:
        """Sign a session out: its cookie is refused from now on.

        Raises:
            UnauthenticatedError: no live session has this id.
        """
        if not isinstance(session_id, str) or not session_id:
            raise UnauthenticatedError("no session; sign in again")
        with self._store.write() as repo:
            web_sessions.revoke_session(repo.session, session_id)

    # -- web app: views ------------------------------------------------------------------------------------
    def read_overview(self) -> Overview:
        """The home page: each workflow with its latest suites and models (20 each) and 10 latest runs."""
        with self._store.read() as repo:
            views = ViewQueries(repo.session)
            workflows = []
            for workflow in views.workflows():
                suites, n_suites = self._suite_summaries(views, workflow["name"], None, 0, OVERVIEW_SUITES)
                models, n_models = self._model_summaries(views, workflow["name"], None, 0, OVERVIEW_MODELS)
                runs, _ = self._run_summaries(views, workflow=workflow["name"], limit=OVERVIEW_RUNS)
                workflows.append(
                    WorkflowOverview(
                        name=workflow["name"],
                        created=workflow["created"],
                        test_suites=suites,
                        n_test_suites=n_suites,
                        models=models,
                        n_models=n_models,
                        latest_runs=runs,
                    )
                )
        return Overview(workflows=workflows)

    def list_suite_summaries(
        self, workflow: str | None = None, search: str | None = None, *, offset: int = 0, limit: int = VIEW_PAGE
    ) -> Paged[SuiteSummary]:
        """A page of test suites at their latest versions, most recently versioned first.

        Args:
            workflow: Only suites of this workflow.
            search: Only suites whose name, description or tags contain this text, ignoring case.
            offset: Suites to skip.
            limit: The most suites to return.
        """
        _page_args(offset, limit)
        with self._store.read() as repo:
            items, total = self._suite_summaries(ViewQueries(repo.session), workflow, search, offset, limit)
        return Paged[SuiteSummary](items=items, total=total, offset=offset, limit=limit)

    def read_suite_detail(self, name: str, version: int | None = None) -> SuiteDetail:
        """A suite at one version (the latest when ``version`` is None), with its history and tested models.

        Raises:
            NotFoundError: no such suite or version.
        """
        _name("test suite", name)
        with self._store.read() as repo:
            suite = TestSuiteRecord.model_validate(repo.load_test_suite(name, version, None))
            views = ViewQueries(repo.session)
            entity = views.suite_entity(name)
            assert entity is not None  # loaded above
            history = self._version_summaries(views, views.suite_versions(suite.entity_id), suite.description)
            models = [ModelRef(id=row["id"], name=row["name"]) for row in views.models_of_suite_version(suite.id)]
        shown = next(entry for entry in history if entry.id == suite.id)
        return SuiteDetail(
            suite=suite, versions=history, n_samples=shown.n_samples, schema=entity["schema"], models=models
        )

    def diff_suite_versions(self, name: str, base: int, head: int) -> SuiteDiff:
        """What changed from version ``base`` of a suite to version ``head``.

        Test cases are matched by name across versions: those only in ``head`` are added, only in ``base``
        removed, in both at different versions changed (with the samples added and removed between the two
        versions of the test case and the ground truths replaced), at the same version unchanged.

        Raises:
            NotFoundError: no such suite, or no such version.
        """
        _name("test suite", name)
        with self._store.read() as repo:
            base_suite = TestSuiteRecord.model_validate(repo.load_test_suite(name, base, None))
            head_suite = TestSuiteRecord.model_validate(repo.load_test_suite(name, head, None))
            views = ViewQueries(repo.session)
            before = {case.entity_id: case for case in base_suite.test_cases}
            after = {case.entity_id for case in head_suite.test_cases}
            added: list[TestCaseRef] = []
            changed: list[TestCaseChange] = []
            unchanged: list[TestCaseRef] = []
            for case in head_suite.test_cases:
                old = before.get(case.entity_id)
                if old is None:
                    added.append(_case_ref(case))
                elif old.version == case.version:
                    unchanged.append(_case_ref(case))
                else:
                    plus, minus, replaced = views.case_changes(case.entity_id, old.version, case.version)
                    changed.append(
                        TestCaseChange(
                            name=case.name,
                            base=_case_ref(old),
                            head=_case_ref(case),
                            samples_added=plus,
                            samples_removed=minus,
                            ground_truths_changed=replaced,
                        )
                    )
            removed = [_case_ref(case) for case in base_suite.test_cases if case.entity_id not in after]
            both = {base_suite.id, head_suite.id}
            compared = [row for row in views.suite_versions(head_suite.entity_id) if row["id"] in both]
            summaries = {entry.id: entry for entry in self._version_summaries(views, compared, head_suite.description)}
        return SuiteDiff(
            name=head_suite.name,
            base=summaries[base_suite.id],
            head=summaries[head_suite.id],
            added=added,
            removed=removed,
            changed=changed,
            unchanged=unchanged,
        )

    def list_model_summaries(
        self, workflow: str | None = None, search: str | None = None, *, offset: int = 0, limit: int = VIEW_PAGE
    ) -> Paged[ModelSummary]:
        """A page of models, most recently tested (else created) first; ``search`` matches name and tags."""
        _page_args(offset, limit)
        with self._store.read() as repo:
            items, total = self._model_summaries(ViewQueries(repo.session), workflow, search, offset, limit)
        return Paged[ModelSummary](items=items, total=total, offset=offset, limit=limit)

    def read_model_detail(self, model_id: int) -> ModelDetail:
        """A model with the suite versions it was tested on and its latest 50 runs.

        Raises:
            NotFoundError: no model has this id.
        """
        with self._store.read() as repo:
            model = ModelRecord.model_validate(repo.get_model(model_id))
            views = ViewQueries(repo.session)
            suites = [SuiteRef.model_validate(row) for row in views.suites_of_model(model_id)]
            runs, n_runs = self._run_summaries(views, model_id=model_id, limit=MODEL_RUNS)
        return ModelDetail(model=model, test_suites=suites, runs=runs, n_runs=n_runs)

    def list_run_summaries(
        self,
        workflow: str | None = None,
        model_id: int | None = None,
        test_suite_name: str | None = None,
        status: str | None = None,
        *,
        offset: int = 0,
        limit: int = VIEW_PAGE,
    ) -> Paged[RunSummary]:
        """A page of test runs, newest first, with status and progress.

        A run is ``running`` until every configuration has its suite metrics (``completed``), or
        ``crashed`` when its client reported a failure. Progress counts the suite version's distinct
        samples that have an inference of the model, which grows batch by batch while ``test()`` infers.

        Raises:
            InputValidationError: ``status`` is not running, completed or crashed.
        """
        _page_args(offset, limit)
        if status is not None and status not in RUN_STATUSES:
            raise InputValidationError(
                f"status must be one of {', '.join(RUN_STATUSES)}, got {status!r}", field="status", value=status
            )
        with self._store.read() as repo:
            items, total = self._run_summaries(
                ViewQueries(repo.session),
                workflow=workflow,
                model_id=model_id,
                test_suite_name=test_suite_name,
                status=status,
                offset=offset,
                limit=limit,
            )
        return Paged[RunSummary](items=items, total=total, offset=offset, limit=limit)

    def _version_summaries(
        self, views: ViewQueries, versions: list[dict[str, Any]], description: str
    ) -> list[SuiteVersionSummary]:
        cases = views.suite_case_counts([row["id"] for row in versions])
        return [
            SuiteVersionSummary(
                id=row["id"],
                version=row["version"],
                description=description,
                created=row["created"],
                n_test_cases=cases.get(row["id"], 0),
                n_samples=row["n_samples"],
            )
            for row in versions
        ]

    def _suite_summaries(
        self, views: ViewQueries, workflow: str | None, search: str | None, offset: int, limit: int
    ) -> tuple[list[SuiteSummary], int]:
        rows, total = views.suite_page(workflow, search, offset, limit)
        cases = views.suite_case_counts([row["id"] for row in rows])
        models = views.suite_model_counts([row["entity_id"] for row in rows])
        items = [
            SuiteSummary(
                **row,
                n_test_cases=cases.get(row["id"], 0),
                n_models=models.get(row["entity_id"], 0),
            )
            for row in rows
        ]
        return items, total

    @staticmethod
    def _model_summaries(
        views: ViewQueries, workflow: str | None, search: str | None, offset: int, limit: int
    ) -> tuple[list[ModelSummary], int]:
        rows, total = views.model_page(workflow, search, offset, limit)
        return [ModelSummary.model_validate(row) for row in rows], total

    def _run_summaries(
        self,
        views: ViewQueries,
        *,
        workflow: str | None = None,
        model_id: int | None = None,
        test_suite_name: str | None = None,
        status: str | None = None,
        offset: int = 0,
        limit: int = VIEW_PAGE,
    ) -> tuple[list[RunSummary], int]:
        rows, total = views.run_page(
            workflow=workflow,
            model_id=model_id,
            test_suite_name=test_suite_name,
            status=status,
            offset=offset,
            limit=limit,
        )
        configurations = views.run_configurations([row["id"] for row in rows])
        model_inferences = views.inference_counts(list({row["model_id"] for row in rows}))
        known = self._view_cache.inferred
        items = []
        for row in rows:
            suite_id = row["test_suite_version_id"]
            key = (suite_id, row["model_id"])
            total_samples = row["samples_total"]
            now = model_inferences.get(row["model_id"], 0)
            cached = known.get(key)
            if cached is None or cached[0] != now:
                cached = (now, views.inferred_samples(suite_id, row["model_id"]) if now else 0)
                self._view_cache.remember_inferred(key, *cached)
            entries = configurations.get(row["id"], [])
            # An unconfigured evaluator's one implicit configuration exists once its first metrics arrive.
            names: list[str | None] = [name or None for name, _ in entries] or [None]
            completed: list[str | None] = [name or None for name, done in entries if done]
            items.append(
                RunSummary(
                    id=row["id"],
                    model=ModelRef(id=row["model_id"], name=row["model_name"]),
                    test_suite=SuiteRef(id=suite_id, name=row["test_suite_name"], version=row["version"]),
                    workflow=row["workflow"],
                    evaluator=row["evaluator"] or None,
                    configurations=names,
                    completed=completed,
                    status=row["status"],
                    message=row["message"],
                    progress=RunProgress(
                        samples_total=total_samples,
                        samples_inferred=cached[1],
                        configurations_total=len(names),
                        configurations_completed=len(completed),
                    ),
                    created=row["created"],
                    updated=row["updated"],
                )
            )
        return items, total

    # -- API tokens ----------------------------------------------------------------------------------------
    def create_token(self, name: str) -> tuple[TokenRecord, str]:
        """Create an API token.

        Args:
            name: What the token is for, shown in listings.

        Returns:
            The stored token and its secret (``assay_`` followed by 43 URL-safe characters). The secret is
            returned this once: only its SHA-256 is stored.
        """
        _name("token", name)
        with self._store.write() as repo:
            row, secret = repo.create_token(name)
        return TokenRecord.model_validate(row), secret

    def verify_token(self, secret: str) -> TokenRecord:
        """The token of a secret.

        Raises:
            InvalidTokenError: the secret is unknown or its token was revoked.
        """
        if not isinstance(secret, str) or not secret:
            raise InvalidTokenError("an API token must be a non-empty string")
        with self._store.read() as repo:
            return TokenRecord.model_validate(repo.verify_token(secret))

    def list_tokens(self) -> list[TokenRecord]:
        """Every API token (never a secret), oldest first."""
        with self._store.read() as repo:
            return [TokenRecord.model_validate(row) for row in repo.list_tokens()]

    def revoke_token(self, token_id: int) -> TokenRecord:
        """Revoke a token; requests with its secret are refused from now on.

        Raises:
            NotFoundError: no token has that id.
        """
        with self._store.write() as repo:
            return TokenRecord.model_validate(repo.revoke_token(token_id))

    # -- results page (web app) ----------------------------------------------------------------------------
    def register_metrics_types(self, workflow: str, types: dict[str, Any]) -> None:
        """Merge the type schemas of metrics classes into the workflow's schema document.

        The client calls it before uploading metrics of a class (the ``types`` of
        :func:`assay.schema.metrics_schema`), so the results page knows each metric's better direction.

        Raises:
            NotFoundError: no such workflow.
            InputValidationError: ``types`` is not a map of type entries.
        """
        _name("workflow", workflow)
        with self._store.write() as repo:
            merge_metrics_types(repo.session, workflow, types)

    @property
    def studio(self) -> Studio:
        """Queries, histograms and details over the samples of suite versions (:mod:`assay.service.studio`)."""
        studio: Studio | None = self.__dict__.get("_studio")
        if studio is None:
            # Imported on first use: the engine brings DuckDB and numba, which a client that only uploads
            # (``import assay``) should not pay for.
            from assay.service.studio import Studio

            studio = self.__dict__.setdefault("_studio", Studio(self._store))
        return studio

    @property
    def curation(self) -> Curation:
        """Test cases made from samples, and the samples behind a delta (:mod:`assay.service.curation`)."""
        curation: Curation | None = self.__dict__.get("_curation")
        if curation is None:
            from assay.service.curation import Curation

            curation = self.__dict__.setdefault("_curation", Curation(self))
        return curation

    @property
    def _results(self) -> ResultsCache:
        # Made on first use, so that services that never serve the results page carry nothing for it.
        cache: ResultsCache | None = self.__dict__.get("_results_cache")
        if cache is None:
            cache = self.__dict__.setdefault("_results_cache", ResultsCache())
        return cache

    def _results_suite(self, repo: Any, test_suite_id: int) -> SuiteInfo:
        # A suite version never changes: its test cases are read once per process.
        info = self._results.suite(test_suite_id)
        if info is None:
            info = SuiteInfo.from_record(repo.get_test_suite(test_suite_id))
            self._results.remember_suite(info)
        return info

    def read_results_options(self, test_suite_id: int) -> ResultsOptions:
        """What can be compared on a suite version: each model's run of each evaluator.

        Raises:
            NotFoundError: no such suite version.
        """
        with self._store.read() as repo:
            info = self._results_suite(repo, test_suite_id)
            return build_options(info.suite, runs_of_suite(repo.session, test_suite_id))

    def read_results_table(
        self,
        test_suite_id: int,
        *,
        model_ids: Sequence[int] | None = None,
        baseline_id: int | None = None,
        evaluator: str | None = None,
        configurations: Sequence[str | None] | None = None,
        common_samples: bool = False,
        alpha: float = DEFAULT_ALPHA,
        confidence: float = DEFAULT_CONFIDENCE,
        n_resamples: int = DEFAULT_RESAMPLES,
        sort_metric: str | None = None,
        sort_configuration: str | None = None,
        sort_model_id: int | None = None,
        sort_by: SortBy = "value",
        descending: bool = False,
        only_significant: bool = False,
        offset: int = 0,
        limit: int | None = None,
    ) -> ResultsTable:
        """The results table of a suite version: test cases × (configuration, metric, model), one page of rows.

        See :mod:`assay.service.results_view` for directions, per-sample bases, tests, sorting and the cache.
        ``evaluator``, ``sort_configuration`` and the names in ``configurations`` take ``""`` for the unnamed
        evaluator and the implicit configuration.

        Raises:
            NotFoundError: no such suite version, no run on it, or a model without a run of the evaluator.
            InputValidationError: a bad baseline, configuration, sort column, option or page.
        """
        _page_args(offset, limit)
        full = self._results_full(
            test_suite_id,
            (model_ids, baseline_id, evaluator, configurations),
            (common_samples, alpha, confidence, n_resamples),
        )
        page = PageRequest(
            sort_metric, sort_configuration, sort_model_id, sort_by, descending, only_significant, offset, limit
        )
        return page_table(full, page)

    def read_results_table_body(
        self,
        test_suite_id: int,
        *,
        model_ids: Sequence[int] | None = None,
        baseline_id: int | None = None,
        evaluator: str | None = None,
        configurations: Sequence[str | None] | None = None,
        common_samples: bool = False,
        alpha: float = DEFAULT_ALPHA,
        sort_metric: str | None = None,
        sort_configuration: str | None = None,
        sort_model_id: int | None = None,
        sort_by: SortBy = "value",
        descending: bool = False,
        only_significant: bool = False,
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[bytes, str]:
        """:meth:`read_results_table` encoded as wire JSON, with its strong ETag.

        The encoded pages asked last are kept with the cached table, so a client revalidating a page it holds
        (``If-None-Match``) is answered from the kept ETag, and a page asked again costs nothing to encode.
        """
        _page_args(offset, limit)
        full = self._results_full(
            test_suite_id,
            (model_ids, baseline_id, evaluator, configurations),
            (common_samples, alpha, DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES),
        )
        page = PageRequest(
            sort_metric, sort_configuration, sort_model_id, sort_by, descending, only_significant, offset, limit
        )
        return full.page_body(page)

    def _results_full(
        self,
        test_suite_id: int,
        runs: tuple[Sequence[int] | None, int | None, str | None, Sequence[str | None] | None],
        options: tuple[bool, float, float, int],
    ) -> FullTable:
        # Each layer of the table is kept under what it depends on (see results_view): another alpha costs
        # Benjamini-Hochberg only, another baseline the tests only (with resamples already drawn).
        model_ids, baseline_id, evaluator, configurations = runs
        common_samples, alpha, confidence, n_resamples = options
        cache = self._results
        with self._store.read() as repo:
            info = self._results_suite(repo, test_suite_id)
            selection = select_runs(
                runs_of_suite(repo.session, test_suite_id),
                suite_label=info.label,
                model_ids=model_ids,
                baseline_id=baseline_id,
                evaluator=evaluator,
                configurations=configurations,
            )
            schema = workflow_schema(repo.session, info.workflow)
            prepared_key = (test_suite_id, selection.data_fingerprint(), schema_digest(schema), common_samples)
            tested_key = (prepared_key, selection.baseline_id, confidence, n_resamples)
            key = (tested_key, alpha)
            full = cache.get(key)
            if full is not None:
                return full
            tested = cache.tested(tested_key)
            prepared = cache.prepared(prepared_key) if tested is None else tested.prepared
            data = None
            if prepared is None:
                data = assemble(info, selection, *self._results_stored(repo, test_suite_id, selection), schema)
        if prepared is None:
            assert data is not None
            prepared = prepare(data, common_samples=common_samples)
            cache.remember_prepared(prepared_key, prepared)
        if tested is None:
            tested = run_tests(
                prepared,
                baseline_id=selection.baseline_id,
                confidence=confidence,
                n_resamples=n_resamples,
                draws=cache.draws,
            )
            cache.remember_tested(tested_key, tested)
        full = with_alpha(tested, alpha)
        cache.put(key, full)
        return full

    def _results_stored(
        self, repo: Any, test_suite_id: int, selection: Selection
    ) -> tuple[dict[int, CaseData], dict[int, list[int]]]:
        # Each configuration's data is read once per change of its run and kept: another baseline or
        # another choice of models reads nothing again.
        stamps = {cid: selection.runs[model_id][1] for cid, (model_id, _) in selection.owners().items()}
        found = {cid: self._results.case_data(cid, stamp) for cid, stamp in stamps.items()}
        missing = [cid for cid, data in found.items() if data is None]
        if missing:
            loaded = load_case_data(
                missing,
                case_metrics(repo.session, missing),
                sample_metrics(repo.session, missing),
                suite_metrics(repo.session, missing),
            )
            for cid, data in loaded.items():
                self._results.remember_case_data(cid, stamps[cid], data)
                found[cid] = data
        stored = {cid: data for cid, data in found.items() if data is not None}
        members: dict[int, list[int]] = {}
        if any(data.has_suite_scope for data in stored.values()):
            members = self._results.members(test_suite_id) or suite_memberships(repo.session, test_suite_id)
            self._results.remember_members(test_suite_id, members)
        return stored, members

    def _results_case(
        self,
        repo: Any,
        test_suite_id: int,
        test_case_id: int,
        model_ids: Sequence[int] | None,
        baseline_id: int | None,
        evaluator: str | None,
        configurations: Sequence[str | None] | None,
    ) -> tuple[SuiteInfo, Selection]:
        info = self._results_suite(repo, test_suite_id)
        info.test_case(test_case_id)
        selection = select_runs(
            runs_of_suite(repo.session, test_suite_id),
            suite_label=info.label,
            model_ids=model_ids,
            baseline_id=baseline_id,
            evaluator=evaluator,
            configurations=configurations,
        )
        return info, selection

    def read_nested_results(
        self,
        test_suite_id: int,
        test_case_id: int,
        field: str,
        *,
        model_ids: Sequence[int] | None = None,
        baseline_id: int | None = None,
        evaluator: str | None = None,
        configurations: Sequence[str | None] | None = None,
    ) -> NestedResults:
        """The nested table (e.g. per class) of one field of a test case's metrics, value and delta per cell.

        Raises:
            NotFoundError: no such suite version or test case in it, no such run, or no model stored the field.
            InputValidationError: a bad baseline or configuration.
        """
        with self._store.read() as repo:
            info, selection = self._results_case(
                repo, test_suite_id, test_case_id, model_ids, baseline_id, evaluator, configurations
            )
            owners = selection.owners()
            found = case_metrics_of(repo.session, list(owners), test_case_id)
            schema = workflow_schema(repo.session, info.workflow)
        metrics = {owners[configuration_id]: data for configuration_id, data in found.items()}
        return build_nested(info.test_case(test_case_id), field, selection, metrics, schema)

    def read_test_case_plots(
        self,
        test_suite_id: int,
        test_case_id: int,
        *,
        model_ids: Sequence[int] | None = None,
        evaluator: str | None = None,
        configurations: Sequence[str | None] | None = None,
    ) -> TestCasePlots:
        """Each model's stored plots of a test case, for overlaying.

        Raises:
            NotFoundError: no such suite version or test case in it, or no such run.
            InputValidationError: a bad configuration.
        """
        with self._store.read() as repo:
            info, selection = self._results_case(
                repo, test_suite_id, test_case_id, model_ids, None, evaluator, configurations
            )
            owners = selection.owners()
            found = case_plots(repo.session, list(owners), test_case_id)
        plots = {owners[configuration_id]: stored for configuration_id, stored in found.items()}
        return build_plots(info.test_case(test_case_id), selection, plots)
