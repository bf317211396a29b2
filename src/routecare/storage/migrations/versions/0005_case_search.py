"""Case search and placement speed: the blind index looked up as (token, child_id); emergency
places found by a box around the child.

Revision ID: 0005_case_search
Revises: 0004_screening
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_case_search"
down_revision: str | Sequence[str] | None = "0004_screening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("child_name_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_child_name_tokens_token_child_id", ["token", "child_id"])
        batch_op.drop_index(batch_op.f("ix_child_name_tokens_token"))
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.create_index(
            "ix_services_kind_country_latitude", ["kind", "country", "latitude", "longitude"]
        )
        batch_op.drop_index("ix_services_kind_country_beds_free")


def downgrade() -> None:
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.create_index(
            "ix_services_kind_country_beds_free", ["kind", "country", "beds_free"], unique=False
        )
        batch_op.drop_index("ix_services_kind_country_latitude")
    with op.batch_alter_table("child_name_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_child_name_tokens_token"), ["token"], unique=False)
        batch_op.drop_index("ix_child_name_tokens_token_child_id")
