"""Stored screenings. Answers, location and the reason for not opening a case are personal
data: encrypted with the screening's own data key (in the key store), like a child's identity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from routecare.storage.base import Base, UTCDateTime


class Screening(Base):
    __tablename__ = "screenings"
    __table_args__ = (UniqueConstraint("organisation_id", "instance_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), nullable=True, index=True
    )
    screener_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    screened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    source: Mapped[str] = mapped_column(String(10))  # web, api, odk
    instance_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    catalogue_version: Mapped[str] = mapped_column(String(60))
    catalogue_sha256: Mapped[str] = mapped_column(String(64))
    decision_table_version: Mapped[str] = mapped_column(String(10))
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    age_basis: Mapped[str] = mapped_column(String(12))
    treated_as_child: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(String(24), index=True)
    rule: Mapped[str] = mapped_column(String(8))
    forms: Mapped[str] = mapped_column(String(300), default="")
    smuggling: Mapped[bool] = mapped_column(Boolean)
    interpreter_language: Mapped[str | None] = mapped_column(String(12), nullable=True)
    # Where and along which route, as codes the observatory counts by (never free text):
    # ISO 3166-2 admin-1 area of the screening, origin and transit countries (alpha-3, the
    # transit ones in order, space-separated).
    admin_area: Mapped[str | None] = mapped_column(String(10), nullable=True)
    country_of_origin: Mapped[str | None] = mapped_column(String(3), nullable=True)
    transit_countries: Mapped[str] = mapped_column(String(40), default="", server_default="")
    answers: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # None = erased
    location: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id"), nullable=True)
    no_case_reason: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
