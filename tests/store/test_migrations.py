"""Migrations: a fresh database is migrated on first use, an outdated one is refused until upgraded."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from assay.errors import SchemaOutdatedError
from assay.service import Service
from assay.store import head_revision, upgrade
from assay.store.engine import create_store_engine
from assay.store.migrate import _config, current_revision
from assay.store.models import Base


def _first_revision() -> str:
    revisions = list(ScriptDirectory.from_config(_config()).walk_revisions())
    return revisions[-1].revision


def test_fresh_database_is_migrated_on_first_use(empty_database_url: str) -> None:
    service = Service.from_url(empty_database_url)
    service.close()
    engine = create_store_engine(empty_database_url)
    try:
        assert current_revision(engine) == head_revision()
        assert {"workflow", "test_sample", "test_case_sample", "api_token"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrations_match_the_models(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = create_store_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_outdated_database_is_refused_until_upgraded(empty_database_url: str) -> None:
    upgrade(empty_database_url, _first_revision())
    engine = create_store_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        added_tables = [diff[1].name for diff in differences if isinstance(diff, tuple) and diff[0] == "add_table"]
        assert "api_token" in added_tables
    finally:
        engine.dispose()
    with pytest.raises(SchemaOutdatedError, match="assay db upgrade"):
        Service.from_url(empty_database_url)
    upgrade(empty_database_url)
    service = Service.from_url(empty_database_url)
    try:
        _, secret = service.create_token("after upgrade")
        assert service.verify_token(secret).name == "after upgrade"
    finally:
        service.close()


def test_database_of_a_newer_assay_is_refused(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        Service.from_url(database_url).close()
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    finally:
        engine.dispose()
    with pytest.raises(SchemaOutdatedError, match="newer than this version of Assay"):
        Service.from_url(database_url)


def test_foreign_tables_without_revision_are_refused(empty_database_url: str) -> None:
    engine = create_store_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE someone_elses (id INTEGER PRIMARY KEY)")
    finally:
        engine.dispose()
    with pytest.raises(SchemaOutdatedError, match="someone_elses"):
        Service.from_url(empty_database_url)


def test_processes_opening_a_fresh_database_together_migrate_it_once(empty_database_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def open_and_close(_: int) -> str:
        service = Service.from_url(empty_database_url)
        try:
            return service.create_token("racer")[0].name
        finally:
            service.close()

    with ThreadPoolExecutor(max_workers=3) as pool:
        assert list(pool.map(open_and_close, range(3))) == ["racer"] * 3
