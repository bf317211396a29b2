"""Transnational exchange: this deployment's JOSE key pairs (private halves encrypted under the
key store), partner registry, consented fields per cross-border consent, packages sent and
received.

Revision ID: 0012_exchange
Revises: 0011_match_review
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_exchange"
down_revision: str | Sequence[str] | None = "0011_match_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_keys",
        sa.Column("kid", sa.String(length=40), nullable=False),
        sa.Column("use", sa.String(length=3), nullable=False),
        sa.Column("public_jwk", sa.Text(), nullable=False),
        sa.Column("private_jwk", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid"),
    )
    op.create_table(
        "exchange_partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("jwks", sa.Text(), nullable=False),
        sa.Column("base_url", sa.String(length=300), nullable=True),
        sa.Column("purposes", sa.Text(), nullable=False),
        sa.Column("agreement", sa.String(length=200), nullable=False),
        sa.Column("dpia", sa.String(length=200), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "exchange_consent_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["consent_id"], ["case_consents.id"]),
        sa.ForeignKeyConstraint(["partner_id"], ["exchange_partners.id"]),
        sa.ForeignKeyConstraint(["recorded_by_user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_exchange_consent_fields_consent_id", "exchange_consent_fields", ["consent_id"]
    )
    op.create_table(
        "exchange_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("schema_version", sa.String(length=10), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("partner_case", sa.String(length=40), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("receipt", sa.Text(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("token", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["partner_id"], ["exchange_partners.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("direction", "package_id"),
    )
    op.create_index("ix_exchange_packages_partner_id", "exchange_packages", ["partner_id"])
    op.create_table(
        "exchange_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.String(length=36), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["exchange_partners.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("package_id"),
    )
    op.create_index("ix_exchange_outbox_partner_id", "exchange_outbox", ["partner_id"])
    op.create_index("ix_exchange_outbox_status", "exchange_outbox", ["status"])


def downgrade() -> None:
    op.drop_index("ix_exchange_outbox_status", table_name="exchange_outbox")
    op.drop_index("ix_exchange_outbox_partner_id", table_name="exchange_outbox")
    op.drop_table("exchange_outbox")
    op.drop_index("ix_exchange_packages_partner_id", table_name="exchange_packages")
    op.drop_table("exchange_packages")
    op.drop_index("ix_exchange_consent_fields_consent_id", table_name="exchange_consent_fields")
    op.drop_table("exchange_consent_fields")
    op.drop_table("exchange_partners")
    op.drop_table("exchange_keys")
