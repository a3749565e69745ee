"""The queries and writes of curation: suite samples, the Studio origin of test-case versions, derived runs.

Samples of a suite version come with its ground truths; the origin of a test-case version is the Studio query it
was made of; a derived run is a run on a suite version made from the stored results of another.

Each function takes the session of the caller's transaction (:class:`assay.service.curation.Curation` runs a
whole curation step in one), reads ids in chunks of :data:`assay.store.repository.CHUNK`, and copies stored
metrics between runs with ``INSERT ... SELECT`` so that no per-sample document travels through Python unless
it must change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    Column,
    ColumnElement,
    Connection,
    Integer,
    MetaData,
    Select,
    Table,
    and_,
    any_,
    bindparam,
    exists,
    insert,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from assay.store.models import (
    CaseMetrics,
    RunConfiguration,
    SampleMetrics,
    SuiteMetrics,
    TestCase,
    TestCaseSample,
    TestCaseVersion,
    TestRun,
    TestSample,
    TestSuite,
    TestSuiteTestCase,
    TestSuiteVersion,
    utcnow,
)
from assay.store.repository import CHUNK

__all__ = [
    "add_suite_samples",
    "boolean_fields",
    "configurations",
    "copy_sample_metrics",
    "copy_configuration",
    "create_derived_run",
    "insert_case_metrics",
    "mark_configuration_complete",
    "origin",
    "samples_in_test_case",
    "set_origin",
    "suite_sample_count",
]

Dict = dict[str, Any]

_sample = cast(Table, TestSample.__table__)
_member = cast(Table, TestCaseSample.__table__)
_tcv = cast(Table, TestCaseVersion.__table__)
_stc = cast(Table, TestSuiteTestCase.__table__)
_sample_metrics = cast(Table, SampleMetrics.__table__)
_case_metrics = cast(Table, CaseMetrics.__table__)
_suite_metrics = cast(Table, SuiteMetrics.__table__)


def _in(session: Session, column: Any, values: Sequence[int]) -> ColumnElement[bool]:
    """``column IN values``; one array parameter on PostgreSQL instead of one parameter per value."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(ColumnElement[bool], column == any_(bindparam(None, list(values), type_=ARRAY(Integer))))
    return cast(ColumnElement[bool], column.in_(values))


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _member_of_version() -> ColumnElement[bool]:
    return and_(
        _member.c.added_in <= _tcv.c.version,
        or_(_member.c.removed_in.is_(None), _member.c.removed_in > _tcv.c.version),
    )


def samples_in_test_case(session: Session, test_case_version_id: int, sample_ids: Sequence[int]) -> set[int]:
    """Which of ``sample_ids`` a test-case version holds."""
    found: set[int] = set()
    unique = sorted(set(sample_ids))
    for chunk in _chunks(unique):
        query = (
            select(_member.c.test_sample_id)
            .select_from(_tcv)
            .join(_member, _member.c.test_case_id == _tcv.c.test_case_id)
            .where(
                _tcv.c.id == test_case_version_id, _member_of_version(), _in(session, _member.c.test_sample_id, chunk)
            )
        )
        found.update(session.scalars(query))
    return found


#: Where the samples of a new test case wait, in order, while their membership rows are written from the suite's.
_chosen = Table(
    "assay_curation_chosen",
    MetaData(),
    Column("position", Integer, primary_key=True),
    Column("test_sample_id", Integer, nullable=False),
    prefixes=["TEMPORARY"],
)


def _fill_chosen(connection: Connection, sample_ids: Sequence[int]) -> None:
    """Put the samples into :data:`_chosen` at positions ``0..n-1`` with one statement of one parameter.

    Rows bound one by one cost more than the membership rows they lead to (100,000 of them: ~0.4 s of
    parameter processing); a JSON array (SQLite) or an integer array (PostgreSQL) is one value to bind.
    """
    if connection.dialect.name == "postgresql":
        statement = text(
            "INSERT INTO assay_curation_chosen (position, test_sample_id) "
            "SELECT ordinality - 1, id FROM unnest(:ids) WITH ORDINALITY AS chosen(id, ordinality)"
        ).bindparams(bindparam("ids", type_=ARRAY(Integer)))
        connection.execute(statement, {"ids": list(sample_ids)})
    else:
        statement = text(
            "INSERT INTO assay_curation_chosen (position, test_sample_id) SELECT key, value FROM json_each(:ids)"
        )
        connection.execute(statement, {"ids": json.dumps(list(sample_ids))})


