"""Children's records. Identity columns hold AES-GCM ciphertext only, under the child's data
key, which lives in the key store (routecare.crypto.keystore), never in this database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from routecare.storage.base import Base, UTCDateTime


class Child(Base):
    __tablename__ = "children"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)  # binds ciphertexts to this child
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    given_name: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    family_name: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    other_names: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    birth_date: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    contact: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    narrative: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    sex: Mapped[str] = mapped_column(String(10))
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    nationality: Mapped[str | None] = mapped_column(String(3), nullable=True, index=True)
    unaccompanied: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ChildShare(Base):
    """Part of a child's record granted to another organisation for one purpose."""

    __tablename__ = "child_shares"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    fields: Mapped[str] = mapped_column(Text)  # space-separated field names
    purpose: Mapped[str] = mapped_column(String(60))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    granted_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ChildCorrection(Base):
    """A correction of the child's sex, nationality or age: the values before and after, who
    made it, when and why (the reason encrypted with the child's key). An age changes only
    through an age assessment, which records its correction here too (no reason: the
    assessment is the reason)."""

    __tablename__ = "child_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))  # sex | nationality | age
    old_value: Mapped[str | None] = mapped_column(String(10), nullable=True)
    new_value: Mapped[str | None] = mapped_column(String(10), nullable=True)
    reason: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    corrected_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
