"""A published service. No child data lives here, only what a provider offers and its beds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from routecare.storage.base import Base, UTCDateTime


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint("beds_free >= 0 AND beds_free <= beds_total", name="beds_within_total"),
        # The placement search: emergency places of one country inside a box around the child
        # (latitude is the range scanned, longitude checked in the index before any row is read).
        Index("ix_services_kind_country_latitude", "kind", "country", "latitude", "longitude"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(3))  # ISO 3166-1 alpha-3
    admin_area_pcode: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    admin_area_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    min_age: Mapped[int] = mapped_column(Integer, default=0)
    max_age: Mapped[int] = mapped_column(Integer, default=17)
    sexes: Mapped[str] = mapped_column(String(40))  # space-separated Sex values served
    accepts_unaccompanied: Mapped[bool] = mapped_column(Boolean, default=True)
    victims_of_trafficking_only: Mapped[bool] = mapped_column(Boolean, default=False)
    languages: Mapped[str] = mapped_column(String(200))  # space-separated ISO 639 codes
    needs_supported: Mapped[str] = mapped_column(String(300), default="")  # space-separated
    opening_hours: Mapped[str] = mapped_column(String(120))
    beds_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    beds_free: Mapped[int | None] = mapped_column(Integer, nullable=True)
    capacity_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
