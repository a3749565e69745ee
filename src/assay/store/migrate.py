"""Schema migrations: Alembic scripts shipped inside the package, run by Assay itself."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from assay.errors import SchemaOutdatedError
from assay.store.engine import WRITE_OPTION, create_store_engine, redact_url

__all__ = [
    "current_revision",
    "ensure_schema",
    "head_revision",
    "upgrade",
    "upgrade_engine",
]

logger = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).with_name("migrations")

#: The PostgreSQL advisory lock taken while migrating ("assay" in ASCII).
_MIGRATION_LOCK = 0x6173736179


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The revision that this version of Assay expects."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {_MIGRATIONS}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision a database is at (``None``: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind an engine to ``revision`` (the newest by default).

    The migration runs in one transaction that holds the database's write lock (SQLite) or an advisory lock
    (PostgreSQL), so processes that open a fresh database at the same time migrate it once: the others
    wait, then find it at the revision they wanted.
    """
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        command.upgrade(_config(connection), revision)


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate a database to the schema of this version of Assay (what ``assay db upgrade`` runs).

    Args:
        url: The database URL.
        revision: The target revision; the newest unless a test needs an older one.
    """
    engine = create_store_engine(url)
    try:
        logger.info("migrating %s to %s", redact_url(url), revision)
        upgrade_engine(engine, revision)
    finally:
        engine.dispose()


def ensure_schema(engine: Engine) -> None:
    """Create the schema of a fresh database; refuse one made by another version of Assay.

    Raises:
        SchemaOutdatedError: the database is at an older revision (run ``assay db upgrade``), at one this
            version of Assay does not know (a newer Assay made it), or holds tables but no revision.
    """
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    where = redact_url(engine.url)
    if current is None:
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        if tables:
            raise SchemaOutdatedError(
                f"the database {where} holds tables ({', '.join(sorted(tables)[:5])}) but no Assay schema "
                "revision; point ASSAY_DATABASE_URL at an empty database or one made by Assay",
                url=where,
            )
        logger.info("creating the Assay schema in %s", where)
        upgrade_engine(engine)
        return
    known = {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
    if current not in known:
        raise SchemaOutdatedError(
            f"the database {where} has schema revision {current!r}, newer than this version of Assay "
            f"knows ({head!r}); upgrade the assay package",
            url=where,
            revision=current,
            expected=head,
        )
    raise SchemaOutdatedError(
        f"the database {where} has schema revision {current!r} but this version of Assay needs {head!r}; "
        "run `assay db upgrade` to migrate it",
        url=where,
        revision=current,
        expected=head,
    )
