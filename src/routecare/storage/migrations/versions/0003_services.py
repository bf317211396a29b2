"""services: directory, placement requests, bed reservations, referrals

Revision ID: 0003_services
Revises: 0002_cases
Create Date: 2026-11-25 07:44:13.150568
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_services"
down_revision: str | Sequence[str] | None = "0002_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The cases work list's order (found by bench/load): newest first without a full sort.
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_opened_at_id", ["opened_at", "id"], unique=False)
    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("admin_area_pcode", sa.String(length=20), nullable=True),
        sa.Column("admin_area_name", sa.String(length=120), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=False),
        sa.Column("max_age", sa.Integer(), nullable=False),
        sa.Column("sexes", sa.String(length=40), nullable=False),
        sa.Column("accepts_unaccompanied", sa.Boolean(), nullable=False),
        sa.Column("victims_of_trafficking_only", sa.Boolean(), nullable=False),
        sa.Column("languages", sa.String(length=200), nullable=False),
        sa.Column("needs_supported", sa.String(length=300), nullable=False),
        sa.Column("opening_hours", sa.String(length=120), nullable=False),
        sa.Column("beds_total", sa.Integer(), nullable=True),
        sa.Column("beds_free", sa.Integer(), nullable=True),
        sa.Column("capacity_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "beds_free >= 0 AND beds_free <= beds_total", name=op.f("ck_services_beds_within_total")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_services_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
    )
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_services_admin_area_pcode"), ["admin_area_pcode"], unique=False
        )
        batch_op.create_index(
            "ix_services_kind_country_beds_free", ["kind", "country", "beds_free"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_services_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "placement_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_user_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("needs", sa.String(length=300), nullable=False),
        sa.Column("language", sa.String(length=3), nullable=True),
        sa.Column("case_reference", sa.String(length=30), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_placement_requests_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_user_id"],
            ["users.id"],
            name=op.f("fk_placement_requests_requested_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_requests")),
    )
    with op.batch_alter_table("placement_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_placement_requests_country_status", ["country", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_placement_requests_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "bed_reservations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("placement_request_id", sa.Integer(), nullable=True),
        sa.Column("case_reference", sa.String(length=30), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("reserved_by_user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_bed_reservations_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["placement_request_id"],
            ["placement_requests.id"],
            name=op.f("fk_bed_reservations_placement_request_id_placement_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["reserved_by_user_id"],
            ["users.id"],
            name=op.f("fk_bed_reservations_reserved_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_bed_reservations_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bed_reservations")),
    )
    with op.batch_alter_table("bed_reservations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bed_reservations_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bed_reservations_placement_request_id"),
            ["placement_request_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_bed_reservations_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(
            "ix_bed_reservations_status_expires_at", ["status", "expires_at"], unique=False
        )
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("sending_organisation_id", sa.Integer(), nullable=False),
        sa.Column("receiving_organisation_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("respond_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("share_id", sa.Integer(), nullable=False),
        sa.Column("decline_reason", sa.String(length=30), nullable=True),
        sa.Column("sent_by_user_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_referrals_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["case_consents.id"], name=op.f("fk_referrals_consent_id_case_consents")
        ),
        sa.ForeignKeyConstraint(
            ["receiving_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_referrals_receiving_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["sending_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_referrals_sending_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_user_id"], ["users.id"], name=op.f("fk_referrals_sent_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_referrals_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["share_id"], ["child_shares.id"], name=op.f("fk_referrals_share_id_child_shares")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_country"), ["country"], unique=False)
        batch_op.create_index(
            "ix_referrals_receiving_state", ["receiving_organisation_id", "state"], unique=False
        )
        batch_op.create_index(
            "ix_referrals_sending_state", ["sending_organisation_id", "state"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referrals_service_id"), ["service_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_service_id"))
        batch_op.drop_index("ix_referrals_sending_state")
        batch_op.drop_index("ix_referrals_receiving_state")
        batch_op.drop_index(batch_op.f("ix_referrals_country"))
        batch_op.drop_index(batch_op.f("ix_referrals_case_id"))

    op.drop_table("referrals")

    with op.batch_alter_table("bed_reservations", schema=None) as batch_op:
        batch_op.drop_index("ix_bed_reservations_status_expires_at")
        batch_op.drop_index(batch_op.f("ix_bed_reservations_service_id"))
        batch_op.drop_index(batch_op.f("ix_bed_reservations_placement_request_id"))
        batch_op.drop_index(batch_op.f("ix_bed_reservations_organisation_id"))

    op.drop_table("bed_reservations")
    with op.batch_alter_table("placement_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_requests_organisation_id"))
        batch_op.drop_index("ix_placement_requests_country_status")

    op.drop_table("placement_requests")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_services_organisation_id"))
        batch_op.drop_index("ix_services_kind_country_beds_free")
        batch_op.drop_index(batch_op.f("ix_services_admin_area_pcode"))

    op.drop_table("services")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_opened_at_id")
