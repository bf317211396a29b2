"""Corrections of a child's sex, nationality and age, with who, when and why; the author of a
case's care plan (four eyes: the author does not approve it).

Revision ID: 0015_field_records
Revises: 0011_match_review
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_field_records"
down_revision: str | Sequence[str] | None = "0014_observatory_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "child_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("old_value", sa.String(length=10), nullable=True),
        sa.Column("new_value", sa.String(length=10), nullable=True),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("corrected_by_user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_child_corrections_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["corrected_by_user_id"],
            ["users.id"],
            name=op.f("fk_child_corrections_corrected_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_corrections")),
    )
    op.create_index(
        op.f("ix_child_corrections_child_id"), "child_corrections", ["child_id"], unique=False
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("care_plan_author_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_care_plan_author_user_id_users"),
            "users",
            ["care_plan_author_user_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_cases_care_plan_author_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("care_plan_author_user_id")
    op.drop_index(op.f("ix_child_corrections_child_id"), table_name="child_corrections")
    op.drop_table("child_corrections")
