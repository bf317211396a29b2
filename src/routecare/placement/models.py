"""Placement requests and bed reservations.

A request carries the child's profile (age, sex, needs, language) and exact place but no
identity, both encrypted under the request's own data key (routecare.placement.sealing); a case
reference links it to a case when there is one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from routecare.storage.base import Base, UTCDateTime


class PlacementRequest(Base):
    __tablename__ = "placement_requests"
    __table_args__ = (Index("ix_placement_requests_country_status", "country", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    country: Mapped[str] = mapped_column(String(3))
    uid: Mapped[str] = mapped_column(String(32), unique=True)  # binds ciphertexts to this request
    profile: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # age, sex, needs…
    location: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # None = resolved
    case_reference: Mapped[str | None] = mapped_column(String(30), nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # open | escalated | reserved | cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class BedReservation(Base):
    """One bed held at an emergency place until the child arrives, or released on expiry."""

    __tablename__ = "bed_reservations"
    __table_args__ = (Index("ix_bed_reservations_status_expires_at", "status", "expires_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    placement_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("placement_requests.id"), nullable=True, index=True
    )
    case_reference: Mapped[str | None] = mapped_column(String(30), nullable=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    reserved_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20))  # held | arrived | released | expired
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
