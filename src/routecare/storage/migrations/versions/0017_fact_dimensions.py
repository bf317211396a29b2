"""Where a screening happened and the route the person took, as codes: the screening's
ISO 3166-2 admin-1 area, country of origin and transit countries (issue 17's missing
dimensions of the fact store).

Revision ID: 0017_fact_dimensions
Revises: 0016_user_preferences
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_fact_dimensions"
down_revision: str | Sequence[str] | None = "0016_user_preferences"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("screenings") as batch_op:
        batch_op.add_column(sa.Column("admin_area", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("country_of_origin", sa.String(length=3), nullable=True))
        batch_op.add_column(
            sa.Column("transit_countries", sa.String(length=40), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("screenings") as batch_op:
        batch_op.drop_column("transit_countries")
        batch_op.drop_column("country_of_origin")
        batch_op.drop_column("admin_area")
