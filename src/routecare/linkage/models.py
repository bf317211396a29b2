"""Linkage in the product: each child's stored encoding, case workers' decisions on possible
matches, and match notices for coordinators. No table here holds a name or any identity value:
encodings are Bloom filters under the deployment's linkage key (kept in the keyring), each
sealed under a key derived from it (`linkage/sealing.py`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from routecare.storage.base import Base, UTCDateTime


class ChildEncoding(Base):
    """A child's registration encoded under the linkage key, made once at registration so a
    new registration is matched against stored encodings instead of re-encoding everyone."""

    __tablename__ = "child_encodings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), unique=True)
    # Opaque and random: the only id of the child that ever leaves in an exported file.
    linkage_id: Mapped[str] = mapped_column(String(32), unique=True)
    # The scheme's record (linkage/encoded.py) sealed: AES-256-GCM, base64 (linkage/sealing.py).
    encoding: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LinkageDecision(Base):
    """A case worker's judgement that two registrations are, or are not, the same child."""

    __tablename__ = "linkage_decisions"
    __table_args__ = (UniqueConstraint("child_id", "other_child_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    other_child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    same_child: Mapped[bool] = mapped_column(Boolean)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class MatchNotice(Base):
    """ "Your case may be a child the partner also registered": the partner and its opaque
    record id, the score and band, never an identity. Seen by the country's coordinators, who
    also review the possible matches a case worker may not be shown (another organisation's
    record, not shared with theirs) and record their verdict in `same_child`."""

    __tablename__ = "match_notices"
    __table_args__ = (UniqueConstraint("child_id", "partner", "partner_record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    country: Mapped[str] = mapped_column(String(3), index=True)
    partner: Mapped[str] = mapped_column(String(200))
    partner_record_id: Mapped[str] = mapped_column(String(100))
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reviewed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    same_child: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
