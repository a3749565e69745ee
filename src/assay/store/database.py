"""The store: an engine on a migrated database and its transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError
from sqlalchemy.orm import sessionmaker

from assay._bulk import gc_paused
from assay.errors import AssayError, RemoteError
from assay.store.engine import WRITE_OPTION, create_store_engine, redact_url
from assay.store.migrate import ensure_schema
from assay.store.repository import Repository

__all__ = ["Store"]


class Store:
    """An Assay database; every use is one transaction with a :class:`Repository`.

    Args:
        engine: An engine from :func:`assay.store.engine.create_store_engine` on a migrated database.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reader = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
        self._writer = sessionmaker(
            bind=engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False, autoflush=False
        )

    @classmethod
    def open(cls, url: str) -> Store:
        """Open the database at ``url``, creating the schema in a fresh one.

        Raises:
            SchemaOutdatedError: the database needs ``assay db upgrade`` (or a newer Assay).
            InputValidationError: the URL is not a supported database URL.
        """
        engine = create_store_engine(url)
        try:
            ensure_schema(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    @property
    def url(self) -> str:
        """The database URL without its password."""
        return redact_url(self.engine.url)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Repository]:
        """A transaction that may write: committed when the block ends, rolled back when it raises."""
        try:
            with gc_paused(), self._writer() as session, session.begin():
                yield Repository(session)
        except StatementError as exc:
            translated = self._translate(exc)
            if translated is None:
                raise
            raise translated from exc

    @contextmanager
    def read(self) -> Iterator[Repository]:
        """A transaction that only reads."""
        try:
            with gc_paused(), self._reader() as session, session.begin():
                yield Repository(session)
        except StatementError as exc:
            translated = self._translate(exc)
            if translated is None:
                raise
            raise translated from exc

    def _translate(self, exc: StatementError) -> AssayError | None:
        """The Assay error for a failed statement (the transaction was rolled back); None: a bug to show."""
        if isinstance(exc.orig, AssayError):
            # Raised by the JSON codec while SQLAlchemy bound a parameter.
            return exc.orig
        if isinstance(exc, IntegrityError):
            # The checks before each write name the usual conflicts; this is the last line, for races.
            return RemoteError(
                f"the store refused the write ({type(exc.orig).__name__}); it was rolled back, nothing was "
                "written. Retry, or reload what you edited: another client may have changed it."
            )
        if isinstance(exc, OperationalError):
            # Locked too long, disk full, server gone: the database failed, not the request.
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
            return RemoteError(
                f"the database {self.url} failed ({reason}); nothing was written, retry when it is available",
                url=self.url,
            )
        return None

    def close(self) -> None:
        """Close every connection of the engine."""
        self.engine.dispose()
