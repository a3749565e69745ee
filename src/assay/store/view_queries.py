"""The queries behind the web app's views: search, paging with totals, counts and distinct samples, in SQL.

Each view reads a page of rows and then aggregates over that page alone, with one grouped query per kind of
count; no query loads the samples of a suite into Python. Everything returns plain dicts and tuples shaped
for the records of :mod:`assay.service.views`.

Distinct samples of a suite version count each sample once across the suite's test cases: a sample of a test
case version ``v`` is a membership row with ``added_in <= v < removed_in`` (see :mod:`assay.store.models`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    Text,
    and_,
    case,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from assay.store.models import (
    Inference,
    Model,
    RunConfiguration,
    SuiteMetrics,
    TestCaseSample,
    TestCaseVersion,
    TestRun,
    TestSuite,
    TestSuiteTestCase,
    TestSuiteVersion,
    Workflow,
)

__all__ = ["RUN_STATUSES", "ViewQueries", "suite_sample_count"]

Dict = dict[str, Any]

#: The statuses a run can be listed with.
RUN_STATUSES = ("running", "completed", "crashed")

_member = cast(Table, TestCaseSample.__table__)
_tcv = cast(Table, TestCaseVersion.__table__)
_stc = cast(Table, TestSuiteTestCase.__table__)
_inference = cast(Table, Inference.__table__)


def _row_in(row: Any, version: Any) -> ColumnElement[bool]:
    """The membership row ``row`` belongs to version ``version`` of its test case."""
    return and_(row.c.added_in <= version, or_(row.c.removed_in.is_(None), row.c.removed_in > version))


def _contains(column: Any, needle: str) -> ColumnElement[bool]:
    found: ColumnElement[bool] = func.lower(column).contains(needle.lower(), autoescape=True)
    return found


#: A select of any number of columns.
AnySelect = Select[*tuple[Any, ...]]


def _page(query: AnySelect, offset: int, limit: int) -> AnySelect:
    return query.offset(offset).limit(limit)


def suite_sample_count(test_suite_version_id: int) -> Select[int]:
    """A query of the number of distinct samples of a suite version over its test cases."""
    return (
        select(func.count(func.distinct(_member.c.test_sample_id)))
        .select_from(_stc)
        .join(_tcv, _tcv.c.id == _stc.c.test_case_version_id)
        .join(_member, _member.c.test_case_id == _tcv.c.test_case_id)
        .where(_stc.c.test_suite_version_id == test_suite_version_id, _row_in(_member, _tcv.c.version))
    )


def _latest_suite_versions() -> Any:
    return (
        select(TestSuiteVersion.test_suite_id, func.max(TestSuiteVersion.version).label("version"))
        .group_by(TestSuiteVersion.test_suite_id)
        .subquery()
    )


class ViewQueries:
    """The views' queries within one transaction.

    Args:
        session: The session of a read transaction.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def _total(self, query: AnySelect) -> int:
        return int(self.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)

    # -- workflows -----------------------------------------------------------------------------------------
    def workflows(self) -> list[Dict]:
        """Every workflow (``name``, ``created``, ``schema``), by name."""
        rows = self.session.execute(
            select(Workflow.name, Workflow.created, Workflow.schema_).order_by(Workflow.name)
        ).all()
        return [{"name": row[0], "created": row[1], "schema": row[2]} for row in rows]

    # -- suites --------------------------------------------------------------------------------------------
    def suite_page(self, workflow: str | None, search: str | None, offset: int, limit: int) -> tuple[list[Dict], int]:
        """A page of the latest versions of suites, most recently versioned first, and how many match.

        Args:
            workflow: Only suites of this workflow.
            search: Only suites whose name, description or tags contain this, ignoring case.
            offset: Rows to skip.
            limit: The most rows to return.

        Returns:
            The rows (suite fields, ``id`` of the latest version, ``updated`` its creation) and the total.
        """
        latest = _latest_suite_versions()
        query = (
            select(
                TestSuiteVersion.id,
                TestSuite.id.label("entity_id"),
                TestSuite.name,
                TestSuiteVersion.version,
                Workflow.name.label("workflow"),
                TestSuite.description,
                TestSuite.tags,
                TestSuite.created,
                TestSuiteVersion.created.label("updated"),
                TestSuiteVersion.n_samples,
            )
            .join(latest, latest.c.test_suite_id == TestSuite.id)
            .join(
                TestSuiteVersion,
                and_(TestSuiteVersion.test_suite_id == TestSuite.id, TestSuiteVersion.version == latest.c.version),
            )
            .join(Workflow, Workflow.id == TestSuite.workflow_id)
        )
        if workflow is not None:
            query = query.where(Workflow.name == workflow)
        if search:
            query = query.where(
                or_(
                    _contains(TestSuite.name, search),
                    _contains(TestSuite.description, search),
                    _contains(sql_cast(TestSuite.tags, Text), search),
                )
            )
        total = self._total(query)
        ordered = query.order_by(TestSuiteVersion.created.desc(), TestSuiteVersion.id.desc())
        rows = [dict(row._mapping) for row in self.session.execute(_page(ordered, offset, limit))]
        for row in rows:
            row["tags"] = list(row["tags"] or [])
        return rows, total

    def suite_entity(self, name: str) -> Dict | None:
        """A suite (``id``, ``name``, ``description``, ``workflow``, ``schema``) by name, or ``None``."""
        row = self.session.execute(
            select(TestSuite.id, TestSuite.name, TestSuite.description, Workflow.name, Workflow.schema_)
            .join(Workflow, Workflow.id == TestSuite.workflow_id)
            .where(TestSuite.name == name)
        ).first()
        if row is None:
            return None
        return {"id": row[0], "name": row[1], "description": row[2], "workflow": row[3], "schema": row[4]}

    def suite_versions(self, suite_id: int) -> list[Dict]:
        """Every version of a suite (``id``, ``version``, ``created``, ``n_samples``), oldest first."""
        rows = self.session.execute(
            select(TestSuiteVersion.id, TestSuiteVersion.version, TestSuiteVersion.created, TestSuiteVersion.n_samples)
            .where(TestSuiteVersion.test_suite_id == suite_id)
            .order_by(TestSuiteVersion.version)
        )
        return [{"id": row[0], "version": row[1], "created": row[2], "n_samples": row[3]} for row in rows]

    def suite_case_counts(self, version_ids: Sequence[int]) -> dict[int, int]:
        """The test cases of each suite version (absent: none)."""
        if not version_ids:
            return {}
        rows = self.session.execute(
            select(_stc.c.test_suite_version_id, func.count())
            .where(_stc.c.test_suite_version_id.in_(list(version_ids)))
            .group_by(_stc.c.test_suite_version_id)
        )
        return {row[0]: int(row[1]) for row in rows}

    def suite_model_counts(self, suite_ids: Sequence[int]) -> dict[int, int]:
        """How many models have a run on any version of each suite (absent: none)."""
        if not suite_ids:
            return {}
        rows = self.session.execute(
            select(TestSuiteVersion.test_suite_id, func.count(func.distinct(TestRun.model_id)))
            .join(TestRun, TestRun.test_suite_version_id == TestSuiteVersion.id)
            .where(TestSuiteVersion.test_suite_id.in_(list(suite_ids)))
            .group_by(TestSuiteVersion.test_suite_id)
        )
        return {row[0]: int(row[1]) for row in rows}

    def models_of_suite_version(self, version_id: int) -> list[Dict]:
        """The models (``id``, ``name``) with a run on a suite version, by name."""
        rows = self.session.execute(
            select(Model.id, Model.name)
            .where(exists().where(TestRun.model_id == Model.id, TestRun.test_suite_version_id == version_id))
            .order_by(Model.name)
        )
        return [{"id": row[0], "name": row[1]} for row in rows]

    def case_changes(self, test_case_id: int, base: int, head: int) -> tuple[int, int, int]:
        """What changed in a test case between two of its versions.

        Returns:
            ``(samples added, samples removed, ground truths changed)`` going from version ``base`` to
            ``head``: samples of ``head`` not in ``base``, of ``base`` not in ``head``, and samples of both
            whose ground truth differs (a replaced ground truth is a new membership row of the same sample).
        """
        return (
            self._only_in(test_case_id, head, base, same_sample=False),
            self._only_in(test_case_id, base, head, same_sample=False),
            self._only_in(test_case_id, head, base, same_sample=True),
        )

    def _only_in(self, test_case_id: int, version: int, other: int, *, same_sample: bool) -> int:
        # Rows of `version` that are not themselves rows of `other`: few when the versions are close, and the
        # filter needs no other table. Each one is then looked up in `other` by its sample.
        sibling = _member.alias("sibling")
        in_other = (
            exists()
            .where(
                sibling.c.test_case_id == test_case_id,
                sibling.c.test_sample_id == _member.c.test_sample_id,
                _row_in(sibling, other),
            )
            .correlate(_member)
        )
        query = (
            select(func.count())
            .select_from(_member)
            .where(
                _member.c.test_case_id == test_case_id,
                _row_in(_member, version),
                not_(_row_in(_member, other)),
                in_other if same_sample else not_(in_other),
            )
        )
        return int(self.session.scalar(query) or 0)

    # -- models --------------------------------------------------------------------------------------------
    def model_page(self, workflow: str | None, search: str | None, offset: int, limit: int) -> tuple[list[Dict], int]:
        """A page of models, most recently tested (else created) first, and how many match.

        ``search`` matches name and tags, ignoring case. Rows carry the model's fields, ``n_runs`` and
        ``last_tested`` (the last change of any of its runs).
        """
        runs = (
            select(
                TestRun.model_id,
                func.count().label("n_runs"),
                func.max(TestRun.updated).label("last_tested"),
            )
            .group_by(TestRun.model_id)
            .subquery()
        )
        query = (
            select(Model, Workflow.name, runs.c.n_runs, runs.c.last_tested)
            .join(Workflow, Workflow.id == Model.workflow_id)
            .outerjoin(runs, runs.c.model_id == Model.id)
        )
        if workflow is not None:
            query = query.where(Workflow.name == workflow)
        if search:
            query = query.where(or_(_contains(Model.name, search), _contains(sql_cast(Model.tags, Text), search)))
        total = self._total(query)
        ordered = query.order_by(func.coalesce(runs.c.last_tested, Model.created).desc(), Model.id.desc())
        rows = []
        for model, workflow_name, n_runs, last_tested in self.session.execute(_page(ordered, offset, limit)):
            rows.append(
                {
                    "id": model.id,
                    "name": model.name,
                    "workflow": workflow_name,
                    "tags": list(model.tags),
                    "metadata": dict(model.meta),
                    "n_runs": int(n_runs or 0),
                    "last_tested": _aware(last_tested),
                    "created": model.created,
                }
            )
        return rows, total

    def suites_of_model(self, model_id: int) -> list[Dict]:
        """The suite versions (``id``, ``name``, ``version``) a model has runs on, by name and version."""
        rows = self.session.execute(
            select(TestSuiteVersion.id, TestSuite.name, TestSuiteVersion.version)
            .join(TestSuite, TestSuite.id == TestSuiteVersion.test_suite_id)
            .where(exists().where(TestRun.model_id == model_id, TestRun.test_suite_version_id == TestSuiteVersion.id))
            .order_by(TestSuite.name, TestSuiteVersion.version)
        )
        return [{"id": row[0], "name": row[1], "version": row[2]} for row in rows]

    # -- runs ----------------------------------------------------------------------------------------------
    def run_page(
        self,
        *,
        workflow: str | None,
        model_id: int | None,
        test_suite_name: str | None,
        status: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[Dict], int]:
        """A page of test runs, newest first, and how many match.

        A run's status is ``crashed`` when its client reported a failure (until the run is retrieved again),
        ``completed`` when every one of its configurations has suite metrics, else ``running``.
        """
        n_configurations = (
            select(func.count())
            .select_from(RunConfiguration)
            .where(RunConfiguration.test_run_id == TestRun.id)
            .scalar_subquery()
        )
        n_completed = (
            select(func.count())
            .select_from(SuiteMetrics)
            .where(SuiteMetrics.test_run_id == TestRun.id)
            .scalar_subquery()
        )
        derived = case(
            (TestRun.status == "crashed", literal("crashed")),
            (and_(n_configurations > 0, n_completed >= n_configurations), literal("completed")),
            else_=literal("running"),
        )
        query = (
            select(
                TestRun.id,
                TestRun.model_id,
                Model.name.label("model_name"),
                TestRun.test_suite_version_id,
                TestSuite.name.label("test_suite_name"),
                TestSuiteVersion.version,
                TestSuiteVersion.n_samples.label("samples_total"),
                Workflow.name.label("workflow"),
                TestRun.evaluator,
                TestRun.message,
                TestRun.created,
                TestRun.updated,
                derived.label("status"),
            )
            .join(Model, Model.id == TestRun.model_id)
            .join(Workflow, Workflow.id == Model.workflow_id)
            .join(TestSuiteVersion, TestSuiteVersion.id == TestRun.test_suite_version_id)
            .join(TestSuite, TestSuite.id == TestSuiteVersion.test_suite_id)
        )
        if workflow is not None:
            query = query.where(Workflow.name == workflow)
        if model_id is not None:
            query = query.where(TestRun.model_id == model_id)
        if test_suite_name is not None:
            query = query.where(TestSuite.name == test_suite_name)
        if status is not None:
            query = query.where(derived == status)
        total = self._total(query)
        ordered = query.order_by(TestRun.created.desc(), TestRun.id.desc())
        return [dict(row._mapping) for row in self.session.execute(_page(ordered, offset, limit))], total

    def run_configurations(self, run_ids: Sequence[int]) -> dict[int, list[tuple[str, bool]]]:
        """``(display name, complete)`` of each run's configurations, in the order they were added."""
        if not run_ids:
            return {}
        found: dict[int, list[tuple[str, bool]]] = {}
        rows = self.session.execute(
            select(RunConfiguration.test_run_id, RunConfiguration.display_name, SuiteMetrics.id)
            .outerjoin(SuiteMetrics, SuiteMetrics.configuration_id == RunConfiguration.id)
            .where(RunConfiguration.test_run_id.in_(list(run_ids)))
            .order_by(RunConfiguration.id)
        )
        for run_id, name, completed in rows:
            found.setdefault(run_id, []).append((name, completed is not None))
        return found

    def inference_counts(self, model_ids: Sequence[int]) -> dict[int, int]:
        """How many inferences each model has (absent: none).

        A model's inferences are replaced but never deleted, so the set of samples it has inferred only grows
        and this count changes exactly when that set does.
        """
        if not model_ids:
            return {}
        rows = self.session.execute(
            select(_inference.c.model_id, func.count())
            .where(_inference.c.model_id.in_(list(model_ids)))
            .group_by(_inference.c.model_id)
        )
        return {row[0]: int(row[1]) for row in rows}

    def inferred_samples(self, test_suite_version_id: int, model_id: int) -> int:
        """The distinct samples of a suite version that have an inference of the model."""
        case_versions = list(
            self.session.scalars(
                select(_stc.c.test_case_version_id).where(_stc.c.test_suite_version_id == test_suite_version_id)
            )
        )
        if not case_versions:
            return 0
        if self.session.get_bind().dialect.name == "postgresql":
            # PostgreSQL underestimates the membership rows and would look each one up in the inference index;
            # hashing the model's inferences once and joining is several times faster at 10^5 samples.
            inferred = (
                select(_inference.c.test_sample_id)
                .where(_inference.c.model_id == model_id)
                .cte("inferred")
                .prefix_with("MATERIALIZED")
            )
            joined = (
                select(func.count(func.distinct(_member.c.test_sample_id)))
                .select_from(_tcv)
                .join(_member, _member.c.test_case_id == _tcv.c.test_case_id)
                .join(inferred, inferred.c.test_sample_id == _member.c.test_sample_id)
                .where(_tcv.c.id.in_(case_versions), _row_in(_member, _tcv.c.version))
            )
            return int(self.session.scalar(joined) or 0)
        # SQLite: walked from the model's inferences (one per sample, so no DISTINCT), each looked up among
        # the membership rows of its sample, which beats joining every membership row of a large suite.
        member = (
            exists()
            .where(
                _member.c.test_sample_id == _inference.c.test_sample_id,
                _tcv.c.test_case_id == _member.c.test_case_id,
                _tcv.c.id.in_(case_versions),
                _row_in(_member, _tcv.c.version),
            )
            .correlate(_inference)
        )
        query = select(func.count()).select_from(_inference).where(_inference.c.model_id == model_id, member)
        return int(self.session.scalar(query) or 0)


def _aware(value: datetime | None) -> datetime | None:
    # An aggregate (max) of a datetime column comes back naive on SQLite, which keeps no zone: it is UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
