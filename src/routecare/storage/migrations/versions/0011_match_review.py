"""Possible matches sent to the national coordinator for review: the coordinator's verdict
(same child or not) on a match notice.

Revision ID: 0011_match_review
Revises: 0010_accounts
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_match_review"
down_revision: str | Sequence[str] | None = "0010_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("match_notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("same_child", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("match_notices", schema=None) as batch_op:
        batch_op.drop_column("same_child")
