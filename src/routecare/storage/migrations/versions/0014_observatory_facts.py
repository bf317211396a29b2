"""Observatory: flow-monitoring counts per day, point, direction and nationality.

Revision ID: 0014_observatory_facts
Revises: 0011_match_review
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_observatory_facts"
down_revision: str | None = "0013_observatory_releases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flow_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("point", sa.String(length=80), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("admin_area", sa.String(length=20), nullable=True),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("nationality", sa.String(length=3), nullable=False),
        sa.Column("men", sa.Integer(), nullable=False),
        sa.Column("women", sa.Integer(), nullable=False),
        sa.Column("boys", sa.Integer(), nullable=False),
        sa.Column("girls", sa.Integer(), nullable=False),
        sa.Column("unaccompanied_children", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("observed_on", "point", "direction", "nationality", name="uq_flow_key"),
    )
    with op.batch_alter_table("flow_counts", schema=None) as batch_op:
        batch_op.create_index("ix_flow_counts_observed_on", ["observed_on"], unique=False)
        batch_op.create_index("ix_flow_counts_country", ["country"], unique=False)


def downgrade() -> None:
    op.drop_table("flow_counts")
