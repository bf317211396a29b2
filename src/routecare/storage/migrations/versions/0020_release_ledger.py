"""One release ledger for every release: the kind of release (a cross-tab of the fact store,
identification rates, a facts file, synthetic people), the query that made it and the form it
left in, so the API's and the pages' tables are recorded and replayable like the CLI's.

Revision ID: 0020_release_ledger
Revises: 0018_exchange_notices
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_release_ledger"
down_revision: str | Sequence[str] | None = "0018_exchange_notices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Releases before this revision all came from facts files through the CLI, as CSV.
    with op.batch_alter_table("observatory_releases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="facts_file")
        )
        batch_op.add_column(sa.Column("query", sa.Text(), nullable=False, server_default="{}"))
        batch_op.add_column(
            sa.Column("released_as", sa.String(length=20), nullable=False, server_default="csv")
        )


def downgrade() -> None:
    with op.batch_alter_table("observatory_releases", schema=None) as batch_op:
        batch_op.drop_column("released_as")
        batch_op.drop_column("query")
        batch_op.drop_column("kind")
