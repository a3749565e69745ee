"""The tables of the Assay store, as SQLAlchemy 2 typed declarative models.

Test-case versions share their rows: a :class:`TestCaseSample` row is a member of every version ``v`` of its
test case with ``added_in <= v < removed_in`` (``removed_in`` NULL: still a member), so an edit that adds one
sample to a case of a million writes one row. Replacing a ground truth closes the old row and opens a new
one at the same ``position``.

JSON documents are ``JSONB`` on PostgreSQL (queryable with its JSON operators) and JSON text on SQLite;
both are encoded and decoded by :mod:`assay.store.codec` through the engine's JSON serializer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ApiToken",
    "Base",
    "CaseMetrics",
    "Inference",
    "JsonDocument",
    "Model",
    "NAMING_CONVENTION",
    "RunConfiguration",
    "SampleMetrics",
    "SuiteMetrics",
    "TestCase",
    "TestCaseSample",
    "TestCaseVersion",
    "TestRun",
    "TestSample",
    "TestSuite",
    "TestSuiteTestCase",
    "TestSuiteVersion",
    "SignInCode",
    "UTCDateTime",
    "WebSession",
    "Workflow",
    "utcnow",
]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}

NAME_LENGTH = 255

#: A JSON document: JSONB on PostgreSQL, JSON text on SQLite.
JsonDocument = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite keeps no zone, so it is UTC by convention)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes and store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Assay stores timezone-aware UTC datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with Assay's constraint naming convention and column type map."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JsonDocument,
        list[Any]: JsonDocument,
        str: String(NAME_LENGTH),
    }


class Workflow(Base):
    """A workflow: a name and the latest schema of its data types."""

    __tablename__ = "workflow"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    schema_: Mapped[dict[str, Any] | None] = mapped_column("schema")
    created: Mapped[datetime]


class TestSample(Base):
    """A test sample, stored once per workflow and shared by every test case that holds it."""

    __tablename__ = "test_sample"
    __table_args__ = (UniqueConstraint("workflow_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflow.id"))
    key: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]
    meta: Mapped[dict[str, Any] | None] = mapped_column("metadata")


class TestCase(Base):
    """A test case across its versions."""

    __tablename__ = "test_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflow.id"), index=True)
    name: Mapped[str] = mapped_column(unique=True)
    description: Mapped[str] = mapped_column(Text)
    next_position: Mapped[int] = mapped_column(Integer)
    created: Mapped[datetime]


class TestCaseVersion(Base):
    """One immutable version of a test case."""

    __tablename__ = "test_case_version"
    __table_args__ = (UniqueConstraint("test_case_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_case_id: Mapped[int] = mapped_column(ForeignKey("test_case.id"))
    version: Mapped[int]
    n_samples: Mapped[int]
    created: Mapped[datetime]
    #: The Studio query the version was made from (a ``SampleQuery`` document); NULL when made otherwise.
    query: Mapped[dict[str, Any] | None]
    #: The suite version that query ran on.
    created_from: Mapped[int | None] = mapped_column(ForeignKey("test_suite_version.id"))


class TestCaseSample(Base):
    """Membership of a sample, with its ground truth, in the versions ``added_in <= v < removed_in``."""

    __tablename__ = "test_case_sample"
    __table_args__ = (
        Index("ix_test_case_sample_test_case_id_position", "test_case_id", "position"),
        Index(
            "uq_test_case_sample_open",
            "test_case_id",
            "test_sample_id",
            unique=True,
            sqlite_where=text("removed_in IS NULL"),
            postgresql_where=text("removed_in IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    test_case_id: Mapped[int] = mapped_column(ForeignKey("test_case.id"))
    test_sample_id: Mapped[int] = mapped_column(ForeignKey("test_sample.id"), index=True)
    ground_truth: Mapped[dict[str, Any] | None]
    position: Mapped[int]
    added_in: Mapped[int]
    removed_in: Mapped[int | None]


class TestSuite(Base):
    """A test suite across its versions; description and tags are shared by all versions."""

    __tablename__ = "test_suite"

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflow.id"), index=True)
    name: Mapped[str] = mapped_column(unique=True)
    description: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[Any]]
    created: Mapped[datetime]


class TestSuiteVersion(Base):
    """One immutable version of a test suite."""

    __tablename__ = "test_suite_version"
    __table_args__ = (UniqueConstraint("test_suite_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_suite_id: Mapped[int] = mapped_column(ForeignKey("test_suite.id"))
    version: Mapped[int]
    created: Mapped[datetime]
    #: Distinct samples over the version's test cases, counted when the version is made.
    n_samples: Mapped[int] = mapped_column(server_default=text("0"))


class TestSuiteTestCase(Base):
    """The ordered test-case versions of a test-suite version."""

    __tablename__ = "test_suite_test_case"

    test_suite_version_id: Mapped[int] = mapped_column(ForeignKey("test_suite_version.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    test_case_version_id: Mapped[int] = mapped_column(ForeignKey("test_case_version.id"), index=True)


class Model(Base):
    """A model: only its metadata and inferences are stored."""

    __tablename__ = "model"

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflow.id"), index=True)
    name: Mapped[str] = mapped_column(unique=True)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata")
    tags: Mapped[list[Any]]
    created: Mapped[datetime]


class Inference(Base):
    """The inference of a model on a test sample, independent of test cases and suites."""

    __tablename__ = "inference"
    __table_args__ = (UniqueConstraint("model_id", "test_sample_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("model.id"))
    test_sample_id: Mapped[int] = mapped_column(ForeignKey("test_sample.id"), index=True)
    data: Mapped[dict[str, Any]]


class TestRun(Base):
    """The test of a model on a test-suite version with one evaluator (``""``: none named)."""

    __tablename__ = "test_run"
    __table_args__ = (UniqueConstraint("model_id", "test_suite_version_id", "evaluator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("model.id"))
    test_suite_version_id: Mapped[int] = mapped_column(ForeignKey("test_suite_version.id"), index=True)
    evaluator: Mapped[str]
    status: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime]
    updated: Mapped[datetime]


class RunConfiguration(Base):
    """An evaluator configuration of a test run (``display_name`` ``""``: the run is unconfigured)."""

    __tablename__ = "run_configuration"
    __table_args__ = (UniqueConstraint("test_run_id", "display_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_run_id: Mapped[int] = mapped_column(ForeignKey("test_run.id"))
    display_name: Mapped[str]
    data: Mapped[dict[str, Any] | None]


class SampleMetrics(Base):
    """Metrics of one sample in one scope: a test-case version, or ``scope`` 0 for the whole suite."""

    __tablename__ = "sample_metrics"
    __table_args__ = (UniqueConstraint("configuration_id", "scope", "test_sample_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_run_id: Mapped[int] = mapped_column(ForeignKey("test_run.id"), index=True)
    configuration_id: Mapped[int] = mapped_column(ForeignKey("run_configuration.id"))
    scope: Mapped[int]
    test_case_version_id: Mapped[int | None] = mapped_column(ForeignKey("test_case_version.id"))
    test_sample_id: Mapped[int] = mapped_column(ForeignKey("test_sample.id"))
    data: Mapped[dict[str, Any]]


class CaseMetrics(Base):
    """Metrics and plots of one test-case version in one configuration of a run."""

    __tablename__ = "case_metrics"
    __table_args__ = (UniqueConstraint("configuration_id", "test_case_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_run_id: Mapped[int] = mapped_column(ForeignKey("test_run.id"), index=True)
    configuration_id: Mapped[int] = mapped_column(ForeignKey("run_configuration.id"))
    test_case_version_id: Mapped[int] = mapped_column(ForeignKey("test_case_version.id"))
    data: Mapped[dict[str, Any] | None]
    plots: Mapped[list[Any] | None]


class SuiteMetrics(Base):
    """The suite metrics of one configuration of a run; its presence marks the configuration complete."""

    __tablename__ = "suite_metrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    test_run_id: Mapped[int] = mapped_column(ForeignKey("test_run.id"), index=True)
    configuration_id: Mapped[int] = mapped_column(ForeignKey("run_configuration.id"), unique=True)
    data: Mapped[dict[str, Any] | None]
    completed_at: Mapped[datetime]


class ApiToken(Base):
    """An API token: a name, a display prefix and the SHA-256 of the secret, never the secret."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    prefix: Mapped[str] = mapped_column(String(16))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[datetime]
    revoked: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser session: the SHA-256 of its cookie's secret, never the secret.

    ``token_id`` is the API token it was opened with (revoking the token ends the session), or NULL for a
    session opened with a one-time sign-in code of ``assay server``; ``name`` says which, for display.
    """

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id"), index=True)
    name: Mapped[str]
    created: Mapped[datetime]
    expires: Mapped[datetime]
    revoked: Mapped[datetime | None]


class SignInCode(Base):
    """A one-time sign-in code printed by ``assay server``: its SHA-256, until it expires or is used."""

    __tablename__ = "sign_in_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[datetime]
    expires: Mapped[datetime]
    used: Mapped[datetime | None]
