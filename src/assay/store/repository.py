"""Queries and bulk writes of the Assay store, one :class:`Repository` per transaction.

Everything here returns plain dicts shaped like the records of ``assay.service.models`` (ORM rows never
leave this package) and raises the errors of :mod:`assay.errors`. Bulk paths write with Core
``insert``/``update`` executemany on the tables, never one ORM object per row, and look up many rows by key
in chunks of :data:`CHUNK`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ARRAY,
    JSON,
    ColumnElement,
    Select,
    Table,
    and_,
    any_,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assay.errors import (
    InputValidationError,
    InvalidTokenError,
    NameConflictError,
    NotFoundError,
    RemoteError,
    WorkflowMismatchError,
)
from assay.store import codec
from assay.store.models import (
    ApiToken,
    CaseMetrics,
    Inference,
    Model,
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
    Workflow,
    utcnow,
)
from assay.store.results_queries import keep_metrics_types
from assay.store.view_queries import suite_sample_count

__all__ = [
    "CHUNK",
    "Repository",
    "SampleIn",
    "TOKEN_PREFIX",
    "hash_token",
]

#: How many keys or ids one ``IN (...)`` lookup carries, and how many rows one executemany writes.
CHUNK = 1000

#: A bulk insert of at least this many rows refreshes the table's planner statistics (PostgreSQL and SQLite).
_ANALYZE_AFTER = 20_000

#: Every API token starts with this, so secret scanners and users can recognise one.
TOKEN_PREFIX = "assay_"

Dict = dict[str, Any]
#: A sample to store: its ``_to_dict()``, its metadata (``None``: leave the stored metadata alone).
SampleIn = tuple[Dict, Dict | None]

_T = TypeVar("_T")

_sample = cast(Table, TestSample.__table__)
_member = cast(Table, TestCaseSample.__table__)
_inference = cast(Table, Inference.__table__)
_sample_metrics = cast(Table, SampleMetrics.__table__)
_case_metrics = cast(Table, CaseMetrics.__table__)


def _chunks(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def hash_token(secret: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _page(query: Select[Any], offset: int, limit: int | None) -> Select[Any]:
    if offset < 0:
        raise InputValidationError(f"offset must be 0 or more, got {offset}", offset=offset)
    if limit is not None and limit < 0:
        raise InputValidationError(f"limit must be 0 or more, got {limit}", limit=limit)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return query


def _members_of(test_case_id: Any, version: Any) -> ColumnElement[bool]:
    """The membership rows of version ``version`` of a test case."""
    return and_(
        _member.c.test_case_id == test_case_id,
        _member.c.added_in <= version,
        or_(_member.c.removed_in.is_(None), _member.c.removed_in > version),
    )


def _describe_sample(test_sample: Dict) -> str:
    text = codec.dumps(test_sample)
    return text if len(text) <= 200 else text[:197] + "..."


class Repository:
    """The store's operations within one SQLAlchemy session (one transaction).

    Args:
        session: A session whose transaction the caller begins and commits.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._dialect = session.get_bind().dialect.name

    # -- helpers -------------------------------------------------------------------------------------------
    def _in(self, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
        """``column IN values``; one array parameter on PostgreSQL instead of one parameter per value."""
        if self._dialect == "postgresql":
            return cast(ColumnElement[bool], column == any_(bindparam(None, list(values), type_=ARRAY(column.type))))
        return cast(ColumnElement[bool], column.in_(values))

    def _insert_many(
        self, table: Table, rows: Sequence[Dict], *, on_conflict: str | None = None, returning: str | None = None
    ) -> list[tuple[Any, ...]]:
        """Insert rows in bulk, JSON columns encoded here in one pass.

        SQLite gets the driver's executemany and PostgreSQL a ``COPY``: both skip SQLAlchemy's per-row
        parameter processing, which costs more than the database's own work on bulk paths, and on PostgreSQL
        ``COPY`` is several times faster than any ``INSERT``. JSON goes in as the text that the column's JSON
        type would have written.

        Args:
            table: The table; every row has the same keys, all column names.
            rows: The rows.
            on_conflict: What follows ``ON CONFLICT`` for rows whose unique key exists, e.g.
                ``(workflow_id, key) DO NOTHING``.
            returning: Columns to return of the rows inserted or updated (PostgreSQL only).

        Returns:
            The ``returning`` columns of the rows written, on PostgreSQL when asked for; else nothing.
        """
        returned: list[tuple[Any, ...]] = []
        if not rows:
            return returned
        columns = list(rows[0])
        json_at = [index for index, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
        dumps = codec.dumps
        quoted = ", ".join(f'"{name}"' for name in columns)
        for chunk in _chunks(rows, 10 * CHUNK):
            params: list[tuple[Any, ...]] = []
            for row in chunk:
                values = list(row.values())
                for index in json_at:
                    if values[index] is not None:
                        values[index] = dumps(values[index])
                params.append(tuple(values))
            if self._dialect == "postgresql":
                returned.extend(self._copy(table.name, quoted, params, on_conflict, returning))
                continue
            sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" for _ in columns)})'
            if on_conflict:
                sql += f" ON CONFLICT {on_conflict}"
            self.session.connection().exec_driver_sql(sql, params)
        if len(rows) >= _ANALYZE_AFTER:
            # The planner's statistics would otherwise wait for autovacuum (PostgreSQL) or never come (SQLite
            # gathers none by itself), and the queries that follow a big ingest (remaining samples, results,
            # the Studio's pages) would be planned for a table of a few rows: full scans per chunk instead of
            # index lookups.
            self.session.connection().exec_driver_sql(f'ANALYZE "{table.name}"')
        return returned

    def _copy(
        self, table: str, quoted: str, params: list[tuple[Any, ...]], on_conflict: str | None, returning: str | None
    ) -> list[tuple[Any, ...]]:
        """``COPY`` rows into a PostgreSQL table, through a staging table when existing keys are skipped."""
        driver = self.session.connection().connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            target = table
            if on_conflict:
                # COPY cannot skip conflicts, so rows land in a temporary table and move with ON CONFLICT.
                target = f"assay_staging_{table}"
                cursor.execute(
                    f'CREATE TEMPORARY TABLE IF NOT EXISTS "{target}" '
                    f'(LIKE "{table}" INCLUDING DEFAULTS) ON COMMIT DELETE ROWS'
                )
                cursor.execute(f'TRUNCATE "{target}"')
            with cursor.copy(f'COPY "{target}" ({quoted}) FROM STDIN') as copy:
                for row in params:
                    copy.write_row(row)
            if on_conflict:
                cursor.execute(
                    f'INSERT INTO "{table}" ({quoted}) SELECT {quoted} FROM "{target}" ON CONFLICT {on_conflict}'
                    + (f" RETURNING {returning}" if returning else "")
                )
                if returning:
                    return list(cursor.fetchall())
        return []

    def _workflow_names(self) -> dict[int, str]:
        return {row.id: row.name for row in self.session.execute(select(Workflow.id, Workflow.name))}

    def _workflow_name(self, workflow_id: int) -> str:
        name = self.session.scalar(select(Workflow.name).where(Workflow.id == workflow_id))
        if name is None:
            raise NotFoundError(f"workflow id {workflow_id} does not exist", workflow_id=workflow_id)
        return name

    @staticmethod
    def _check_workflow(kind: str, name: str, actual: str, expected: str | None) -> None:
        if expected is not None and actual != expected:
            raise WorkflowMismatchError(
                f"{kind} {name!r} belongs to workflow {actual!r}, not {expected!r}",
                name=name,
                workflow=actual,
                expected=expected,
            )

    # -- workflows -----------------------------------------------------------------------------------------
    @staticmethod
    def _workflow_dict(row: Workflow) -> Dict:
        return {"id": row.id, "name": row.name, "schema": row.schema_, "created": row.created}

    def register_workflow(self, name: str, schema: Dict | None) -> Dict:
        """Create a workflow or store ``schema`` as its latest."""
        row = self.session.scalar(select(Workflow).where(Workflow.name == name))
        if row is None:
            row = Workflow(name=name, schema_=schema, created=utcnow())
            self.session.add(row)
        else:
            # Metrics classes registered by test runs (results_queries.merge_metrics_types) outlive a new
            # schema of the data types: they still describe the stored metrics.
            row.schema_ = keep_metrics_types(row.schema_, schema)
        self.session.flush()
        return self._workflow_dict(row)

    def workflow_id(self, name: str, *, create: bool) -> int | None:
        """The id of a workflow by name; created (without a schema) when ``create`` and missing."""
        found = self.session.scalar(select(Workflow.id).where(Workflow.name == name))
        if found is not None or not create:
            return found
        row = Workflow(name=name, schema_=None, created=utcnow())
        self.session.add(row)
        self.session.flush()
        return row.id

    def list_workflows(self) -> list[Dict]:
        """Every workflow, by name."""
        rows = self.session.scalars(select(Workflow).order_by(Workflow.name))
        return [self._workflow_dict(row) for row in rows]

    # -- test samples --------------------------------------------------------------------------------------
    def store_samples(
        self, workflow_id: int, samples: Sequence[SampleIn], keys: Sequence[str] | None = None
    ) -> list[int]:
        """Store samples that are new and merge new metadata into the stored one of the others.

        Args:
            workflow_id: The workflow the samples belong to.
            samples: ``(test_sample, metadata)`` pairs, each sample once.
            keys: The samples' keys (:func:`assay.store.codec.sample_key`), when the caller has them.

        Returns:
            The sample ids, in the order of ``samples``.
        """
        if keys is None:
            keys = [codec.sample_key(sample) for sample, _ in samples]
        if self._dialect == "postgresql":
            return self._upsert_samples_postgres(workflow_id, samples, keys)
        # SQLite runs one writer at a time (writes BEGIN IMMEDIATE), so reading, merging in Python and writing
        # back cannot lose a concurrent update, and new rows can take ids after the largest one without asking
        # the database for them afterwards.
        ids: dict[str, int] = {}
        next_id = int(self.session.scalar(select(func.coalesce(func.max(_sample.c.id), 0))) or 0) + 1
        for start in range(0, len(samples), CHUNK):
            chunk_keys = keys[start : start + CHUNK]
            chunk = samples[start : start + CHUNK]
            stored = {
                row.key: (row.id, row.metadata)
                for row in self.session.execute(
                    select(_sample.c.id, _sample.c.key, _sample.c.metadata).where(
                        _sample.c.workflow_id == workflow_id, self._in(_sample.c.key, chunk_keys)
                    )
                )
            }
            new_rows: list[Dict] = []
            merges: list[Dict] = []
            for key, (sample, metadata) in zip(chunk_keys, chunk, strict=True):
                found = stored.get(key)
                if found is None:
                    new_rows.append(
                        {"id": next_id, "workflow_id": workflow_id, "key": key, "data": sample, "metadata": metadata}
                    )
                    ids[key] = next_id
                    next_id += 1
                elif metadata:
                    merged = {**(found[1] or {}), **metadata}
                    if merged != found[1]:
                        merges.append({"sample_id": found[0], "merged": merged})
                    ids[key] = found[0]
                else:
                    ids[key] = found[0]
            self._insert_many(_sample, new_rows)
            if merges:
                self.session.execute(
                    update(_sample).where(_sample.c.id == bindparam("sample_id")).values(metadata=bindparam("merged")),
                    merges,
                )
        return [ids[key] for key in keys]

    def _upsert_samples_postgres(self, workflow_id: int, samples: Sequence[SampleIn], keys: Sequence[str]) -> list[int]:
        # Concurrent writers on PostgreSQL would race between reading a sample's metadata and writing the
        # merge back; the upsert merges under the row's lock instead, and leaves unchanged rows alone.
        written = self._insert_many(
            _sample,
            [
                {"workflow_id": workflow_id, "key": key, "data": sample, "metadata": metadata}
                for key, (sample, metadata) in zip(keys, samples, strict=True)
            ],
            on_conflict=(
                "(workflow_id, key) DO UPDATE SET metadata = COALESCE(test_sample.metadata, '{}'::jsonb) "
                "|| EXCLUDED.metadata WHERE EXCLUDED.metadata IS NOT NULL AND "
                "(COALESCE(test_sample.metadata, '{}'::jsonb) || EXCLUDED.metadata) "
                "IS DISTINCT FROM test_sample.metadata"
            ),
            returning="key, id",
        )
        # Only rows that were inserted or changed come back; the others are looked up.
        ids: dict[str, int] = {str(row[0]): int(row[1]) for row in written}
        for chunk in _chunks([key for key in keys if key not in ids]):
            for row in self.session.execute(
                select(_sample.c.id, _sample.c.key).where(
                    _sample.c.workflow_id == workflow_id, self._in(_sample.c.key, chunk)
                )
            ):
                ids[row.key] = row.id
        return [ids[key] for key in keys]

    def find_samples(self, workflow_id: int, samples: Sequence[Dict]) -> list[int | None]:
        """The ids of stored samples (``None`` where a sample is not stored), in the order given."""
        keys = [codec.sample_key(sample) for sample in samples]
        found: dict[str, int] = {}
        unique = list(dict.fromkeys(keys))
        for chunk in _chunks(unique):
            for row in self.session.execute(
                select(_sample.c.id, _sample.c.key).where(
                    _sample.c.workflow_id == workflow_id, self._in(_sample.c.key, chunk)
                )
            ):
                found[row.key] = row.id
        return [found.get(key) for key in keys]

    # -- test cases ----------------------------------------------------------------------------------------
    def _case_dict(self, case: TestCase, version: TestCaseVersion, workflow: str) -> Dict:
        return {
            "id": version.id,
            "entity_id": case.id,
            "name": case.name,
            "version": version.version,
            "description": case.description,
            "workflow": workflow,
            "n_samples": version.n_samples,
            "created": version.created,
        }

    def _case_version(self, test_case_id: int) -> tuple[TestCase, TestCaseVersion]:
        version = self.session.get(TestCaseVersion, test_case_id)
        if version is None:
            raise NotFoundError(f"test case version id {test_case_id} does not exist", test_case_id=test_case_id)
        case = self.session.get(TestCase, version.test_case_id)
        assert case is not None  # the foreign key guarantees it
        return case, version

    def _latest_case_version(self, case_id: int) -> TestCaseVersion:
        version = self.session.scalar(
            select(TestCaseVersion)
            .where(TestCaseVersion.test_case_id == case_id)
            .order_by(TestCaseVersion.version.desc())
            .limit(1)
        )
        assert version is not None  # every test case has its version 0
        return version

    def case_exists(self, name: str) -> bool:
        """Whether a test case of that name exists, in any workflow."""
        return self.session.scalar(select(TestCase.id).where(TestCase.name == name)) is not None

    def create_test_case(self, workflow_id: int, name: str, description: str) -> Dict:
        """Create an empty test case at version 0.

        Raises:
            NameConflictError: a test case of that name exists.
        """
        existing = self.session.scalar(select(TestCase.workflow_id).where(TestCase.name == name))
        if existing is not None:
            raise NameConflictError(
                f"a test case named {name!r} exists (workflow {self._workflow_name(existing)!r}); "
                "load it or choose another name",
                name=name,
            )
        now = utcnow()
        case = TestCase(workflow_id=workflow_id, name=name, description=description, next_position=0, created=now)
        self.session.add(case)
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise NameConflictError(f"a test case named {name!r} exists", name=name) from exc
        version = TestCaseVersion(test_case_id=case.id, version=0, n_samples=0, created=now)
        self.session.add(version)
        self.session.flush()
        return self._case_dict(case, version, self._workflow_name(workflow_id))

    def load_test_case(self, name: str, version: int | None, workflow: str | None) -> Dict:
        """A version of a test case by name (the latest when ``version`` is None)."""
        case = self.session.scalar(select(TestCase).where(TestCase.name == name))
        if case is None:
            raise NotFoundError(f"no test case named {name!r}", name=name)
        workflow_name = self._workflow_name(case.workflow_id)
        self._check_workflow("test case", name, workflow_name, workflow)
        if version is None:
            row = self._latest_case_version(case.id)
        else:
            found = self.session.scalar(
                select(TestCaseVersion).where(
                    TestCaseVersion.test_case_id == case.id, TestCaseVersion.version == version
                )
            )
            if found is None:
                latest = self._latest_case_version(case.id).version
                raise NotFoundError(
                    f"test case {name!r} has no version {version} (versions 0 to {latest} exist)",
                    name=name,
                    version=version,
                )
            row = found
        return self._case_dict(case, row, workflow_name)

    def get_test_case(self, test_case_id: int) -> Dict:
        """A test-case version by id."""
        case, version = self._case_version(test_case_id)
        return self._case_dict(case, version, self._workflow_name(case.workflow_id))

    def edit_test_case(
        self,
        test_case_id: int,
        *,
        description: str | None,
        reset: bool,
        add: Sequence[tuple[Dict, Dict | None, Dict | None]],
        remove: Sequence[Dict],
    ) -> Dict:
        """Commit one edit on the latest version of a test case; see ``Transport.edit_test_case``.

        Removals apply before additions, so a sample both removed and added moves to the end.

        Args:
            test_case_id: The id of the version edited, which must be the latest.
            description: A new description, or ``None``.
            reset: Start from no samples.
            add: ``(test_sample, metadata, ground_truth)`` triples; the last entry of a sample wins.
            remove: Samples to drop; absent ones are ignored.

        Returns:
            The new version, or the same one (with the new description) when no sample changed.
        """
        case, head = self._case_version(test_case_id)
        # Serialises concurrent edits of one test case on PostgreSQL (SQLite holds the write lock already).
        self.session.execute(select(TestCase.id).where(TestCase.id == case.id).with_for_update())
        latest = self._latest_case_version(case.id)
        if latest.id != head.id:
            raise RemoteError(
                f"test case {case.name!r} version {head.version} is not the latest "
                f"(version {latest.version}); "
                "load the latest version and edit that",
                name=case.name,
                version=head.version,
                latest=latest.version,
            )
        new_version = head.version + 1
        n_samples = head.n_samples
        changed = reset

        if reset and head.n_samples:
            self.session.execute(
                update(_member)
                .where(_member.c.test_case_id == case.id, _member.c.removed_in.is_(None))
                .values(removed_in=new_version)
            )
            n_samples = 0

        if remove and not reset:
            sample_ids = [sid for sid in self.find_samples(case.workflow_id, remove) if sid is not None]
            for chunk in _chunks(list(dict.fromkeys(sample_ids))):
                closed = self.session.execute(
                    update(_member)
                    .where(
                        _member.c.test_case_id == case.id,
                        _member.c.removed_in.is_(None),
                        self._in(_member.c.test_sample_id, chunk),
                    )
                    .values(removed_in=new_version)
                )
                count = int(getattr(closed, "rowcount", 0) or 0)
                n_samples -= count
                changed = changed or count > 0

        if add:
            last: dict[str, tuple[Dict, Dict | None, Dict | None]] = {}
            for sample, metadata, ground_truth in add:
                key = codec.sample_key(sample)
                previous = last.get(key)
                if previous is not None and previous[1]:
                    metadata = {**previous[1], **(metadata or {})}
                # A sample keeps the place of its first entry; its last entry's ground truth wins.
                last[key] = (sample, metadata, ground_truth)
            entries = list(last.values())
            sample_ids = self.store_samples(case.workflow_id, [(s, m) for s, m, _ in entries], list(last))
            open_rows: dict[int, tuple[int, Any, int]] = {}
            if not reset and head.n_samples:
                for chunk in _chunks(sample_ids):
                    for row in self.session.execute(
                        select(
                            _member.c.id, _member.c.test_sample_id, _member.c.ground_truth, _member.c.position
                        ).where(
                            _member.c.test_case_id == case.id,
                            _member.c.removed_in.is_(None),
                            self._in(_member.c.test_sample_id, chunk),
                        )
                    ):
                        open_rows[row.test_sample_id] = (row.id, row.ground_truth, row.position)
            position = case.next_position
            inserts: list[Dict] = []
            closes: list[int] = []
            for sample_id, (_, _, ground_truth) in zip(sample_ids, entries, strict=True):
                current = open_rows.get(sample_id)
                if current is None:
                    inserts.append(
                        {
                            "test_case_id": case.id,
                            "test_sample_id": sample_id,
                            "ground_truth": ground_truth,
                            "position": position,
                            "added_in": new_version,
                            "removed_in": None,
                        }
                    )
                    position += 1
                    n_samples += 1
                elif codec.canonical(current[1]) != codec.canonical(ground_truth):
                    closes.append(current[0])
                    inserts.append(
                        {
                            "test_case_id": case.id,
                            "test_sample_id": sample_id,
                            "ground_truth": ground_truth,
                            "position": current[2],
                            "added_in": new_version,
                            "removed_in": None,
                        }
                    )
            # Close replaced rows first: the open-row unique index allows one open row per sample.
            for chunk in _chunks(closes):
                self.session.execute(
                    update(_member).where(self._in(_member.c.id, chunk)).values(removed_in=new_version)
                )
            self._insert_many(_member, inserts)
            case.next_position = position
            changed = changed or bool(inserts)

        if description is not None:
            case.description = description
        if not changed:
            self.session.flush()
            return self._case_dict(case, head, self._workflow_name(case.workflow_id))
        version = TestCaseVersion(test_case_id=case.id, version=new_version, n_samples=n_samples, created=utcnow())
        self.session.add(version)
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise RemoteError(
                f"test case {case.name!r} was edited concurrently; load the latest version and edit that",
                name=case.name,
            ) from exc
        return self._case_dict(case, version, self._workflow_name(case.workflow_id))

    def load_test_case_samples(self, test_case_id: int, offset: int, limit: int | None) -> list[Dict]:
        """Samples of a test-case version with metadata and ground truth, in insertion order."""
        case, version = self._case_version(test_case_id)
        query = (
            select(_sample.c.data, _sample.c.metadata, _member.c.ground_truth)
            .join(_sample, _sample.c.id == _member.c.test_sample_id)
            .where(_members_of(case.id, version.version))
            .order_by(_member.c.position)
        )
        return [
            {"test_sample": row.data, "metadata": row.metadata, "ground_truth": row.ground_truth}
            for row in self.session.execute(_page(query, offset, limit))
        ]

    def list_test_cases(self, workflow: str | None) -> list[Dict]:
        """The latest version of every test case (of one workflow), by name."""
        latest = (
            select(TestCaseVersion.test_case_id, func.max(TestCaseVersion.version).label("version"))
            .group_by(TestCaseVersion.test_case_id)
            .subquery()
        )
        query = (
            select(TestCase, TestCaseVersion, Workflow.name)
            .join(latest, latest.c.test_case_id == TestCase.id)
            .join(
                TestCaseVersion,
                and_(TestCaseVersion.test_case_id == TestCase.id, TestCaseVersion.version == latest.c.version),
            )
            .join(Workflow, Workflow.id == TestCase.workflow_id)
            .order_by(TestCase.name)
        )
        if workflow is not None:
            query = query.where(Workflow.name == workflow)
        return [self._case_dict(case, version, name) for case, version, name in self.session.execute(query)]

    def list_test_case_versions(self, name: str) -> list[Dict]:
        """Every version of a test case, oldest first."""
        case = self.session.scalar(select(TestCase).where(TestCase.name == name))
        if case is None:
            raise NotFoundError(f"no test case named {name!r}", name=name)
        workflow = self._workflow_name(case.workflow_id)
        versions = self.session.scalars(
            select(TestCaseVersion).where(TestCaseVersion.test_case_id == case.id).order_by(TestCaseVersion.version)
        )
        return [self._case_dict(case, version, workflow) for version in versions]

    def _case_dicts(self, version_ids: Sequence[int]) -> dict[int, Dict]:
        found: dict[int, Dict] = {}
        names = self._workflow_names()
        for chunk in _chunks(list(dict.fromkeys(version_ids))):
            for case, version in self.session.execute(
                select(TestCase, TestCaseVersion)
                .join(TestCaseVersion, TestCaseVersion.test_case_id == TestCase.id)
                .where(TestCaseVersion.id.in_(chunk))
            ):
                found[version.id] = self._case_dict(case, version, names[case.workflow_id])
        return found

    # -- test suites ---------------------------------------------------------------------------------------
    def _suite_dict(self, suite: TestSuite, version: TestSuiteVersion, workflow: str) -> Dict:
        case_ids = list(
            self.session.scalars(
                select(TestSuiteTestCase.test_case_version_id)
                .where(TestSuiteTestCase.test_suite_version_id == version.id)
                .order_by(TestSuiteTestCase.position)
            )
        )
        cases = self._case_dicts(case_ids)
        return {
            "id": version.id,
            "entity_id": suite.id,
            "name": suite.name,
            "version": version.version,
            "description": suite.description,
            "workflow": workflow,
            "tags": list(suite.tags),
            "test_cases": [cases[case_id] for case_id in case_ids],
            "created": version.created,
        }

    def _suite_version(self, test_suite_id: int) -> tuple[TestSuite, TestSuiteVersion]:
        version = self.session.get(TestSuiteVersion, test_suite_id)
        if version is None:
            raise NotFoundError(f"test suite version id {test_suite_id} does not exist", test_suite_id=test_suite_id)
        suite = self.session.get(TestSuite, version.test_suite_id)
        assert suite is not None  # the foreign key guarantees it
        return suite, version

    def _latest_suite_version(self, suite_id: int) -> TestSuiteVersion:
        version = self.session.scalar(
            select(TestSuiteVersion)
            .where(TestSuiteVersion.test_suite_id == suite_id)
            .order_by(TestSuiteVersion.version.desc())
            .limit(1)
        )
        assert version is not None  # every test suite has its version 0
        return version

    def _check_suite_cases(self, suite_name: str, workflow_id: int, test_case_ids: Sequence[int]) -> None:
        workflow = self._workflow_name(workflow_id)
        seen: dict[int, str] = {}
        for test_case_id in test_case_ids:
            case, _ = self._case_version(test_case_id)
            self._check_workflow("test case", case.name, self._workflow_name(case.workflow_id), workflow)
            if case.id in seen:
                raise InputValidationError(
                    f"test suite {suite_name!r} would hold test case {case.name!r} twice; "
                    "a suite holds one version of each test case",
                    name=suite_name,
                    test_case=case.name,
                )
            seen[case.id] = case.name

    def _add_suite_version(
        self, suite: TestSuite, version: int, test_case_ids: Sequence[int], n_samples: int | None = None
    ) -> TestSuiteVersion:
        row = TestSuiteVersion(test_suite_id=suite.id, version=version, created=utcnow(), n_samples=n_samples or 0)
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise RemoteError(
                f"test suite {suite.name!r} was edited concurrently; load the latest version and edit that",
                name=suite.name,
            ) from exc
        self._insert_many(
            cast(Table, TestSuiteTestCase.__table__),
            [
                {"test_suite_version_id": row.id, "position": position, "test_case_version_id": case_id}
                for position, case_id in enumerate(test_case_ids)
            ],
        )
        if test_case_ids and n_samples is None:
            # A version never changes: its distinct samples are counted once, for every view that shows them.
            row.n_samples = int(self.session.scalar(suite_sample_count(row.id)) or 0)
        return row

    def create_test_suite(
        self, workflow_id: int, name: str, description: str, test_case_ids: Sequence[int], tags: Sequence[str]
    ) -> Dict:
        """Create a test suite: version 0, and version 1 holding ``test_case_ids`` when there are any."""
        existing = self.session.scalar(select(TestSuite.workflow_id).where(TestSuite.name == name))
        if existing is not None:
            raise NameConflictError(
                f"a test suite named {name!r} exists (workflow {self._workflow_name(existing)!r}); "
                "load it or choose another name",
                name=name,
            )
        self._check_suite_cases(name, workflow_id, test_case_ids)
        suite = TestSuite(
            workflow_id=workflow_id,
            name=name,
            description=description,
            tags=sorted(set(tags)),
            created=utcnow(),
        )
        self.session.add(suite)
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise NameConflictError(f"a test suite named {name!r} exists", name=name) from exc
        version = self._add_suite_version(suite, 0, [])
        if test_case_ids:
            version = self._add_suite_version(suite, 1, test_case_ids)
        return self._suite_dict(suite, version, self._workflow_name(workflow_id))

    def load_test_suite(self, name: str, version: int | None, workflow: str | None) -> Dict:
        """A version of a test suite by name (the latest when ``version`` is None)."""
        suite = self.session.scalar(select(TestSuite).where(TestSuite.name == name))
        if suite is None:
            raise NotFoundError(f"no test suite named {name!r}", name=name)
        workflow_name = self._workflow_name(suite.workflow_id)
        self._check_workflow("test suite", name, workflow_name, workflow)
        if version is None:
            row = self._latest_suite_version(suite.id)
        else:
            found = self.session.scalar(
                select(TestSuiteVersion).where(
                    TestSuiteVersion.test_suite_id == suite.id, TestSuiteVersion.version == version
                )
            )
            if found is None:
                latest = self._latest_suite_version(suite.id).version
                raise NotFoundError(
                    f"test suite {name!r} has no version {version} (versions 0 to {latest} exist)",
                    name=name,
                    version=version,
                )
            row = found
        return self._suite_dict(suite, row, workflow_name)

    def get_test_suite(self, test_suite_id: int) -> Dict:
        """A test-suite version by id."""
        suite, version = self._suite_version(test_suite_id)
        return self._suite_dict(suite, version, self._workflow_name(suite.workflow_id))

    def edit_test_suite(
        self,
        test_suite_id: int,
        *,
        description: str | None,
        test_case_ids: Sequence[int] | None,
        tags: Sequence[str] | None,
        n_samples: int | None = None,
    ) -> Dict:
        """Edit on top of the latest version; a changed test-case list makes a new version.

        ``n_samples`` is the new version's count of distinct samples when the caller knows it (a test case made
        of the suite's own samples adds none), which spares counting a large suite's membership again.
        """
        suite, head = self._suite_version(test_suite_id)
        self.session.execute(select(TestSuite.id).where(TestSuite.id == suite.id).with_for_update())
        latest = self._latest_suite_version(suite.id)
        if latest.id != head.id:
            raise RemoteError(
                f"test suite {suite.name!r} version {head.version} is not the latest "
                f"(version {latest.version}); "
                "load the latest version and edit that",
                name=suite.name,
                version=head.version,
                latest=latest.version,
            )
        if description is not None:
            suite.description = description
        if tags is not None:
            suite.tags = sorted(set(tags))
        version = head
        if test_case_ids is not None:
            current = list(
                self.session.scalars(
                    select(TestSuiteTestCase.test_case_version_id)
                    .where(TestSuiteTestCase.test_suite_version_id == head.id)
                    .order_by(TestSuiteTestCase.position)
                )
            )
            if list(test_case_ids) != current:
                self._check_suite_cases(suite.name, suite.workflow_id, test_case_ids)
                version = self._add_suite_version(suite, head.version + 1, test_case_ids, n_samples)
        self.session.flush()
        return self._suite_dict(suite, version, self._workflow_name(suite.workflow_id))

    def list_test_suites(self, workflow: str | None, tags: Sequence[str] | None) -> list[Dict]:
        """The latest version of every suite (of a workflow; carrying all ``tags``), by creation."""
        query = select(TestSuite, Workflow.name).join(Workflow, Workflow.id == TestSuite.workflow_id)
        if workflow is not None:
            query = query.where(Workflow.name == workflow)
        wanted = set(tags or ())
        return [
            self._suite_dict(suite, self._latest_suite_version(suite.id), name)
            for suite, name in self.session.execute(query.order_by(TestSuite.created, TestSuite.id))
            if wanted <= set(suite.tags)
        ]

    def list_test_suite_versions(self, name: str) -> list[Dict]:
        """Every version of a test suite, oldest first."""
        suite = self.session.scalar(select(TestSuite).where(TestSuite.name == name))
        if suite is None:
            raise NotFoundError(f"no test suite named {name!r}", name=name)
        workflow = self._workflow_name(suite.workflow_id)
        versions = self.session.scalars(
            select(TestSuiteVersion)
            .where(TestSuiteVersion.test_suite_id == suite.id)
            .order_by(TestSuiteVersion.version)
        )
        return [self._suite_dict(suite, version, workflow) for version in versions]

    def _suite_case_versions(self, test_suite_version_id: int) -> list[tuple[int, int, int]]:
        """``(test case version id, test case id, version)`` of a suite version, in suite order."""
        rows = self.session.execute(
            select(TestCaseVersion.id, TestCaseVersion.test_case_id, TestCaseVersion.version)
            .join(TestSuiteTestCase, TestSuiteTestCase.test_case_version_id == TestCaseVersion.id)
            .where(TestSuiteTestCase.test_suite_version_id == test_suite_version_id)
            .order_by(TestSuiteTestCase.position)
        )
        return [(row[0], row[1], row[2]) for row in rows]

    def _suite_sample_ids(self, test_suite_version_id: int) -> Select[Any]:
        """A query of the distinct sample ids of a suite version, across its test cases."""
        tcv = TestCaseVersion.__table__
        stc = TestSuiteTestCase.__table__
        return (
            select(_member.c.test_sample_id)
            .join(tcv, tcv.c.test_case_id == _member.c.test_case_id)
            .join(stc, stc.c.test_case_version_id == tcv.c.id)
            .where(
                stc.c.test_suite_version_id == test_suite_version_id,
                _member.c.added_in <= tcv.c.version,
                or_(_member.c.removed_in.is_(None), _member.c.removed_in > tcv.c.version),
            )
            .distinct()
        )

    # -- models --------------------------------------------------------------------------------------------
    @staticmethod
    def _model_dict(model: Model, workflow: str) -> Dict:
        return {
            "id": model.id,
            "name": model.name,
            "workflow": workflow,
            "metadata": dict(model.meta),
            "tags": list(model.tags),
            "created": model.created,
        }

    def create_model(self, workflow_id: int, name: str, metadata: Dict, tags: Sequence[str]) -> Dict:
        """Create a model.

        Raises:
            NameConflictError: a model of that name exists.
        """
        existing = self.session.scalar(select(Model.workflow_id).where(Model.name == name))
        if existing is not None:
            raise NameConflictError(
                f"a model named {name!r} exists (workflow {self._workflow_name(existing)!r}); "
                "load it or choose another name",
                name=name,
            )
        model = Model(workflow_id=workflow_id, name=name, meta=metadata, tags=sorted(set(tags)), created=utcnow())
        self.session.add(model)
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise NameConflictError(f"a model named {name!r} exists", name=name) from exc
        return self._model_dict(model, self._workflow_name(workflow_id))

    def load_model(self, name: str, workflow: str | None) -> Dict:
        """A model by name."""
        model = self.session.scalar(select(Model).where(Model.name == name))
        if model is None:
            raise NotFoundError(f"no model named {name!r}", name=name)
        workflow_name = self._workflow_name(model.workflow_id)
        self._check_workflow("model", name, workflow_name, workflow)
        return self._model_dict(model, workflow_name)

    def _model(self, model_id: int) -> Model:
        model = self.session.get(Model, model_id)
        if model is None:
            raise NotFoundError(f"model id {model_id} does not exist", model_id=model_id)
        return model

    def get_model(self, model_id: int) -> Dict:
        """A model by id."""
        model = self._model(model_id)
        return self._model_dict(model, self._workflow_name(model.workflow_id))

    def list_models(self, workflow: str | None, tags: Sequence[str] | None) -> list[Dict]:
        """Models (of a workflow; carrying all ``tags``), by creation."""
        query = select(Model, Workflow.name).join(Workflow, Workflow.id == Model.workflow_id)
        if workflow is not None:
            query = query.where(Workflow.name == workflow)
        wanted = set(tags or ())
        return [
            self._model_dict(model, name)
            for model, name in self.session.execute(query.order_by(Model.created, Model.id))
            if wanted <= set(model.tags)
        ]

    # -- inferences ----------------------------------------------------------------------------------------
    def load_inferences(self, model_id: int, test_case_id: int, offset: int, limit: int | None) -> list[Dict]:
        """Samples of a test-case version that have an inference of the model, in case order."""
        self._model(model_id)
        case, version = self._case_version(test_case_id)
        query = (
            select(
                _sample.c.data,
                _sample.c.metadata,
                _member.c.ground_truth,
                _inference.c.data.label("inference"),
            )
            .join(_sample, _sample.c.id == _member.c.test_sample_id)
            .join(
                _inference,
                and_(_inference.c.test_sample_id == _member.c.test_sample_id, _inference.c.model_id == model_id),
            )
            .where(_members_of(case.id, version.version))
            .order_by(_member.c.position)
        )
        return [
            {
                "test_sample": row.data,
                "metadata": row.metadata,
                "ground_truth": row.ground_truth,
                "inference": row.inference,
            }
            for row in self.session.execute(_page(query, offset, limit))
        ]

    def upload_inferences(self, model_id: int, rows: Sequence[tuple[Dict, Dict]], reset: bool) -> int:
        """Store inferences of a model; see ``Transport.upload_inferences``."""
        model = self._model(model_id)
        # The last inference of a sample wins, as it would had the rows been uploaded one by one.
        by_key: dict[str, tuple[Dict, Dict]] = {}
        for sample, inference in rows:
            by_key[codec.sample_key(sample)] = (sample, inference)
        pairs = list(by_key.values())
        sample_ids = self.find_samples(model.workflow_id, [sample for sample, _ in pairs])
        missing = [sample for (sample, _), sid in zip(pairs, sample_ids, strict=True) if sid is None]
        if missing:
            raise NotFoundError(
                f"{len(missing)} test sample(s) of the inferences are not stored in workflow "
                f"{self._workflow_name(model.workflow_id)!r}, for example {_describe_sample(missing[0])}; "
                "add them to a test case first",
                count=len(missing),
            )
        ids = [sid for sid in sample_ids if sid is not None]
        existing: list[int] = []
        for chunk in _chunks(ids):
            existing.extend(
                self.session.scalars(
                    select(_inference.c.test_sample_id).where(
                        _inference.c.model_id == model_id, self._in(_inference.c.test_sample_id, chunk)
                    )
                )
            )
        if existing and not reset:
            example = self.session.scalar(select(_sample.c.data).where(_sample.c.id == existing[0]))
            raise RemoteError(
                f"{len(existing)} test sample(s) already have an inference of model {model.name!r}, "
                f"for example "
                f"{_describe_sample(example or {})}; upload with reset=True to replace them",
                count=len(existing),
                model=model.name,
            )
        for chunk in _chunks(existing):
            self.session.execute(
                delete(_inference).where(
                    _inference.c.model_id == model_id, self._in(_inference.c.test_sample_id, chunk)
                )
            )
        self._insert_many(
            _inference,
            [
                {"model_id": model_id, "test_sample_id": sid, "data": inference}
                for sid, (_, inference) in zip(ids, pairs, strict=True)
            ],
        )
        # A test() infers batch by batch before any metric arrives: its runs show each batch as activity.
        self.session.execute(
            update(TestRun).where(TestRun.model_id == model_id, TestRun.status == "running").values(updated=utcnow())
        )
        return len(pairs)

    # -- test runs -----------------------------------------------------------------------------------------
    def _run(self, test_run_id: int) -> TestRun:
        run = self.session.get(TestRun, test_run_id)
        if run is None:
            raise NotFoundError(f"test run id {test_run_id} does not exist", test_run_id=test_run_id)
        return run

    def _run_dict(self, run: TestRun) -> Dict:
        completed = list(
            self.session.scalars(
                select(RunConfiguration.display_name)
                .join(SuiteMetrics, SuiteMetrics.configuration_id == RunConfiguration.id)
                .where(RunConfiguration.test_run_id == run.id)
                .order_by(RunConfiguration.id)
            )
        )
        configurations = self.session.scalars(
            select(RunConfiguration)
            .where(RunConfiguration.test_run_id == run.id, RunConfiguration.display_name != "")
            .order_by(RunConfiguration.id)
        )
        return {
            "id": run.id,
            "model_id": run.model_id,
            "test_suite_id": run.test_suite_version_id,
            "evaluator": run.evaluator or None,
            "configurations": [
                {"id": c.id, "display_name": c.display_name, "configuration": c.data} for c in configurations
            ],
            "completed": [name or None for name in completed],
            "created": run.created,
        }

    def get_test_run(self, test_run_id: int) -> Dict:
        """A test run by id."""
        return self._run_dict(self._run(test_run_id))

    def create_or_retrieve_test_run(
        self,
        model_id: int,
        test_suite_id: int,
        evaluator: str | None,
        configurations: Sequence[tuple[str, Dict | None]],
    ) -> Dict:
        """The run of (model, suite version, evaluator), created if new, with new configurations added."""
        model = self._model(model_id)
        suite, _ = self._suite_version(test_suite_id)
        self._check_workflow(
            "model",
            model.name,
            self._workflow_name(model.workflow_id),
            self._workflow_name(suite.workflow_id),
        )
        name = evaluator or ""
        query = select(TestRun).where(
            TestRun.model_id == model_id,
            TestRun.test_suite_version_id == test_suite_id,
            TestRun.evaluator == name,
        )
        run = self.session.scalar(query)
        now = utcnow()
        if run is None:
            run = TestRun(
                model_id=model_id,
                test_suite_version_id=test_suite_id,
                evaluator=name,
                status="running",
                message="",
                created=now,
                updated=now,
            )
            self.session.add(run)
            try:
                with self.session.begin_nested():
                    self.session.flush()
            except IntegrityError:
                # Another client created the same run in the meantime; it is the one to use.
                run = self.session.scalar(query)
                assert run is not None
        else:
            run.status = "running"
            run.message = ""
            run.updated = now
        known = set(
            self.session.scalars(select(RunConfiguration.display_name).where(RunConfiguration.test_run_id == run.id))
        )
        for display_name, data in configurations:
            if display_name not in known:
                self.session.add(RunConfiguration(test_run_id=run.id, display_name=display_name, data=data))
                known.add(display_name)
        self.session.flush()
        return self._run_dict(run)

    def load_remaining_test_samples(
        self, test_run_id: int, load_all: bool, offset: int, limit: int | None
    ) -> list[Dict]:
        """Distinct samples of the run's suite version without an inference of its model, by sample id."""
        run = self._run(test_run_id)
        query = select(_sample.c.data, _sample.c.metadata).where(
            _sample.c.id.in_(self._suite_sample_ids(run.test_suite_version_id))
        )
        if not load_all:
            query = query.where(
                ~exists().where(_inference.c.model_id == run.model_id, _inference.c.test_sample_id == _sample.c.id)
            )
        query = query.order_by(_sample.c.id)
        return [
            {"test_sample": row.data, "metadata": row.metadata, "ground_truth": None}
            for row in self.session.execute(_page(query, offset, limit))
        ]

    def _configuration(self, run: TestRun, configuration: str | None) -> RunConfiguration:
        name = configuration or ""
        found = self.session.scalar(
            select(RunConfiguration).where(
                RunConfiguration.test_run_id == run.id, RunConfiguration.display_name == name
            )
        )
        if found is not None:
            return found
        if configuration is not None:
            raise NotFoundError(
                f"test run {run.id} has no configuration {configuration!r}; pass it to create_or_retrieve_test_run",
                test_run_id=run.id,
                configuration=configuration,
            )
        # Unconfigured evaluators upload under one implicit configuration.
        implicit = RunConfiguration(test_run_id=run.id, display_name="", data=None)
        self.session.add(implicit)
        self.session.flush()
        return implicit

    def _check_case_in_suite(self, run: TestRun, test_case_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
        """Map test-case version ids to (test case id, version), refusing those not in the run's suite."""
        members = {
            tcv: (case_id, version) for tcv, case_id, version in self._suite_case_versions(run.test_suite_version_id)
        }
        for test_case_id in test_case_ids:
            if test_case_id not in members:
                name = self.session.scalar(
                    select(TestCase.name)
                    .join(TestCaseVersion, TestCaseVersion.test_case_id == TestCase.id)
                    .where(TestCaseVersion.id == test_case_id)
                )
                what = f"test case {name!r} (version id {test_case_id})" if name else f"test case id {test_case_id}"
                raise InputValidationError(
                    f"{what} is not in the test suite version of test run {run.id}",
                    test_case_id=test_case_id,
                )
        return members

    def upload_test_sample_metrics(
        self, test_run_id: int, configuration: str | None, rows: Sequence[tuple[Dict, Dict, int | None]]
    ) -> int:
        """Store ``(test_sample, metrics, test_case_id)`` rows, replacing those of the same key."""
        run = self._run(test_run_id)
        model = self._model(run.model_id)
        config = self._configuration(run, configuration)
        members = self._check_case_in_suite(run, {tc for _, _, tc in rows if tc is not None})
        by_key: dict[tuple[int, str], tuple[Dict, Dict, int | None]] = {}
        for sample, metrics, test_case_id in rows:
            by_key[(test_case_id or 0, codec.sample_key(sample))] = (sample, metrics, test_case_id)
        entries = list(by_key.values())
        sample_ids = self.find_samples(model.workflow_id, [sample for sample, _, _ in entries])
        by_scope: dict[int | None, list[tuple[int, Dict]]] = {}
        for (sample, _, test_case_id), sid in zip(entries, sample_ids, strict=True):
            if sid is None:
                raise InputValidationError(
                    f"metrics for test sample {_describe_sample(sample)}, which is not in the test suite of "
                    f"test run {run.id}",
                    test_run_id=run.id,
                )
            by_scope.setdefault(test_case_id, []).append((sid, sample))
        for test_case_id, scoped in by_scope.items():
            ids = [sid for sid, _ in scoped]
            present: set[int] = set()
            for chunk in _chunks(ids):
                if test_case_id is None:
                    inside = self._suite_sample_ids(run.test_suite_version_id).where(
                        self._in(_member.c.test_sample_id, chunk)
                    )
                else:
                    case_id, version = members[test_case_id]
                    inside = select(_member.c.test_sample_id).where(
                        _members_of(case_id, version), self._in(_member.c.test_sample_id, chunk)
                    )
                present.update(self.session.scalars(inside))
            for sid, sample in scoped:
                if sid not in present:
                    where = "its test suite" if test_case_id is None else f"test case version id {test_case_id}"
                    raise InputValidationError(
                        f"metrics for test sample {_describe_sample(sample)}, which is not in {where} "
                        f"(test run {run.id})",
                        test_run_id=run.id,
                        test_case_id=test_case_id,
                    )
        new_rows: list[Dict] = [
            {
                "test_run_id": run.id,
                "configuration_id": config.id,
                "scope": test_case_id or 0,
                "test_case_version_id": test_case_id,
                "test_sample_id": sid,
                "data": metrics,
            }
            for (_, metrics, test_case_id), sid in zip(entries, sample_ids, strict=True)
        ]
        scopes: dict[int, list[int]] = {}
        for row in new_rows:
            scopes.setdefault(row["scope"], []).append(row["test_sample_id"])
        for scope, scope_ids in scopes.items():
            for chunk in _chunks(scope_ids):
                self.session.execute(
                    delete(_sample_metrics).where(
                        _sample_metrics.c.configuration_id == config.id,
                        _sample_metrics.c.scope == scope,
                        self._in(_sample_metrics.c.test_sample_id, chunk),
                    )
                )
        self._insert_many(_sample_metrics, new_rows)
        run.updated = utcnow()
        return len(new_rows)

    def upload_test_case_metrics(
        self,
        test_run_id: int,
        configuration: str | None,
        rows: Sequence[tuple[int, Dict | None, list[Any] | None]],
    ) -> int:
        """Store ``(test_case_id, metrics, plots)`` rows, replacing those of the same case."""
        run = self._run(test_run_id)
        config = self._configuration(run, configuration)
        by_case = {test_case_id: (metrics, plots) for test_case_id, metrics, plots in rows}
        self._check_case_in_suite(run, by_case)
        if by_case:
            self.session.execute(
                delete(_case_metrics).where(
                    _case_metrics.c.configuration_id == config.id,
                    _case_metrics.c.test_case_version_id.in_(list(by_case)),
                )
            )
        self._insert_many(
            _case_metrics,
            [
                {
                    "test_run_id": run.id,
                    "configuration_id": config.id,
                    "test_case_version_id": test_case_id,
                    "data": metrics,
                    "plots": plots,
                }
                for test_case_id, (metrics, plots) in by_case.items()
            ],
        )
        run.updated = utcnow()
        return len(by_case)

    def upload_test_suite_metrics(self, test_run_id: int, configuration: str | None, metrics: Dict | None) -> None:
        """Store the suite metrics of a configuration and mark it complete (the run, when all are)."""
        run = self._run(test_run_id)
        config = self._configuration(run, configuration)
        self.session.execute(delete(SuiteMetrics).where(SuiteMetrics.configuration_id == config.id))
        now = utcnow()
        self.session.add(SuiteMetrics(test_run_id=run.id, configuration_id=config.id, data=metrics, completed_at=now))
        self.session.flush()
        pending = self.session.scalar(
            select(func.count())
            .select_from(RunConfiguration)
            .where(
                RunConfiguration.test_run_id == run.id,
                ~exists().where(SuiteMetrics.configuration_id == RunConfiguration.id),
            )
        )
        if not pending:
            run.status = "complete"
        run.updated = now

    def mark_test_run_crashed(self, test_run_id: int, message: str) -> None:
        """Record that the client failed during the run."""
        run = self._run(test_run_id)
        run.status = "crashed"
        run.message = message
        run.updated = utcnow()

    def load_results(
        self, model_id: int, test_suite_id: int, evaluator: str | None, configuration: str | None
    ) -> list[Dict]:
        """Stored results of the latest run with results; see ``Transport.load_results``."""
        model = self._model(model_id)
        suite, suite_version = self._suite_version(test_suite_id)
        query = select(TestRun).where(TestRun.model_id == model_id, TestRun.test_suite_version_id == test_suite_id)
        if evaluator is not None:
            query = query.where(TestRun.evaluator == evaluator)
        for run in self.session.scalars(query.order_by(TestRun.created.desc(), TestRun.id.desc())).all():
            results = self._run_results(run, configuration)
            if results:
                return results
        narrowed = "".join(
            [
                f" with evaluator {evaluator!r}" if evaluator is not None else "",
                f" and configuration {configuration!r}" if configuration is not None else "",
            ]
        )
        raise NotFoundError(
            f"no results of model {model.name!r} on test suite {suite.name!r} version {suite_version.version}"
            f"{narrowed} are stored",
            model=model.name,
            test_suite=suite.name,
            version=suite_version.version,
        )

    def _run_results(self, run: TestRun, configuration: str | None) -> list[Dict]:
        query = select(RunConfiguration).where(RunConfiguration.test_run_id == run.id)
        if configuration is not None:
            query = query.where(RunConfiguration.display_name == configuration)
        order = {
            tcv: position for position, (tcv, _, _) in enumerate(self._suite_case_versions(run.test_suite_version_id))
        }
        run_dict: Dict | None = None
        results: list[Dict] = []
        for config in self.session.scalars(query.order_by(RunConfiguration.id)).all():
            suite_row = self.session.scalar(select(SuiteMetrics).where(SuiteMetrics.configuration_id == config.id))
            cases = sorted(
                (
                    {"test_case_id": row.test_case_version_id, "metrics": row.data, "plots": row.plots}
                    for row in self.session.execute(
                        select(_case_metrics.c.test_case_version_id, _case_metrics.c.data, _case_metrics.c.plots).where(
                            _case_metrics.c.configuration_id == config.id
                        )
                    )
                ),
                key=lambda row: order.get(row["test_case_id"], len(order)),
            )
            samples = [
                {"test_sample": row.sample, "metrics": row.data, "test_case_id": row.test_case_version_id}
                for row in self.session.execute(
                    select(
                        _sample.c.data.label("sample"),
                        _sample_metrics.c.data,
                        _sample_metrics.c.test_case_version_id,
                    )
                    .join(_sample, _sample.c.id == _sample_metrics.c.test_sample_id)
                    .where(_sample_metrics.c.configuration_id == config.id)
                    .order_by(_sample_metrics.c.id)
                )
            ]
            if suite_row is None and not cases and not samples:
                continue
            if run_dict is None:
                run_dict = self._run_dict(run)
            results.append(
                {
                    "test_run": run_dict,
                    "configuration": config.display_name or None,
                    "test_suite_metrics": suite_row.data if suite_row is not None else None,
                    "test_case_metrics": cases,
                    "test_sample_metrics": samples,
                }
            )
        return results

    # -- API tokens ----------------------------------------------------------------------------------------
    @staticmethod
    def _token_dict(token: ApiToken) -> Dict:
        return {
            "id": token.id,
            "name": token.name,
            "prefix": token.prefix,
            "created": token.created,
            "revoked": token.revoked,
        }

    def create_token(self, name: str) -> tuple[Dict, str]:
        """Create an API token; returns it and its secret, which is stored only as a hash."""
        body = secrets.token_urlsafe(32)
        secret = TOKEN_PREFIX + body
        token = ApiToken(name=name, prefix=body[:8], hash=hash_token(secret), created=utcnow(), revoked=None)
        self.session.add(token)
        self.session.flush()
        return self._token_dict(token), secret

    def verify_token(self, secret: str) -> Dict:
        """The token whose secret this is.

        Raises:
            InvalidTokenError: no such token, or it was revoked.
        """
        token = self.session.scalar(select(ApiToken).where(ApiToken.hash == hash_token(secret)))
        if token is None:
            raise InvalidTokenError("the API token is not known; create one with `assay token create`")
        if token.revoked is not None:
            raise InvalidTokenError(
                f"the API token {token.name!r} ({TOKEN_PREFIX}{token.prefix}...) was revoked on "
                f"{token.revoked:%Y-%m-%d %H:%M} UTC; create a new one with `assay token create`",
                token_id=token.id,
            )
        return self._token_dict(token)

    def list_tokens(self) -> list[Dict]:
        """Every API token, oldest first."""
        return [self._token_dict(t) for t in self.session.scalars(select(ApiToken).order_by(ApiToken.id))]

    def revoke_token(self, token_id: int, when: datetime | None = None) -> Dict:
        """Revoke a token (revoking it again keeps the first date)."""
        token = self.session.get(ApiToken, token_id)
        if token is None:
            raise NotFoundError(f"API token id {token_id} does not exist", token_id=token_id)
        if token.revoked is None:
            token.revoked = when or utcnow()
            self.session.flush()
        return self._token_dict(token)
