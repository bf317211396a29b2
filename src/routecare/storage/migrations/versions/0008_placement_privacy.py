"""Placement requests keep their profile and exact place encrypted; erasure may empty a screening.

A migration has no keyring and cannot encrypt, so requests made before this revision lose their
clear profile and place: they keep their ids, status and dates (a coordinator re-enters an open
one). Screenings' answers become nullable so erasing the screened child can remove them.

Revision ID: 0008_placement_privacy
Revises: 0006_linkage
Create Date: 2026-12-06
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_placement_privacy"
down_revision: str | Sequence[str] | None = "0007_keystore"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLEAR_COLUMNS = ("latitude", "longitude", "age", "sex", "needs", "language")


def upgrade() -> None:
    with op.batch_alter_table("placement_requests") as batch_op:
        batch_op.add_column(sa.Column("uid", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("profile", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("location", sa.LargeBinary(), nullable=True))
    requests = sa.table("placement_requests", sa.column("id", sa.Integer), sa.column("uid"))
    connection = op.get_bind()
    for (request_id,) in connection.execute(sa.select(requests.c.id)).all():
        connection.execute(
            requests.update().where(requests.c.id == request_id).values(uid=uuid.uuid4().hex)
        )
    with op.batch_alter_table("placement_requests") as batch_op:
        batch_op.alter_column("uid", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_placement_requests_uid"), ["uid"])
        for column in CLEAR_COLUMNS:
            batch_op.drop_column(column)
    with op.batch_alter_table("screenings") as batch_op:
        batch_op.alter_column("answers", existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    screenings = sa.table("screenings", sa.column("answers", sa.LargeBinary))
    op.execute(screenings.update().where(screenings.c.answers.is_(None)).values(answers=b""))
    with op.batch_alter_table("screenings") as batch_op:
        batch_op.alter_column("answers", existing_type=sa.LargeBinary(), nullable=False)
    with op.batch_alter_table("placement_requests") as batch_op:
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("age", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("sex", sa.String(length=10), nullable=False, server_default="unknown")
        )
        batch_op.add_column(
            sa.Column("needs", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("language", sa.String(length=3), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_placement_requests_uid"), type_="unique")
        for column in ("uid", "profile", "location"):
            batch_op.drop_column(column)
