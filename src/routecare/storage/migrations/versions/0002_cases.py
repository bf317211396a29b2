"""cases: cases, tasks, notes, documents, consents, ages, links, name tokens, idempotency

Revision ID: 0002_cases
Revises: 0001_foundation
Create Date: 2026-11-25 07:48:24.285224
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_cases"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("route", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("result_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idempotency_keys_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("user_id", "route", "key", name="uq_idempotency_keys"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by_user_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("risk_level", sa.String(length=10), nullable=True),
        sa.Column("separated", sa.Boolean(), nullable=True),
        sa.Column("victim_status", sa.String(length=40), nullable=True),
        sa.Column("victim_decision_org", sa.String(length=40), nullable=True),
        sa.Column("exploitation_forms", sa.Text(), nullable=False),
        sa.Column("family_tracing_status", sa.String(length=20), nullable=True),
        sa.Column("guardian_name", sa.LargeBinary(), nullable=True),
        sa.Column("guardian_appointed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assessment_summary", sa.LargeBinary(), nullable=True),
        sa.Column("best_interests_assessment", sa.LargeBinary(), nullable=True),
        sa.Column("care_plan", sa.LargeBinary(), nullable=True),
        sa.Column("care_plan_approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("care_plan_approved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("services_summary", sa.LargeBinary(), nullable=True),
        sa.Column("follow_up_summary", sa.LargeBinary(), nullable=True),
        sa.Column("durable_solution", sa.String(length=30), nullable=True),
        sa.Column("best_interests_determination", sa.LargeBinary(), nullable=True),
        sa.Column("closure_reason", sa.String(length=30), nullable=True),
        sa.Column("closure_approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closure_approved_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["care_plan_approved_by_user_id"],
            ["users.id"],
            name=op.f("fk_cases_care_plan_approved_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_cases_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["closure_approved_by_user_id"],
            ["users.id"],
            name=op.f("fk_cases_closure_approved_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_user_id"], ["users.id"], name=op.f("fk_cases_opened_by_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("child_id", name=op.f("uq_cases_child_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_cases_reference")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_stage"), ["stage"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)

    op.create_table(
        "child_name_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_child_name_tokens_child_id_children")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_name_tokens")),
    )
    with op.batch_alter_table("child_name_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_child_name_tokens_child_id"), ["child_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_child_name_tokens_token"), ["token"], unique=False)

    op.create_table(
        "case_age_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=False),
        sa.Column("minimum_age", sa.Integer(), nullable=False),
        sa.Column("maximum_age", sa.Integer(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_age_assessments_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["users.id"],
            name=op.f("fk_case_age_assessments_recorded_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_age_assessments")),
    )
    with op.batch_alter_table("case_age_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_age_assessments_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=30), nullable=False),
        sa.Column("purpose", sa.String(length=60), nullable=False),
        sa.Column("recipient_organisation_id", sa.Integer(), nullable=True),
        sa.Column("given_by", sa.String(length=20), nullable=False),
        sa.Column("child_assent", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=3), nullable=True),
        sa.Column("interpreter_used", sa.Boolean(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_consents_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_case_consents_recipient_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["users.id"],
            name=op.f("fk_case_consents_recorded_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_consents")),
    )
    with op.batch_alter_table("case_consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_consents_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("filename", sa.LargeBinary(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_documents_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_case_documents_created_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_documents")),
    )
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_documents_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("other_case_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_links_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_case_links_created_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["other_case_id"], ["cases.id"], name=op.f("fk_case_links_other_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_links")),
    )
    with op.batch_alter_table("case_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_links_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_links_other_case_id"), ["other_case_id"], unique=False
        )

    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"], ["users.id"], name=op.f("fk_case_notes_author_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_notes_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    with op.batch_alter_table("case_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_notes_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.LargeBinary(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_tasks_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_case_tasks_created_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["done_by_user_id"], ["users.id"], name=op.f("fk_case_tasks_done_by_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_tasks")),
    )
    with op.batch_alter_table("case_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_tasks_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_case_tasks_open_due", ["done_at", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_case_tasks_open_due")
        batch_op.drop_index(batch_op.f("ix_case_tasks_case_id"))

    op.drop_table("case_tasks")
    with op.batch_alter_table("case_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_notes_case_id"))

    op.drop_table("case_notes")
    with op.batch_alter_table("case_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_links_other_case_id"))
        batch_op.drop_index(batch_op.f("ix_case_links_case_id"))

    op.drop_table("case_links")
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_documents_case_id"))

    op.drop_table("case_documents")
    with op.batch_alter_table("case_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_consents_case_id"))

    op.drop_table("case_consents")
    with op.batch_alter_table("case_age_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_age_assessments_case_id"))

    op.drop_table("case_age_assessments")
    with op.batch_alter_table("child_name_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_name_tokens_token"))
        batch_op.drop_index(batch_op.f("ix_child_name_tokens_child_id"))

    op.drop_table("child_name_tokens")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_status"))
        batch_op.drop_index(batch_op.f("ix_cases_stage"))

    op.drop_table("cases")
    op.drop_table("idempotency_keys")