def add_suite_samples(
    session: Session, *, test_case_version_id: int, test_suite_version_id: int, sample_ids: Sequence[int]
) -> tuple[int, list[int]]:
    """Commit version 1 of a new, empty test case: samples of a suite version with the suite's ground truths.

    What ``Repository.edit_test_case`` writes when samples are added to an empty version 0, written from the
    suite's membership rows inside the database instead of from the samples' documents: one membership row per
    sample at positions ``0..n-1`` in the order given, ``added_in`` 1, each with the ground truth of the first
    test case in suite order that holds the sample; the test case's next position; version 1 with its count.
    Nothing is written when a sample is not in the suite version (the caller's transaction is then to be
    rolled back: rows of the samples that are in it may have been written).

    Args:
        session: The session of the caller's transaction.
        test_case_version_id: Version 0 of the test case, just made (``Repository.create_test_case``).
        test_suite_version_id: The suite version the samples and ground truths come from.
        sample_ids: The samples, each once, in order.

    Returns:
        The id of version 1, and the sample ids not in the suite version (then the caller must roll back).
    """
    head = session.get(TestCaseVersion, test_case_version_id)
    assert head is not None and head.version == 0 and head.n_samples == 0  # made empty in this transaction
    case = session.get(TestCase, head.test_case_id)
    assert case is not None
    connection = session.connection()
    # Made and dropped in the caller's transaction: a failure rolls its creation back with everything else.
    _chosen.create(connection, checkfirst=False)
    _fill_chosen(connection, sample_ids)
    columns = ["test_case_id", "test_sample_id", "ground_truth", "position", "added_in", "removed_in"]
    first = connection.execute(
        select(_tcv.c.test_case_id, _tcv.c.version)
        .join(_stc, _stc.c.test_case_version_id == _tcv.c.id)
        .where(_stc.c.test_suite_version_id == test_suite_version_id)
        .order_by(_stc.c.position)
        .limit(1)
    ).first()
    written = 0
    if first is not None:
        # Most samples are usually in the suite's first test case (often one of all its samples): its rows give
        # their ground truths with no look at the other test cases. Each chosen sample's row is found by one
        # index lookup, then read by its id: SQLite would rather join with a Bloom filter built by scanning all
        # of the first test case's rows (~2x slower at 10% of a suite, and growing with the suite rather than
        # with the selection), and a lookup for EXISTS plus one for the ground truth costs two.
        in_first = and_(
            _member.c.test_case_id == first.test_case_id,
            _member.c.test_sample_id == _chosen.c.test_sample_id,
            _member.c.added_in <= first.version,
            or_(_member.c.removed_in.is_(None), _member.c.removed_in > first.version),
        )
        found = select(
            _chosen.c.position,
            _chosen.c.test_sample_id,
            select(_member.c.id).where(in_first).limit(1).scalar_subquery().label("member_id"),
        ).subquery("found")
        source = _member.alias("source")
        written = connection.execute(
            insert(_member).from_select(
                columns,
                select(
                    literal(case.id, Integer),
                    found.c.test_sample_id,
                    source.c.ground_truth,
                    found.c.position,
                    literal(1, Integer),
                    literal(None, Integer),
                )
                .select_from(found.join(source, source.c.id == found.c.member_id))
                .order_by(found.c.position),
            )
        ).rowcount
    if written < len(sample_ids):
        written += _add_from_later_cases(connection, case.id, test_suite_version_id, columns)
    outside: list[int] = []
    if written < len(sample_ids):
        outside = list(
            connection.scalars(
                select(_chosen.c.test_sample_id).where(~exists(_new_member(case.id))).order_by(_chosen.c.position)
            )
        )
    _chosen.drop(connection, checkfirst=False)
    if outside:
        return 0, outside
    case.next_position = len(sample_ids)
    version = TestCaseVersion(test_case_id=case.id, version=1, n_samples=len(sample_ids), created=utcnow())
    session.add(version)
    session.flush()
    return version.id, []


