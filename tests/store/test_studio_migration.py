"""Migration 0004: the Studio origin of test-case versions, added to a store that holds data, and taken away."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect
from tests.service.builders import WORKFLOW, make_case

from assay.service import Service
from assay.service.sample_views import CreateTestCase, SampleQuery
from assay.store import head_revision, upgrade
from assay.store.engine import create_store_engine
from assay.store.migrate import _config, current_revision

BEFORE = "0003_web_sessions"


def _migrate_to(url: str, revision: str, *, down: bool) -> None:
    engine = create_store_engine(url)
    try:
        with engine.begin() as connection:
            (command.downgrade if down else command.upgrade)(_config(connection), revision)
        assert current_revision(engine) == revision
    finally:
        engine.dispose()


def _columns(url: str) -> dict[str, bool]:
    engine = create_store_engine(url)
    try:
        inspector = inspect(engine)
        columns = {column["name"]: column["nullable"] for column in inspector.get_columns("test_case_version")}
        # SQLite's reflection does not read the name of a column's inline REFERENCES clause: keyed by column.
        keys = {
            tuple(key["constrained_columns"]): key["referred_table"]
            for key in inspector.get_foreign_keys("test_case_version")
        }
    finally:
        engine.dispose()
    return {**columns, **{f"fk:{','.join(names)}:{table}": True for names, table in keys.items()}}


def test_upgrading_from_0003_keeps_the_data_and_downgrading_drops_the_columns(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Studio keeps its tables under ASSAY_HOME when the database is not a file.
    monkeypatch.setenv("ASSAY_HOME", str(tmp_path / "home"))
    service = Service.from_url(database_url)
    service.register_workflow(WORKFLOW, {})
    first = make_case(service, "first", list(range(6)))
    second = make_case(service, "second", list(range(4, 9)))
    suite = service.create_test_suite(WORKFLOW, "both", test_case_ids=[first.id, second.id])
    service.close()

    _migrate_to(database_url, BEFORE, down=True)
    assert "query" not in _columns(database_url) and "created_from" not in _columns(database_url)
    upgrade(database_url)
    columns = _columns(database_url)
    assert columns["query"] is True and columns["created_from"] is True
    assert columns["fk:created_from:test_suite_version"]

    service = Service.from_url(database_url)
    try:
        # What was stored before the upgrade is all there, with no Studio origin.
        loaded = service.load_test_suite("both")
        assert [(c.name, c.version, c.n_samples) for c in loaded.test_cases] == [("first", 1, 6), ("second", 1, 5)]
        assert loaded.id == suite.id
        assert len(service.load_test_case_samples(second.id)) == 5
        assert service.curation.stored_query(first.id) is None
        # And the new columns take the origin of a test case made from the suite's samples.
        query = SampleQuery(test_suite_id=suite.id, test_case_id=second.id)
        made = service.curation.create_test_case(CreateTestCase(name="picked", query=query))
        assert made.suite is not None and made.suite.version == 2
        picked = made.test_cases[0]
        stored = service.curation.stored_query(picked.id)
        assert (
            stored is not None
            and stored.query == query
            and stored.created_from == made.suite.model_copy(update={"id": suite.id, "version": 1})
        )
    finally:
        service.close()

    _migrate_to(database_url, BEFORE, down=True)
    columns = _columns(database_url)
    assert "query" not in columns and "created_from" not in columns
    assert not any(name.startswith("fk:created_from") for name in columns)
    upgrade(database_url)
    engine = create_store_engine(database_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    service = Service.from_url(database_url)
    try:
        # The test case made before the round trip is still there; its origin went with the columns.
        assert service.load_test_case("picked").n_samples == 5
        assert service.curation.stored_query(picked.id) is None
        assert [c.name for c in service.load_test_suite("both").test_cases] == ["first", "second", "picked"]
    finally:
        service.close()
