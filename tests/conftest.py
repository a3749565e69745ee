"""Database fixtures shared by every test: a fresh database per test, on SQLite and on a real PostgreSQL.

``database_url`` is parametrised over ``sqlite`` (a file in the test's tmp_path) and ``postgres`` (marked
``postgres``). The PostgreSQL 15 server is started once per test session by these fixtures, from the
``initdb`` and ``pg_ctl`` binaries of the machine (as the ``postgres`` user when the tests run as root), on
127.0.0.1 and a free port, with fsync off; it is stopped when the session ends. Each test gets its own
database, cloned from a template that already holds the migrated schema. When the binaries are missing, the
PostgreSQL tests fail and say what to install: they are never skipped.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from assay.service import Service
from assay.store import upgrade

PG_BIN = Path("/usr/lib/postgresql/15/bin")
INSTALL_HINT = (
    "the PostgreSQL tests need the PostgreSQL 15 server binaries (initdb, pg_ctl): "
    "install them with `apt-get install postgresql-15`"
)


def pytest_configure(config: pytest.Config) -> None:
    # No test may read or write the user's own store (~/.assay): anything that falls back to the default
    # home gets a fresh one of this run's. Tests that need a home of their own still set ASSAY_HOME.
    if "ASSAY_HOME" not in os.environ:
        os.environ["ASSAY_HOME"] = tempfile.mkdtemp(prefix="assay-test-home-")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _binary(name: str) -> str:
    found = shutil.which(name) or (str(PG_BIN / name) if (PG_BIN / name).exists() else None)
    if found is None:
        pytest.fail(f"{name} not found on PATH or in {PG_BIN}; {INSTALL_HINT}", pytrace=False)
    return found


class PostgresServer:
    """A throwaway PostgreSQL server in a temporary folder."""

    def __init__(self) -> None:
        self.initdb = _binary("initdb")
        self.pg_ctl = _binary("pg_ctl")
        self.root = Path(tempfile.mkdtemp(prefix="assay-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        # initdb refuses to run as root, so the server runs as the postgres user, which must own the folder.
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._names = itertools.count()

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self.as_user, *args], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            pytest.fail(
                f"{' '.join(args[:2])} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n{tail}",
                pytrace=False,
            )

    def start(self) -> None:
        """Create the cluster and start the server; returns when it accepts connections."""
        self._run(self.initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-c port={self.port}",
                f"-c unix_socket_directories={self.root}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        self._run(
            self.pg_ctl,
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        """Stop the server and remove its files."""
        subprocess.run(
            [*self.as_user, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, template: str | None = None) -> str:
        """Create a new database (a copy of ``template`` when given); returns its name."""
        name = f"assay_test_{next(self._names)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server, with a migrated template database ``assay_template``."""
    server = PostgresServer()
    try:
        server.start()
        with psycopg.connect(
            f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute('CREATE DATABASE "assay_template"')
        upgrade(server.url("assay_template"))
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_kind(request: pytest.FixtureRequest) -> str:
    """The kind of database a test runs on."""
    return str(request.param)


@pytest.fixture
def database_url(database_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of a fresh Assay database of this test alone."""
    if database_kind == "sqlite":
        return f"sqlite:///{tmp_path / 'assay.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.url(server.create_database(template="assay_template"))


@pytest.fixture
def empty_database_url(database_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of an empty database, not even migrated."""
    if database_kind == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.url(server.create_database())


@pytest.fixture
def service(database_url: str) -> Iterator[Service]:
    """A service on the test's fresh database."""
    opened = Service.from_url(database_url)
    yield opened
    opened.close()