def _new_member(case_id: int) -> Select[tuple[int]]:
    """The new test case's row of a chosen sample (written by this transaction, so open)."""
    return select(_member.c.id).where(
        _member.c.test_case_id == case_id,
        _member.c.test_sample_id == _chosen.c.test_sample_id,
        _member.c.removed_in.is_(None),
    )


def _add_from_later_cases(connection: Connection, case_id: int, test_suite_version_id: int, columns: list[str]) -> int:
    """Write the rows of the chosen samples not yet written, each with its first ground truth in suite order."""
    in_suite = (
        select(_member.c.id)
        .select_from(_stc)
        .join(_tcv, _tcv.c.id == _stc.c.test_case_version_id)
        .join(_member, _member.c.test_case_id == _tcv.c.test_case_id)
        .where(
            _stc.c.test_suite_version_id == test_suite_version_id,
            _member.c.test_sample_id == _chosen.c.test_sample_id,
            _member_of_version(),
        )
    )
    first_truth = in_suite.with_only_columns(_member.c.ground_truth).order_by(_stc.c.position).limit(1)
    return connection.execute(
        insert(_member).from_select(
            columns,
            select(
                literal(case_id, Integer),
                _chosen.c.test_sample_id,
                first_truth.scalar_subquery(),
                _chosen.c.position,
                literal(1, Integer),
                literal(None, Integer),
            )
            .where(~exists(_new_member(case_id)), exists(in_suite))
            .order_by(_chosen.c.position),
        )
    ).rowcount


def suite_sample_count(session: Session, test_suite_version_id: int) -> int:
    """The distinct samples of a suite version, as counted when it was made."""
    count = session.scalar(select(TestSuiteVersion.n_samples).where(TestSuiteVersion.id == test_suite_version_id))
    assert count is not None  # the caller read the version in this transaction
    return count


def set_origin(session: Session, test_case_version_id: int, query: Dict | None, created_from: int) -> None:
    """Record the Studio query a test-case version was made from and the suite version it ran on."""
    version = session.get(TestCaseVersion, test_case_version_id)
    assert version is not None  # made in the same transaction
    version.query = query
    version.created_from = created_from
    session.flush()


def origin(session: Session, test_case_version_id: int) -> tuple[Dict | None, Dict | None] | None:
    """The stored query of a test-case version and the suite version it was made on.

    Returns:
        ``None`` when no such version exists, else ``(query, suite)`` where ``suite`` is
        ``{"id", "name", "version"}`` of ``created_from`` (or ``None``).
    """
    row = session.execute(
        select(TestCaseVersion.query, TestCaseVersion.created_from).where(TestCaseVersion.id == test_case_version_id)
    ).first()
    if row is None:
        return None
    query, created_from = row
    if created_from is None:
        return query, None
    suite = session.execute(
        select(TestSuite.name, TestSuiteVersion.version)
        .join(TestSuite, TestSuite.id == TestSuiteVersion.test_suite_id)
        .where(TestSuiteVersion.id == created_from)
    ).one()
    return query, {"id": created_from, "name": suite[0], "version": suite[1]}


def configurations(session: Session, test_run_id: int) -> list[tuple[int, str, Dict | None]]:
    """``(id, display name, configuration)`` of a run's configurations, in the order they were added."""
    rows = session.execute(
        select(RunConfiguration.id, RunConfiguration.display_name, RunConfiguration.data)
        .where(RunConfiguration.test_run_id == test_run_id)
        .order_by(RunConfiguration.id)
    )
    return [(row[0], row[1], row[2]) for row in rows]


def create_derived_run(
    session: Session,
    *,
    model_id: int,
    test_suite_version_id: int,
    evaluator: str,
    message: str,
    configurations: Sequence[tuple[str, Dict | None]],
) -> tuple[int, dict[str, int]]:
    """A finished run of a model on a suite version whose metrics are derived, not evaluated.

    Args:
        session: The session of the caller's transaction.
        model_id: The model.
        test_suite_version_id: The suite version, which must have no run of the model and evaluator yet.
        evaluator: The evaluator's name (``""``: none named).
        message: What the run is (shown with the run).
        configurations: ``(display name, configuration)`` of the run, as the source run stored them.

    Returns:
        The run's id and its configuration ids by display name.
    """
    now = utcnow()
    run = TestRun(
        model_id=model_id,
        test_suite_version_id=test_suite_version_id,
        evaluator=evaluator,
        # What the store writes once every configuration has its suite metrics (Repository.upload_test_suite_metrics).
        status="complete",
        message=message,
        created=now,
        updated=now,
    )
    session.add(run)
    session.flush()
    ids: dict[str, int] = {}
    for display_name, data in configurations:
        config = RunConfiguration(test_run_id=run.id, display_name=display_name, data=data)
        session.add(config)
        session.flush()
        ids[display_name] = config.id
    return run.id, ids


