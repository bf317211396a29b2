"""Audit subjects: which children each audit entry touched or showed (issue 19, point 5).

Revision ID: 0009_audit
Revises: 0008_placement_privacy
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_audit"
down_revision: str | Sequence[str] | None = "0008_placement_privacy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_subjects",
        sa.Column("child_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("child_id", "entry_id", name=op.f("pk_audit_subjects")),
    )


def downgrade() -> None:
    op.drop_table("audit_subjects")
