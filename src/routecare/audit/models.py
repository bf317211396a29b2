"""Audit tables. Entries hold ids and codes only, never names or free text about a child."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from routecare.storage.base import Base, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    # Assigned by the chain, not the database, so a deleted entry leaves a visible gap.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    actor_organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    subject_id: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    previous_mac: Mapped[bytes] = mapped_column(LargeBinary(32))
    mac: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditHead(Base):
    """The chain's tip; locking this one row serialises appends, and it exposes a cut tail."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_entry_id: Mapped[int] = mapped_column(Integer)
    last_mac: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditSubject(Base):
    """One child an entry touched: written, read, or shown on a page of a list or search.

    An index of the entries, so "who saw this child" is one lookup on (child_id, entry_id),
    never a scan of the details. The child ids of an entry are also under its chain MAC, so a
    row deleted or added here shows in `audit verify`. No foreign keys: the trail outlives the
    records it mentions, and a database attacker's deletion must leave verifiable gaps, not
    cascade.
    """

    __tablename__ = "audit_subjects"

    child_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entry_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
