"""Database URLs and engines: the embedded SQLite default, PostgreSQL by URL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from assay.errors import InputValidationError
from assay.store import codec

__all__ = [
    "WRITE_OPTION",
    "assay_home",
    "create_store_engine",
    "default_database_url",
    "redact_url",
]

#: Execution option that makes a SQLite transaction take the write lock when it begins.
WRITE_OPTION = "assay_write"

_SQLITE_BUSY_TIMEOUT_MS = 30_000


def assay_home() -> Path:
    """The folder of the embedded store: ``$ASSAY_HOME``, else ``~/.assay``; created if missing."""
    home = Path(os.environ.get("ASSAY_HOME") or Path.home() / ".assay").expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def default_database_url() -> str:
    """The database Assay uses when none is named.

    Returns:
        ``$ASSAY_DATABASE_URL`` if set, else the SQLite file ``assay.db`` in :func:`assay_home`.
    """
    configured = os.environ.get("ASSAY_DATABASE_URL")
    if configured:
        return configured
    return f"sqlite:///{assay_home() / 'assay.db'}"


def redact_url(url: str | URL) -> str:
    """A database URL fit for logs and messages: the password is replaced by ``***``.

    Args:
        url: A SQLAlchemy database URL.

    Returns:
        The URL as text without its password; text that is not a URL is returned with everything between
        ``://`` and ``@`` hidden.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        text = str(url)
        scheme, sep, rest = text.partition("://")
        if sep and "@" in rest:
            return f"{scheme}://***@{rest.rpartition('@')[2]}"
        return text
    return parsed.render_as_string(hide_password=True)


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise InputValidationError(
            f"database URL {redact_url(url)!r} is not a valid SQLAlchemy URL "
            "(for example sqlite:///path/assay.db or postgresql+psycopg://user@host/db)",
            url=redact_url(url),
        ) from exc


def _set_sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # The driver's own transaction handling would begin transactions lazily and never BEGIN IMMEDIATE;
    # we emit BEGIN ourselves in the "begin" event below.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Before WAL: the page size of a new database can only be set while it is empty. Samples and ground
    # truths are kilobytes of JSON each, and larger pages cut the B-tree work of bulk inserts.
    cursor.execute("PRAGMA page_size=16384")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
    # With WAL, NORMAL keeps the database consistent after a crash and only risks the last commits on power
    # loss, which is the usual trade for an embedded store.
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 64 MB of page cache (grown only as used): a bulk ingest would otherwise spill dirty pages mid-transaction.
    cursor.execute("PRAGMA cache_size=-65536")
    # ANALYZE after a bulk insert reads a sample of each index, not the whole table (a million-row table
    # would otherwise cost seconds per ingest).
    cursor.execute("PRAGMA analysis_limit=1000")
    cursor.close()


def _begin_sqlite(conn: Any) -> None:
    # A writing transaction takes the lock up front: a deferred one that reads first and writes later can
    # fail with SQLITE_BUSY when another writer got in between, whatever the busy timeout.
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_store_engine(url: str) -> Engine:
    """An engine for an Assay database, set up for the store's JSON codec and the database's quirks.

    Args:
        url: A SQLAlchemy URL; ``sqlite:///...`` and ``postgresql+psycopg://...`` are supported.

    Returns:
        The engine.

    Raises:
        InputValidationError: the URL cannot be parsed or names an unsupported database.
    """
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    common: dict[str, Any] = {"json_serializer": codec.dumps, "json_deserializer": codec.loads}
    if backend == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise InputValidationError(
                f"database URL {redact_url(url)!r}: Assay needs a SQLite file, not an in-memory database",
                url=redact_url(url),
            )
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # One connection per use: SQLite connections are cheap and this keeps file locks short-lived.
        engine = create_engine(parsed, poolclass=NullPool, **common)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    if backend == "postgresql":
        # psycopg prepares a statement run five times; the generic plan of a bulk lookup prepared while a
        # table is still small scans it sequentially ever after, which made ingest quadratic.
        return create_engine(parsed, pool_pre_ping=True, connect_args={"prepare_threshold": None}, **common)
    raise InputValidationError(
        f"database URL {redact_url(url)!r}: unsupported database {backend!r}; use sqlite or postgresql",
        url=redact_url(url),
    )
