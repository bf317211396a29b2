"""The linkage secret agreed with each exchange partner, for match notices over the channel
(encrypted under a key-store data key).

Revision ID: 0018_exchange_notices
Revises: 0017_fact_dimensions
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_exchange_notices"
down_revision: str | Sequence[str] | None = "0017_fact_dimensions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_linkage_secrets",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["exchange_partners.id"],
            name=op.f("fk_exchange_linkage_secrets_partner_id_exchange_partners"),
        ),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_exchange_linkage_secrets")),
    )


def downgrade() -> None:
    op.drop_table("exchange_linkage_secrets")
