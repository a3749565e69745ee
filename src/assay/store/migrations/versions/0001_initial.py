"""Initial schema: workflows, samples, versioned test cases and suites, models, inferences, runs, metrics.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

NAME = sa.String(255)


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "workflow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("schema", _json(), nullable=True),
        sa.Column("created", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_workflow"),
        sa.UniqueConstraint("name", name="uq_workflow_name"),
    )
    op.create_table(
        "test_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("data", _json(), nullable=False),
        sa.Column("metadata", _json(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_test_sample"),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], name="fk_test_sample_workflow_id"),
        sa.UniqueConstraint("workflow_id", "key", name="uq_test_sample_workflow_id_key"),
    )
    op.create_table(
        "test_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("next_position", sa.Integer(), nullable=False),
        sa.Column("created", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_test_case"),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], name="fk_test_case_workflow_id"),
        sa.UniqueConstraint("name", name="uq_test_case_name"),
    )
    op.create_index("ix_test_case_workflow_id", "test_case", ["workflow_id"])
    op.create_table(
        "test_case_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_case_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("n_samples", sa.Integer(), nullable=False),
        sa.Column("created", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_test_case_version"),
        sa.ForeignKeyConstraint(["test_case_id"], ["test_case.id"], name="fk_test_case_version_test_case_id"),
        sa.UniqueConstraint("test_case_id", "version", name="uq_test_case_version_test_case_id_version"),
    )
    op.create_table(
        "test_case_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_case_id", sa.Integer(), nullable=False),
        sa.Column("test_sample_id", sa.Integer(), nullable=False),
        sa.Column("ground_truth", _json(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_in", sa.Integer(), nullable=False),
        sa.Column("removed_in", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_test_case_sample"),
        sa.ForeignKeyConstraint(["test_case_id"], ["test_case.id"], name="fk_test_case_sample_test_case_id"),
        sa.ForeignKeyConstraint(["test_sample_id"], ["test_sample.id"], name="fk_test_case_sample_test_sample_id"),
    )
    op.create_index("ix_test_case_sample_test_case_id_position", "test_case_sample", ["test_case_id", "position"])
    op.create_index("ix_test_case_sample_test_sample_id", "test_case_sample", ["test_sample_id"])
    # At most one open membership per sample and case: what "the current ground truth" relies on.
    op.create_index(
        "uq_test_case_sample_open",
        "test_case_sample",
        ["test_case_id", "test_sample_id"],
        unique=True,
        sqlite_where=sa.text("removed_in IS NULL"),
        postgresql_where=sa.text("removed_in IS NULL"),
    )
    op.create_table(
        "test_suite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", _json(), nullable=False),
        sa.Column("created", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_test_suite"),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], name="fk_test_suite_workflow_id"),
        sa.UniqueConstraint("name", name="uq_test_suite_name"),
    )
    op.create_index("ix_test_suite_workflow_id", "test_suite", ["workflow_id"])
    op.create_table(
        "test_suite_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_suite_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_test_suite_version"),
        sa.ForeignKeyConstraint(["test_suite_id"], ["test_suite.id"], name="fk_test_suite_version_test_suite_id"),
        sa.UniqueConstraint("test_suite_id", "version", name="uq_test_suite_version_test_suite_id_version"),
    )
    op.create_table(
        "test_suite_test_case",
        sa.Column("test_suite_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("test_case_version_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("test_suite_version_id", "position", name="pk_test_suite_test_case"),
        sa.ForeignKeyConstraint(
            ["test_suite_version_id"],
            ["test_suite_version.id"],
            name="fk_test_suite_test_case_test_suite_version_id",
        ),
        sa.ForeignKeyConstraint(
            ["test_case_version_id"],
            ["test_case_version.id"],
            name="fk_test_suite_test_case_test_case_version_id",
        ),
    )
    op.create_index("ix_test_suite_test_case_test_case_version_id", "test_suite_test_case", ["test_case_version_id"])
    op.create_table(
        "model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("metadata", _json(), nullable=False),
        sa.Column("tags", _json(), nullable=False),
        sa.Column("created", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_model"),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflow.id"], name="fk_model_workflow_id"),
        sa.UniqueConstraint("name", name="uq_model_name"),
    )
    op.create_index("ix_model_workflow_id", "model", ["workflow_id"])
    op.create_table(
        "inference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("test_sample_id", sa.Integer(), nullable=False),
        sa.Column("data", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inference"),
        sa.ForeignKeyConstraint(["model_id"], ["model.id"], name="fk_inference_model_id"),
        sa.ForeignKeyConstraint(["test_sample_id"], ["test_sample.id"], name="fk_inference_test_sample_id"),
        sa.UniqueConstraint("model_id", "test_sample_id", name="uq_inference_model_id_test_sample_id"),
    )
    op.create_index("ix_inference_test_sample_id", "inference", ["test_sample_id"])
    op.create_table(
        "test_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("test_suite_version_id", sa.Integer(), nullable=False),
        sa.Column("evaluator", NAME, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created", _when(), nullable=False),
        sa.Column("updated", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_test_run"),
        sa.ForeignKeyConstraint(["model_id"], ["model.id"], name="fk_test_run_model_id"),
        sa.ForeignKeyConstraint(
            ["test_suite_version_id"],
            ["test_suite_version.id"],
            name="fk_test_run_test_suite_version_id",
        ),
        sa.UniqueConstraint(
            "model_id",
            "test_suite_version_id",
            "evaluator",
            name="uq_test_run_model_id_test_suite_version_id_evaluator",
        ),
    )
    op.create_index("ix_test_run_test_suite_version_id", "test_run", ["test_suite_version_id"])
    op.create_table(
        "run_configuration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_run_id", sa.Integer(), nullable=False),
        sa.Column("display_name", NAME, nullable=False),
        sa.Column("data", _json(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_run_configuration"),
        sa.ForeignKeyConstraint(["test_run_id"], ["test_run.id"], name="fk_run_configuration_test_run_id"),
        sa.UniqueConstraint("test_run_id", "display_name", name="uq_run_configuration_test_run_id_display_name"),
    )
    op.create_table(
        "sample_metrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_run_id", sa.Integer(), nullable=False),
        sa.Column("configuration_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("test_case_version_id", sa.Integer(), nullable=True),
        sa.Column("test_sample_id", sa.Integer(), nullable=False),
        sa.Column("data", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sample_metrics"),
        sa.ForeignKeyConstraint(["test_run_id"], ["test_run.id"], name="fk_sample_metrics_test_run_id"),
        sa.ForeignKeyConstraint(
            ["configuration_id"],
            ["run_configuration.id"],
            name="fk_sample_metrics_configuration_id",
        ),
        sa.ForeignKeyConstraint(
            ["test_case_version_id"],
            ["test_case_version.id"],
            name="fk_sample_metrics_test_case_version_id",
        ),
        sa.ForeignKeyConstraint(["test_sample_id"], ["test_sample.id"], name="fk_sample_metrics_test_sample_id"),
        sa.UniqueConstraint(
            "configuration_id",
            "scope",
            "test_sample_id",
            name="uq_sample_metrics_configuration_id_scope_test_sample_id",
        ),
    )
    op.create_index("ix_sample_metrics_test_run_id", "sample_metrics", ["test_run_id"])
    op.create_table(
        "case_metrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_run_id", sa.Integer(), nullable=False),
        sa.Column("configuration_id", sa.Integer(), nullable=False),
        sa.Column("test_case_version_id", sa.Integer(), nullable=False),
        sa.Column("data", _json(), nullable=True),
        sa.Column("plots", _json(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_case_metrics"),
        sa.ForeignKeyConstraint(["test_run_id"], ["test_run.id"], name="fk_case_metrics_test_run_id"),
        sa.ForeignKeyConstraint(
            ["configuration_id"],
            ["run_configuration.id"],
            name="fk_case_metrics_configuration_id",
        ),
        sa.ForeignKeyConstraint(
            ["test_case_version_id"],
            ["test_case_version.id"],
            name="fk_case_metrics_test_case_version_id",
        ),
        sa.UniqueConstraint(
            "configuration_id",
            "test_case_version_id",
            name="uq_case_metrics_configuration_id_test_case_version_id",
        ),
    )
    op.create_index("ix_case_metrics_test_run_id", "case_metrics", ["test_run_id"])
    op.create_table(
        "suite_metrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_run_id", sa.Integer(), nullable=False),
        sa.Column("configuration_id", sa.Integer(), nullable=False),
        sa.Column("data", _json(), nullable=True),
        sa.Column("completed_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_suite_metrics"),
        sa.ForeignKeyConstraint(["test_run_id"], ["test_run.id"], name="fk_suite_metrics_test_run_id"),
        sa.ForeignKeyConstraint(
            ["configuration_id"],
            ["run_configuration.id"],
            name="fk_suite_metrics_configuration_id",
        ),
        sa.UniqueConstraint("configuration_id", name="uq_suite_metrics_configuration_id"),
    )
    op.create_index("ix_suite_metrics_test_run_id", "suite_metrics", ["test_run_id"])


def downgrade() -> None:
    """Revert this revision."""
    for table in (
        "suite_metrics",
        "case_metrics",
        "sample_metrics",
        "run_configuration",
        "test_run",
        "inference",
        "model",
        "test_suite_test_case",
        "test_suite_version",
        "test_suite",
        "test_case_sample",
        "test_case_version",
        "test_case",
        "test_sample",
        "workflow",
    ):
        op.drop_table(table)
