"""Where a test-case version came from in the Studio: the query it was made of and the suite version it was on.

``test_case_version.query`` holds the Studio query (a ``SampleQuery`` document) a version was made from, so the
app can show it and run it again; ``created_from`` names the suite version the query ran on. Both are NULL for
versions made any other way, which is every version that exists when this revision is applied.

Revision ID: 0004_studio_origin
Revises: 0003_web_sessions
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004_studio_origin"
down_revision = "0003_web_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column(
        "test_case_version",
        sa.Column("query", sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("test_case_version", sa.Column("created_from", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_test_case_version_created_from", "test_case_version", "test_suite_version", ["created_from"], ["id"]
        )
    else:
        # SQLite adds a nullable column with a named REFERENCES clause in place; Alembic only offers batch mode
        # for it, and rebuilding test_case_version would trip the foreign keys that point at it.
        op.execute(
            "ALTER TABLE test_case_version ADD COLUMN created_from INTEGER "
            "CONSTRAINT fk_test_case_version_created_from REFERENCES test_suite_version (id)"
        )


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("fk_test_case_version_created_from", "test_case_version", type_="foreignkey")
    # SQLite 3.35+ drops a plain column in place, as PostgreSQL does (see 0003).
    op.execute("ALTER TABLE test_case_version DROP COLUMN created_from")
    op.execute("ALTER TABLE test_case_version DROP COLUMN query")
