"""The queries behind the web app's results page: the runs of a suite version and their stored metrics.

Each function takes an open session and reads columns in a handful of queries (never one per test case or per
model): the runs of a suite version with their configurations, then the test-case and sample metrics of the
chosen configurations in one query each, and the membership of the suite's test cases when sample metrics were
stored for the whole suite rather than per test case. The results page's statistics are computed by
:mod:`assay.service.results_view` from what these return.

Also here: merging the type schemas of metrics classes into a workflow's stored schema document, so that the
results page knows which direction of each metric is better.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import orjson
from sqlalchemy import Table, Text, and_, or_, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from assay._bulk import gc_paused
from assay._wire import FLOAT_TAG_BYTES, untag_nonfinite
from assay.errors import InputValidationError, NotFoundError
from assay.store.models import (
    CaseMetrics,
    Model,
    RunConfiguration,
    SampleMetrics,
    SuiteMetrics,
    TestCaseSample,
    TestCaseVersion,
    TestRun,
    TestSuiteTestCase,
    Workflow,
)

__all__ = [
    "case_metrics",
    "case_metrics_of",
    "case_plots",
    "keep_metrics_types",
    "merge_metrics_types",
    "runs_of_suite",
    "sample_metrics",
    "suite_memberships",
    "suite_metrics",
    "workflow_schema",
]

Dict = dict[str, Any]

_member = cast(Table, TestCaseSample.__table__)
_tcv = cast(Table, TestCaseVersion.__table__)
_stc = cast(Table, TestSuiteTestCase.__table__)
_case = cast(Table, CaseMetrics.__table__)
_sample = cast(Table, SampleMetrics.__table__)


def runs_of_suite(session: Session, test_suite_version_id: int) -> list[Dict]:
    """Every run on a suite version with its model and configurations, oldest first.

    Returns:
        Dicts ``{"id", "model_id", "model_name", "evaluator" (None when unnamed), "status", "created",
        "updated", "configurations": [{"id", "name" (None: the implicit one), "completed"}]}``; a
        configuration is completed when its suite metrics are stored.
    """
    runs: list[Dict] = []
    by_id: dict[int, Dict] = {}
    query = (
        select(
            TestRun.id,
            TestRun.model_id,
            Model.name,
            TestRun.evaluator,
            TestRun.status,
            TestRun.created,
            TestRun.updated,
        )
        .join(Model, Model.id == TestRun.model_id)
        .where(TestRun.test_suite_version_id == test_suite_version_id)
        .order_by(TestRun.created, TestRun.id)
    )
    for row in session.execute(query):
        run = {
            "id": row[0],
            "model_id": row[1],
            "model_name": row[2],
            "evaluator": row[3] or None,
            "status": row[4],
            "created": row[5],
            "updated": row[6],
            "configurations": [],
        }
        runs.append(run)
        by_id[row[0]] = run
    if not runs:
        return runs
    configurations = (
        select(
            RunConfiguration.id,
            RunConfiguration.test_run_id,
            RunConfiguration.display_name,
            SuiteMetrics.id.is_not(None),
        )
        .join(TestRun, TestRun.id == RunConfiguration.test_run_id)
        .outerjoin(SuiteMetrics, SuiteMetrics.configuration_id == RunConfiguration.id)
        .where(TestRun.test_suite_version_id == test_suite_version_id)
        .order_by(RunConfiguration.id)
    )
    for config_id, run_id, name, completed in session.execute(configurations):
        by_id[run_id]["configurations"].append({"id": config_id, "name": name or None, "completed": bool(completed)})
    return runs


def workflow_schema(session: Session, workflow: str) -> Dict | None:
    """The stored schema document of a workflow (``None`` when it has none).

    Raises:
        NotFoundError: no workflow of that name.
    """
    row = session.execute(select(Workflow.id, Workflow.schema_).where(Workflow.name == workflow)).first()
    if row is None:
        raise NotFoundError(f"no workflow named {workflow!r}", workflow=workflow)
    return cast(Dict | None, row[1])


def case_metrics(session: Session, configuration_ids: Sequence[int]) -> list[tuple[int, int, Dict | None]]:
    """``(configuration id, test-case version id, metrics)`` of the configurations, plots left out."""
    if not configuration_ids:
        return []
    query = select(_case.c.configuration_id, _case.c.test_case_version_id, _case.c.data).where(
        _case.c.configuration_id.in_(list(configuration_ids))
    )
    return [(row[0], row[1], row[2]) for row in session.execute(query)]


def case_plots(
    session: Session, configuration_ids: Sequence[int], test_case_version_id: int
) -> dict[int, list[Any] | None]:
    """The plots stored for one test-case version, by configuration id."""
    if not configuration_ids:
        return {}
    query = select(_case.c.configuration_id, _case.c.plots).where(
        _case.c.configuration_id.in_(list(configuration_ids)),
        _case.c.test_case_version_id == test_case_version_id,
    )
    return {row[0]: row[1] for row in session.execute(query)}


def case_metrics_of(
    session: Session, configuration_ids: Sequence[int], test_case_version_id: int
) -> dict[int, Dict | None]:
    """The metrics stored for one test-case version, by configuration id."""
    if not configuration_ids:
        return {}
    query = select(_case.c.configuration_id, _case.c.data).where(
        _case.c.configuration_id.in_(list(configuration_ids)),
        _case.c.test_case_version_id == test_case_version_id,
    )
    return {row[0]: row[1] for row in session.execute(query)}


def sample_metrics(session: Session, configuration_ids: Sequence[int]) -> list[tuple[int, int, int, Dict]]:
    """``(configuration id, scope, sample id, metrics)`` of the configurations, by sample id.

    ``scope`` is the test-case version id the metrics were computed in, or 0 when they were computed once for
    the whole suite (evaluator functions).
    """
    if not configuration_ids:
        return []
    # The documents come as text and are decoded here in one pass: the JSON type's per-row processing costs
    # more than the decoding itself on a million rows.
    query = select(
        _sample.c.configuration_id, _sample.c.scope, _sample.c.test_sample_id, sql_cast(_sample.c.data, Text)
    ).order_by(_sample.c.configuration_id, _sample.c.scope, _sample.c.test_sample_id)
    # Ids are integers, so they are written into the statement, and the driver's rows are fetched as they
    # come: SQLAlchemy's row processing is slower than the database on a million rows.
    ids = sorted({int(configuration_id) for configuration_id in configuration_ids})
    sql = str(
        query.where(_sample.c.configuration_id.in_(ids)).compile(
            dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
        )
    )
    # A million small dicts would wake the cyclic collector hundreds of times; none of them can form a cycle.
    with gc_paused():
        rows = session.connection().exec_driver_sql(sql).fetchall()
        # codec.loads, inlined: its per-call checks cost half as much as the decoding on a million rows.
        loads, tag, untag = orjson.loads, FLOAT_TAG_BYTES.decode(), untag_nonfinite
        found = []
        for row in rows:
            text = row[3]
            if isinstance(text, bytes):
                text = text.decode()
            value = loads(text)
            found.append((row[0], row[1], row[2], untag(value) if tag in text else value))
        return found


def suite_memberships(session: Session, test_suite_version_id: int) -> dict[int, list[int]]:
    """The sample ids of each test-case version of a suite version, ascending."""
    query = (
        select(_tcv.c.id, _member.c.test_sample_id)
        .join(_stc, _stc.c.test_case_version_id == _tcv.c.id)
        .join(_member, _member.c.test_case_id == _tcv.c.test_case_id)
        .where(
            _stc.c.test_suite_version_id == test_suite_version_id,
            and_(
                _member.c.added_in <= _tcv.c.version,
                or_(_member.c.removed_in.is_(None), _member.c.removed_in > _tcv.c.version),
            ),
        )
        .order_by(_tcv.c.id, _member.c.test_sample_id)
    )
    members: dict[int, list[int]] = {}
    for case_id, sample_id in session.execute(query):
        members.setdefault(case_id, []).append(sample_id)
    return members


def suite_metrics(session: Session, configuration_ids: Sequence[int]) -> dict[int, Dict | None]:
    """The suite metrics of the configurations that have them, by configuration id."""
    if not configuration_ids:
        return {}
    query = select(SuiteMetrics.configuration_id, SuiteMetrics.data).where(
        SuiteMetrics.configuration_id.in_(list(configuration_ids))
    )
    return {row[0]: row[1] for row in session.execute(query)}


def _check_types(types: Any) -> Mapping[str, Dict]:
    if not isinstance(types, Mapping) or not types:
        raise InputValidationError("metrics types must be a non-empty object of type entries", field="types")
    for key, entry in types.items():
        if (
            not isinstance(key, str)
            or not isinstance(entry, Mapping)
            or not isinstance(entry.get("name"), str)
            or not isinstance(entry.get("module"), str)
            or not isinstance(entry.get("fields"), list)
        ):
            raise InputValidationError(
                f"metrics type {key!r} is not a type entry of assay.schema (name, module, fields)",
                field="types",
                key=key,
            )
    return types


def _renamed_kinds(value: Any, renames: Mapping[str, str]) -> Any:
    """A kind (or a type entry) with its references to renamed types updated."""
    if isinstance(value, dict):
        updated = {key: _renamed_kinds(item, renames) for key, item in value.items()}
        if isinstance(updated.get("type"), str) and "kind" in updated and updated["type"] in renames:
            updated["type"] = renames[updated["type"]]
        return updated
    if isinstance(value, list):
        return [_renamed_kinds(item, renames) for item in value]
    return value


def _same_class(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    return first.get("module") == second.get("module") and first.get("name") == second.get("name")


def _free_key(taken: Iterable[str], base: str) -> str:
    used = set(taken)
    key, number = base, 2
    while key in used:
        key, number = f"{base}#{number}", number + 1
    return key


def merge_metrics_types(session: Session, workflow: str, types: Any) -> Dict:
    """Merge type entries of metrics classes into the ``types`` of a workflow's schema document.

    An entry of a class already stored (same module and name) replaces it, so a changed class brings its new
    fields and directions. An entry whose key is taken by another class is stored under
    ``module.name`` (numbered if needed), and the references of the merged entries follow.

    Args:
        session: The session of a writing transaction.
        workflow: The workflow's name.
        types: Type entries keyed as :func:`assay.schema.metrics_schema` keys them.

    Returns:
        The merged schema document.

    Raises:
        NotFoundError: no workflow of that name.
        InputValidationError: ``types`` is not a map of type entries.
    """
    incoming = _check_types(types)
    row = session.scalar(select(Workflow).where(Workflow.name == workflow))
    if row is None:
        raise NotFoundError(f"no workflow named {workflow!r}", workflow=workflow)
    document: Dict = dict(row.schema_ or {"schema_version": 1})
    stored: Dict = dict(document.get("types") or {})
    renames: dict[str, str] = {}
    for key, entry in incoming.items():
        if key in stored and not _same_class(stored[key], entry):
            existing = next((k for k, e in stored.items() if _same_class(e, entry)), None)
            renames[key] = existing or _free_key([*stored, *renames.values()], f"{entry['module']}.{entry['name']}")
    for key, entry in incoming.items():
        stored[renames.get(key, key)] = _renamed_kinds(dict(entry), renames)
    document["types"] = stored
    row.schema_ = document
    session.flush()
    return document


def keep_metrics_types(stored: Dict | None, new: Dict | None) -> Dict | None:
    """A workflow's new schema document with the metrics classes of the stored one that it does not describe.

    Example:
        >>> old = {"types": {"M": {"role": "metrics_test_case"}, "Image": {"role": "test_sample"}}}
        >>> sorted(keep_metrics_types(old, {"types": {"Image": {"role": "test_sample"}}})["types"])
        ['Image', 'M']
    """
    kept = {
        key: entry
        for key, entry in ((stored or {}).get("types") or {}).items()
        if isinstance(entry, Mapping) and str(entry.get("role", "")).startswith("metrics_")
    }
    if new is None or not kept:
        return new
    types = dict(new.get("types") or {})
    for key, entry in kept.items():
        types.setdefault(key, entry)
    return {**new, "types": types}
