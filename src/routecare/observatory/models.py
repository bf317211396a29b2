"""Flow-monitoring counts (IOM DTM flow-monitoring registry style): people counted passing a
flow-monitoring point on a day, by direction and nationality. Counts of people, never persons:
no row is about one child, so they are kept apart from cases and joined only as aggregates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from routecare.storage.base import Base, UTCDateTime


class FlowCount(Base):
    __tablename__ = "flow_counts"
    __table_args__ = (
        UniqueConstraint("observed_on", "point", "direction", "nationality", name="uq_flow_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    observed_on: Mapped[date] = mapped_column(Date, index=True)
    point: Mapped[str] = mapped_column(String(80))  # the flow-monitoring point's name
    country: Mapped[str] = mapped_column(String(3), index=True)  # ISO 3166-1 alpha-3
    admin_area: Mapped[str | None] = mapped_column(String(20), nullable=True)  # P-code
    direction: Mapped[str] = mapped_column(String(10))  # incoming | outgoing
    nationality: Mapped[str] = mapped_column(String(3))
    men: Mapped[int] = mapped_column(Integer)
    women: Mapped[int] = mapped_column(Integer)
    boys: Mapped[int] = mapped_column(Integer)
    girls: Mapped[int] = mapped_column(Integer)
    unaccompanied_children: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
