"""Linkage in the product: stored encodings, case workers' match decisions, match notices.

Revision ID: 0006_linkage
Revises: 0005_case_search
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_linkage"
down_revision: str | Sequence[str] | None = "0005_case_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "child_encodings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("linkage_id", sa.String(length=32), nullable=False),
        sa.Column("encoding", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_child_encodings_child_id_children")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_encodings")),
        sa.UniqueConstraint("child_id", name=op.f("uq_child_encodings_child_id")),
        sa.UniqueConstraint("linkage_id", name=op.f("uq_child_encodings_linkage_id")),
    )
    op.create_table(
        "linkage_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("other_child_id", sa.Integer(), nullable=False),
        sa.Column("same_child", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_linkage_decisions_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["users.id"],
            name=op.f("fk_linkage_decisions_decided_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["other_child_id"],
            ["children.id"],
            name=op.f("fk_linkage_decisions_other_child_id_children"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_decisions")),
        sa.UniqueConstraint(
            "child_id", "other_child_id", name=op.f("uq_linkage_decisions_child_id")
        ),
    )
    with op.batch_alter_table("linkage_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_linkage_decisions_child_id"), ["child_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_linkage_decisions_other_child_id"), ["other_child_id"], unique=False
        )

    op.create_table(
        "match_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("partner", sa.String(length=200), nullable=False),
        sa.Column("partner_record_id", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_match_notices_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_user_id"],
            ["users.id"],
            name=op.f("fk_match_notices_reviewed_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_notices")),
        sa.UniqueConstraint(
            "child_id", "partner", "partner_record_id", name=op.f("uq_match_notices_child_id")
        ),
    )
    with op.batch_alter_table("match_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_notices_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_notices_country"), ["country"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("match_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_notices_country"))
        batch_op.drop_index(batch_op.f("ix_match_notices_child_id"))

    op.drop_table("match_notices")
    with op.batch_alter_table("linkage_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_linkage_decisions_other_child_id"))
        batch_op.drop_index(batch_op.f("ix_linkage_decisions_child_id"))

    op.drop_table("linkage_decisions")
    op.drop_table("child_encodings")
