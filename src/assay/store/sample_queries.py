"""The bulk reads behind the Studio: every sample of a suite version, a model's inferences, and page items by id.

Documents are read as JSON text and decoded here in one pass with orjson (the JSON type's per-row processing
costs more than the decoding on a million rows), as :func:`assay.store.results_queries.sample_metrics` does,
which the Studio uses for per-sample metrics. Ids are integers, so lists of them are written into statements;
page reads take a handful of ids, the bulk reads none (they select by suite version or model).

A sample's ground truth in a suite version is the one of the first test case, in suite order, that holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import orjson
from sqlalchemy import Select, Table, Text, and_, func, or_, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from assay._bulk import gc_paused
from assay._wire import FLOAT_TAG_BYTES, untag_nonfinite
from assay.store.models import (
    Inference,
    SampleMetrics,
    TestCaseSample,
    TestCaseVersion,
    TestSample,
    TestSuiteTestCase,
)

__all__ = [
    "SuiteSamples",
    "configurations_with_sample_metrics",
    "ground_truths_of",
    "inference_stamp",
    "inferences_of",
    "inferences_of_model",
    "models_with_inferences",
    "sample_metrics_of",
    "samples_of",
    "suite_samples",
]

Dict = dict[str, Any]

_sample = cast(Table, TestSample.__table__)
_member = cast(Table, TestCaseSample.__table__)
_tcv = cast(Table, TestCaseVersion.__table__)
_stc = cast(Table, TestSuiteTestCase.__table__)
_inference = cast(Table, Inference.__table__)
_metrics = cast(Table, SampleMetrics.__table__)

_TAG = FLOAT_TAG_BYTES.decode()

#: Ids per statement when reading rows by id.
_CHUNK = 20_000


def _loads(text: str | bytes | None) -> Any:
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text.decode()
    value = orjson.loads(text)
    return untag_nonfinite(value) if _TAG in text else value


def _rows(session: Session, query: Select[Any]) -> list[Any]:
    """The driver's rows of a query whose parameters are all integers (written into the statement)."""
    sql = str(query.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
    return list(session.connection().exec_driver_sql(sql).fetchall())


def _in_version() -> Any:
    return and_(
        _member.c.added_in <= _tcv.c.version,
        or_(_member.c.removed_in.is_(None), _member.c.removed_in > _tcv.c.version),
    )


class SuiteSamples:
    """Every sample of a suite version, by ascending id, with its documents and test-case memberships.

    Attributes:
        ids: Sample ids, ascending.
        keys: Their identity keys.
        data: The test samples as stored (metadata apart).
        metadata: Their metadata (``{}`` when none).
        ground_truths: The ground truth of the first test case, in suite order, that holds each sample.
        case_ids: The suite's test-case version ids, in suite order.
        members: For each test case (same order as ``case_ids``), the row indices of its samples.
    """

    def __init__(
        self,
        ids: list[int],
        keys: list[str],
        data: list[Dict],
        metadata: list[Dict],
        ground_truths: list[Dict | None],
        case_ids: list[int],
        members: list[list[int]],
    ) -> None:
        self.ids = ids
        self.keys = keys
        self.data = data
        self.metadata = metadata
        self.ground_truths = ground_truths
        self.case_ids = case_ids
        self.members = members


def _suite_cases(session: Session, test_suite_version_id: int) -> list[tuple[int, int, int]]:
    """``(test-case version id, test case id, version)`` of a suite version, in suite order."""
    rows = session.execute(
        select(_tcv.c.id, _tcv.c.test_case_id, _tcv.c.version)
        .join(_stc, _stc.c.test_case_version_id == _tcv.c.id)
        .where(_stc.c.test_suite_version_id == test_suite_version_id)
        .order_by(_stc.c.position)
    )
    return [(row[0], row[1], row[2]) for row in rows]


def suite_samples(session: Session, test_suite_version_id: int) -> SuiteSamples:
    """Read every sample of a suite version with its metadata, ground truth and test cases, in a few queries."""
    cases = _suite_cases(session, test_suite_version_id)
    case_ids = [case[0] for case in cases]
    if not cases:
        return SuiteSamples([], [], [], [], [], [], [])
    # Membership rows without documents first: each sample's first test case (in suite order) decides its
    # ground truth, and only those are read, by case when it is the first of all its samples.
    membership = (
        select(_tcv.c.id, _member.c.id, _member.c.test_sample_id)
        .join(_member, _member.c.test_case_id == _tcv.c.test_case_id)
        .where(_tcv.c.id.in_(case_ids), _in_version())
    )
    rows_of_case: dict[int, list[tuple[int, int]]] = {case_id: [] for case_id in case_ids}
    first: dict[int, int] = {}
    by_case: list[list[int]] = []
    truths: dict[int, Any] = {}
    with gc_paused():
        for case_id, member_id, sample_id in _rows(session, membership):
            rows_of_case[case_id].append((member_id, sample_id))
        for case_id in case_ids:
            rows = rows_of_case[case_id]
            by_case.append([sample_id for _, sample_id in rows])
            new = [(member_id, sample_id) for member_id, sample_id in rows if sample_id not in first]
            first.update((sample_id, member_id) for member_id, sample_id in new)
            if not new:
                continue
            text_query = select(_member.c.test_sample_id, sql_cast(_member.c.ground_truth, Text))
            if len(new) == len(rows):
                whole = text_query.join(_tcv, _tcv.c.test_case_id == _member.c.test_case_id).where(
                    _tcv.c.id == case_id, _in_version()
                )
                truths.update((row[0], row[1]) for row in _rows(session, whole))
            else:
                member_ids = sorted(member_id for member_id, _ in new)
                for start in range(0, len(member_ids), _CHUNK):
                    chunk = text_query.where(_member.c.id.in_(member_ids[start : start + _CHUNK]))
                    truths.update((row[0], row[1]) for row in _rows(session, chunk))
        suite_ids = sorted(first)
        documents = (
            select(_sample.c.id, _sample.c.key, sql_cast(_sample.c.data, Text), sql_cast(_sample.c.metadata, Text))
            .where(
                _sample.c.id.in_(
                    select(_member.c.test_sample_id)
                    .join(_tcv, _tcv.c.test_case_id == _member.c.test_case_id)
                    .where(_tcv.c.id.in_(case_ids), _in_version())
                )
            )
            .order_by(_sample.c.id)
        )
        ids: list[int] = []
        keys: list[str] = []
        data: list[Dict] = []
        metadata: list[Dict] = []
        for sample_id, key, text, meta in _rows(session, documents):
            ids.append(sample_id)
            keys.append(key)
            data.append(_loads(text))
            metadata.append(_loads(meta) or {})
        assert ids == suite_ids  # both come from the same membership rows
        ground_truths = [_loads(truths.get(sample_id)) for sample_id in ids]
        row_of = {sample_id: row for row, sample_id in enumerate(ids)}
        members = [sorted(row_of[sample_id] for sample_id in sample_ids) for sample_ids in by_case]
    return SuiteSamples(ids, keys, data, metadata, ground_truths, case_ids, members)


def inferences_of_model(session: Session, model_id: int) -> list[tuple[int, Dict]]:
    """``(sample id, inference)`` of every inference of a model."""
    query = select(_inference.c.test_sample_id, sql_cast(_inference.c.data, Text)).where(
        _inference.c.model_id == model_id
    )
    with gc_paused():
        return [(row[0], _loads(row[1])) for row in _rows(session, query)]


def inference_stamp(session: Session, model_id: int) -> tuple[int, int]:
    """``(count, largest id)`` of a model's inferences: it changes whenever one is added or replaced."""
    row = session.execute(
        select(func.count(), func.max(_inference.c.id)).where(_inference.c.model_id == model_id)
    ).one()
    return int(row[0]), int(row[1] or 0)


def models_with_inferences(session: Session, test_suite_version_id: int, model_ids: Sequence[int]) -> list[int]:
    """Those of ``model_ids`` that have an inference on at least one sample of the suite version."""
    case_ids = [case[0] for case in _suite_cases(session, test_suite_version_id)]
    if not case_ids or not model_ids:
        return []
    found = []
    for model_id in model_ids:
        hit = (
            select(_inference.c.id)
            .join(_member, _member.c.test_sample_id == _inference.c.test_sample_id)
            .join(_tcv, _tcv.c.test_case_id == _member.c.test_case_id)
            .where(_inference.c.model_id == model_id, _tcv.c.id.in_(case_ids), _in_version())
            .limit(1)
        )
        if session.execute(hit).first() is not None:
            found.append(model_id)
    return found


def configurations_with_sample_metrics(session: Session, configuration_ids: Sequence[int]) -> set[int]:
    """Those of the configurations that have stored per-sample metrics."""
    found: set[int] = set()
    for configuration_id in configuration_ids:
        hit = select(_metrics.c.id).where(_metrics.c.configuration_id == configuration_id).limit(1)
        if session.execute(hit).first() is not None:
            found.add(configuration_id)
    return found


# -- page items: a handful of ids ----------------------------------------------------------------------------
# Written as SQL text with the ids in it (integers, checked as such): building and compiling a SQLAlchemy
# statement per page cost more than running it on a hundred ids.
def _ids(values: Sequence[int]) -> str:
    return ", ".join(str(int(value)) for value in sorted(set(values)))


def _driver_rows(session: Session, sql: str) -> list[Any]:
    return list(session.connection().exec_driver_sql(sql).fetchall())


def samples_of(session: Session, sample_ids: Sequence[int]) -> dict[int, tuple[str, Dict, Dict]]:
    """``{sample id: (key, data, metadata)}`` of the given samples."""
    if not sample_ids:
        return {}
    sql = (
        f"SELECT id, key, CAST(data AS TEXT), CAST(metadata AS TEXT) FROM test_sample WHERE id IN ({_ids(sample_ids)})"
    )
    return {row[0]: (row[1], _loads(row[2]), _loads(row[3]) or {}) for row in _driver_rows(session, sql)}


def ground_truths_of(
    session: Session, case_ids: Sequence[int], sample_ids: Sequence[int]
) -> tuple[dict[int, Dict | None], dict[int, list[int]]]:
    """The suite's ground truth of each sample, and the suite's test-case versions holding it (suite order).

    Args:
        session: An open session.
        case_ids: The suite version's test-case version ids, in suite order.
        sample_ids: The samples.
    """
    if not sample_ids or not case_ids:
        return {}, {}
    position = {case_id: index for index, case_id in enumerate(case_ids)}
    sql = (
        "SELECT v.id, m.test_sample_id, CAST(m.ground_truth AS TEXT) "
        "FROM test_case_version v JOIN test_case_sample m ON m.test_case_id = v.test_case_id "
        f"WHERE v.id IN ({_ids(case_ids)}) AND m.added_in <= v.version "
        "AND (m.removed_in IS NULL OR m.removed_in > v.version) "
        f"AND m.test_sample_id IN ({_ids(sample_ids)})"
    )
    first: dict[int, tuple[int, Any]] = {}
    holders: dict[int, list[int]] = {}
    for case_id, sample_id, truth in _driver_rows(session, sql):
        index = position[case_id]
        holders.setdefault(sample_id, []).append(case_id)
        if sample_id not in first or first[sample_id][0] > index:
            first[sample_id] = (index, truth)
    for held in holders.values():
        held.sort(key=position.__getitem__)
    return {sample_id: _loads(truth) for sample_id, (_, truth) in first.items()}, holders


def inferences_of(session: Session, model_ids: Sequence[int], sample_ids: Sequence[int]) -> dict[tuple[int, int], Dict]:
    """``{(model id, sample id): inference}`` of the given models on the given samples."""
    if not model_ids or not sample_ids:
        return {}
    sql = (
        "SELECT model_id, test_sample_id, CAST(data AS TEXT) FROM inference "
        f"WHERE model_id IN ({_ids(model_ids)}) AND test_sample_id IN ({_ids(sample_ids)})"
    )
    return {(row[0], row[1]): _loads(row[2]) for row in _driver_rows(session, sql)}


def sample_metrics_of(
    session: Session, configuration_ids: Sequence[int], sample_ids: Sequence[int], case_order: Sequence[int]
) -> dict[tuple[int, int], Dict]:
    """``{(configuration id, sample id): metrics}`` of the given samples in the suite's scope.

    The suite scope (0) when it was stored, else the first test case of ``case_order`` (the suite's test-case
    version ids) in which the sample has metrics.
    """
    if not configuration_ids or not sample_ids:
        return {}
    rank = {case_id: index + 1 for index, case_id in enumerate(case_order)}
    sql = (
        "SELECT configuration_id, scope, test_sample_id, CAST(data AS TEXT) FROM sample_metrics "
        f"WHERE configuration_id IN ({_ids(configuration_ids)}) AND test_sample_id IN ({_ids(sample_ids)})"
    )
    best: dict[tuple[int, int], tuple[int, Any]] = {}
    for configuration_id, scope, sample_id, text in _driver_rows(session, sql):
        order = 0 if scope == 0 else rank.get(scope)
        if order is None:
            continue
        key = (configuration_id, sample_id)
        if key not in best or best[key][0] > order:
            best[key] = (order, text)
    return {key: _loads(text) for key, (_, text) in best.items()}