def copy_configuration(session: Session, *, source_id: int, target_id: int, test_run_id: int) -> None:
    """Copy every per-sample and test-case metric of a stored configuration to another run's configuration.

    The target run's suite version holds every test-case version of the source's, so each row keeps its scope.
    """
    columns = ["test_run_id", "configuration_id", "scope", "test_case_version_id", "test_sample_id", "data"]
    session.execute(
        insert(_sample_metrics).from_select(
            columns,
            select(
                literal(test_run_id, Integer),
                literal(target_id, Integer),
                _sample_metrics.c.scope,
                _sample_metrics.c.test_case_version_id,
                _sample_metrics.c.test_sample_id,
                _sample_metrics.c.data,
            ).where(_sample_metrics.c.configuration_id == source_id),
        )
    )
    session.execute(
        insert(_case_metrics).from_select(
            ["test_run_id", "configuration_id", "test_case_version_id", "data", "plots"],
            select(
                literal(test_run_id, Integer),
                literal(target_id, Integer),
                _case_metrics.c.test_case_version_id,
                _case_metrics.c.data,
                _case_metrics.c.plots,
            ).where(_case_metrics.c.configuration_id == source_id),
        )
    )


def copy_sample_metrics(
    session: Session,
    *,
    source_id: int,
    source_scope: int,
    sample_ids: Sequence[int],
    target_id: int,
    test_run_id: int,
    scope: int,
) -> None:
    """Copy the per-sample metrics of some samples from one scope of a configuration to a scope of another."""
    for chunk in _chunks(list(sample_ids)):
        session.execute(
            insert(_sample_metrics).from_select(
                ["test_run_id", "configuration_id", "scope", "test_case_version_id", "test_sample_id", "data"],
                select(
                    literal(test_run_id, Integer),
                    literal(target_id, Integer),
                    literal(scope, Integer),
                    literal(scope, Integer),
                    _sample_metrics.c.test_sample_id,
                    _sample_metrics.c.data,
                ).where(
                    _sample_metrics.c.configuration_id == source_id,
                    _sample_metrics.c.scope == source_scope,
                    _in(session, _sample_metrics.c.test_sample_id, chunk),
                ),
            )
        )


def boolean_fields(session: Session, configuration_ids: Sequence[int]) -> set[str]:
    """The per-sample metric fields stored as booleans, judged by one document of each configuration."""
    found: set[str] = set()
    for configuration_id in configuration_ids:
        data = session.scalar(
            select(_sample_metrics.c.data).where(_sample_metrics.c.configuration_id == configuration_id).limit(1)
        )
        if isinstance(data, dict):
            found.update(name for name, value in data.items() if isinstance(value, bool))
    return found


def insert_case_metrics(
    session: Session, *, test_run_id: int, configuration_id: int, metrics: Mapping[int, Dict]
) -> None:
    """Store the metrics (no plots) of test-case versions in a run's configuration."""
    if metrics:
        session.execute(
            insert(_case_metrics),
            [
                {
                    "test_run_id": test_run_id,
                    "configuration_id": configuration_id,
                    "test_case_version_id": test_case_version_id,
                    "data": data,
                    "plots": None,
                }
                for test_case_version_id, data in metrics.items()
            ],
        )


def mark_configuration_complete(session: Session, *, test_run_id: int, configuration_id: int) -> None:
    """Mark a configuration complete with no suite metrics (the results page then treats it as finished)."""
    session.execute(
        insert(_suite_metrics).values(
            test_run_id=test_run_id, configuration_id=configuration_id, data=None, completed_at=utcnow()
        )
    )
