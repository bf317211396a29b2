"""Observatory releases: every released table (who, query, k or epsilon, when, the table as it
left) and the privacy budget each dataset has spent.

Revision ID: 0013_observatory_releases
Revises: 0011_match_review
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_observatory_releases"
down_revision: str | Sequence[str] | None = "0012_exchange"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "observatory_privacy_budgets",
        sa.Column("dataset", sa.String(length=80), nullable=False),
        sa.Column("budget", sa.Float(), nullable=False),
        sa.Column("spent", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("dataset"),
    )
    op.create_table(
        "observatory_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(length=80), nullable=False),
        sa.Column("dimensions", sa.String(length=200), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("epsilon", sa.Float(), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_by_user_id", sa.Integer(), nullable=True),
        sa.Column("released_by", sa.String(length=120), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["released_by_user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("observatory_releases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_observatory_releases_dataset"), ["dataset"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("observatory_releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observatory_releases_dataset"))
    op.drop_table("observatory_releases")
    op.drop_table("observatory_privacy_budgets")
