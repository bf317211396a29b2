"""Accounts under attack: login failures per source address, token expiry and last use,
second factors (TOTP) and recovery codes, sessions waiting for their second factor.

Revision ID: 0010_accounts
Revises: 0009_audit
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0010_accounts"
down_revision: str | Sequence[str] | None = "0009_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKEN_DAYS_FOR_EXISTING = 90


def upgrade() -> None:
    # Failures recorded before this revision have no source address; they expire within the
    # login window, so they are dropped rather than given a made-up address.
    op.execute("DELETE FROM login_failures")
    with op.batch_alter_table("login_failures") as batch:
        batch.add_column(sa.Column("source_key", sa.LargeBinary(length=32), nullable=False))
        batch.create_index(batch.f("ix_login_failures_source_key"), ["source_key"])
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    tokens = sa.table(
        "api_tokens",
        sa.column("id", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    # Tokens issued before expiry existed get the default lifetime from their creation.
    for token_id, created_at in connection.execute(sa.select(tokens.c.id, tokens.c.created_at)):
        connection.execute(
            tokens.update()
            .where(tokens.c.id == token_id)
            .values(expires_at=created_at + timedelta(days=TOKEN_DAYS_FOR_EXISTING))
        )
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("expires_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    with op.batch_alter_table("web_sessions") as batch:
        batch.add_column(sa.Column("pending", sa.String(length=10), nullable=True))
    op.create_table(
        "second_factors",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_second_factors_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_second_factors")),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    op.create_index(op.f("ix_recovery_codes_user_id"), "recovery_codes", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_recovery_codes_user_id"), table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_table("second_factors")
    with op.batch_alter_table("web_sessions") as batch:
        batch.drop_column("pending")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("last_used_at")
        batch.drop_column("expires_at")
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_index(batch.f("ix_login_failures_source_key"))
        batch.drop_column("source_key")
