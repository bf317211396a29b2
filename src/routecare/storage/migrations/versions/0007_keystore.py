"""Data keys leave the main database for the key store; the database keeps a key check value.

The wrapped keys of children and screenings are dropped, not moved: a migration has no key
store to move them to, and no deployment has been released with them (a development database
made before this revision loses its identities; seed it again).

Revision ID: 0007_keystore
Revises: 0006_linkage
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_keystore"
down_revision: str | Sequence[str] | None = "0006_linkage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "key_check",
        sa.Column("deployment_id", sa.String(length=32), nullable=False),
        sa.Column("check_value", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("deployment_id", name=op.f("pk_key_check")),
    )
    for table in ("children", "screenings"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("wrapped_key")
            batch_op.drop_column("key_id")


def downgrade() -> None:
    for table in ("screenings", "children"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("key_id", sa.String(length=16), nullable=False, server_default="")
            )
            batch_op.add_column(sa.Column("wrapped_key", sa.LargeBinary(), nullable=True))
    op.drop_table("key_check")
