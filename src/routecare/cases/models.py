"""Case tables. Free text and uploads are AES-GCM ciphertext under the child's data key;
codes (stage, risk level, HTCDS values) are stored in clear so work queues can filter them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from routecare.storage.base import Base, UTCDateTime


class Case(Base):
    """One child's case. `version` increases on every change (ETag / If-Match)."""

    __tablename__ = "cases"
    # Work lists page newest first; without this PostgreSQL sorts every visible case per page.
    __table_args__ = (Index("ix_cases_opened_at_id", "opened_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), unique=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # the child's reference
    version: Mapped[int] = mapped_column(Integer, default=1)
    stage: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # HTCDS cas_Status
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    risk_level: Mapped[str | None] = mapped_column(String(10), nullable=True)
    separated: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    victim_status: Mapped[str | None] = mapped_column(String(40), nullable=True)
    victim_decision_org: Mapped[str | None] = mapped_column(String(40), nullable=True)
    exploitation_forms: Mapped[str] = mapped_column(Text, default="")  # space-separated codes
    family_tracing_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    guardian_name: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    guardian_appointed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    assessment_summary: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    best_interests_assessment: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    care_plan: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # Who last wrote the care plan: the four-eyes rule keeps them from approving it.
    care_plan_author_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), nullable=True
    )
    care_plan_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    care_plan_approved_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), nullable=True
    )
    services_summary: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    follow_up_summary: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    durable_solution: Mapped[str | None] = mapped_column(String(30), nullable=True)
    best_interests_determination: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    closure_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    closure_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closure_approved_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), nullable=True
    )


class CaseTask(Base):
    """A dated duty on a case; `kind` is a code, `title` (free text) is encrypted."""

    __tablename__ = "case_tasks"
    __table_args__ = (Index("ix_case_tasks_open_due", "done_at", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    done_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class CaseNote(Base):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class CaseDocument(Base):
    """An upload, checked and cleaned, then encrypted whole (name and content)."""

    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[bytes] = mapped_column(LargeBinary)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class CaseConsent(Base):
    """Consent or assent to one use of the child's data, for one purpose, until withdrawn."""

    __tablename__ = "case_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    scope: Mapped[str] = mapped_column(String(30))
    purpose: Mapped[str] = mapped_column(String(60))
    recipient_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), nullable=True
    )
    given_by: Mapped[str] = mapped_column(String(20))
    child_assent: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str | None] = mapped_column(String(3), nullable=True)
    interpreter_used: Mapped[bool] = mapped_column(Boolean, default=False)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    recorded_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AgeAssessment(Base):
    """One age assessment; the child's working age is the lowest age of the latest range."""

    __tablename__ = "case_age_assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    method: Mapped[str] = mapped_column(String(30))
    minimum_age: Mapped[int] = mapped_column(Integer)
    maximum_age: Mapped[int] = mapped_column(Integer)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class CaseLink(Base):
    """Siblings and travelling companions, stored once per pair (case_id < other_case_id)."""

    __tablename__ = "case_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    other_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    relation: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class NameToken(Base):
    """Keyed blind index over children's names: HMAC(index key, kind|token), truncated."""

    __tablename__ = "child_name_tokens"
    # Search looks tokens up and wants child ids: with both in one index, PostgreSQL answers
    # from the index alone (no table visit per token).
    __table_args__ = (Index("ix_child_name_tokens_token_child_id", "token", "child_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    token: Mapped[str] = mapped_column(String(32))
