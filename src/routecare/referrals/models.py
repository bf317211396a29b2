"""A referral of one case to one service. It holds ids and codes; the child's data reaches the
receiving organisation only through the `ChildShare` the referral created."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from routecare.storage.base import Base, UTCDateTime


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_receiving_state", "receiving_organisation_id", "state"),
        Index("ix_referrals_sending_state", "sending_organisation_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    sending_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    receiving_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    country: Mapped[str] = mapped_column(String(3), index=True)  # the service's country
    state: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(40))  # HTCDS referral reason
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    respond_by: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_id: Mapped[int] = mapped_column(ForeignKey("case_consents.id"))
    share_id: Mapped[int] = mapped_column(ForeignKey("child_shares.id"))
    decline_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    sent_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
