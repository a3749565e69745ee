"""Browser sessions of the web app and the one-time sign-in codes that ``assay server`` prints.

Sessions live in the database, not in a server's memory, so that every replica behind a load balancer knows
them. Only hashes of their secrets are stored.

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


def upgrade() -> None:
    """Apply this revision."""
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
