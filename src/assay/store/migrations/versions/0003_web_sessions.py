"""Browser sessions of the web app, the one-time sign-in codes of ``assay server``, suite sample counts.

Sessions live in the database, not in a server's memory, so that every replica behind a load balancer knows
them. Only hashes of their secrets are stored.

``test_suite_version.n_samples`` holds the distinct samples of a suite version over its test cases: a version
never changes, so the count is made once, when the version is (and here for the versions that exist), and
the web app's views read it instead of counting 100,000 samples on every page.

Revision ID: 0003_web_sessions
Revises: 0002_api_tokens
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_web_sessions"
down_revision = "0002_api_tokens"
branch_labels = None
depends_on = None


_COUNT_SAMPLES = """
UPDATE test_suite_version SET n_samples = (
    SELECT COUNT(DISTINCT m.test_sample_id)
    FROM test_suite_test_case stc
    JOIN test_case_version tcv ON tcv.id = stc.test_case_version_id
    JOIN test_case_sample m ON m.test_case_id = tcv.test_case_id
    WHERE stc.test_suite_version_id = test_suite_version.id
      AND m.added_in <= tcv.version AND (m.removed_in IS NULL OR m.removed_in > tcv.version)
)
"""


def upgrade() -> None:
    """Apply this revision."""
    op.add_column(
        "test_suite_version", sa.Column("n_samples", sa.Integer(), nullable=False, server_default=sa.text("0"))
    )
    op.execute(_COUNT_SAMPLES)
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["token_id"], ["api_token.id"], name="fk_web_session_token_id"),
        sa.PrimaryKeyConstraint("id", name="pk_web_session"),
        sa.UniqueConstraint("hash", name="uq_web_session_hash"),
    )
    op.create_index("ix_web_session_token_id", "web_session", ["token_id"])
    op.create_table(
        "sign_in_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_code"),
        sa.UniqueConstraint("hash", name="uq_sign_in_code_hash"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("sign_in_code")
    op.drop_index("ix_web_session_token_id", table_name="web_session")
    op.drop_table("web_session")
    # Not batch mode: copying a table that others reference trips SQLite's foreign keys; SQLite 3.35+ drops a
    # plain column in place, as PostgreSQL does.
    op.execute("ALTER TABLE test_suite_version DROP COLUMN n_samples")
