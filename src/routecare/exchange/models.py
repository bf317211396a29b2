"""Exchange tables: this deployment's key pairs, its registered partners, the fields a consent
lets leave, and every package sent or received (ids, codes and dates only, never a value)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from routecare.storage.base import Base, UTCDateTime


class ExchangeKey(Base):
    """One of this deployment's key pairs (`use` "sig": Ed25519, "enc": X25519). The private
    JWK is AES-GCM ciphertext under a data key of the key store (owner `key_owner(kid)`), so a
    copy of this database alone holds no private key. A retired key is kept to verify and
    decrypt what was made under it, never to sign or to be encrypted to."""

    __tablename__ = "exchange_keys"

    kid: Mapped[str] = mapped_column(String(40), primary_key=True)
    use: Mapped[str] = mapped_column(String(3))
    public_jwk: Mapped[str] = mapped_column(Text)
    private_jwk: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ExchangePartner(Base):
    """A partner deployment, registered by the national coordinator under a data-sharing
    agreement: its public keys, address and the purposes packages may be sent to it for."""

    __tablename__ = "exchange_partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    organisation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    country: Mapped[str | None] = mapped_column(String(3), nullable=True)
    jwks: Mapped[str] = mapped_column(Text)
    base_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    purposes: Mapped[str] = mapped_column(Text)  # space-separated purpose codes
    agreement: Mapped[str] = mapped_column(String(200))
    dpia: Mapped[str | None] = mapped_column(String(200), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExchangeConsentFields(Base):
    """Which package fields (schema names) one cross-border consent lets leave: to one
    registered partner, or (`partner_id` null) to any partner allowed for its purpose."""

    __tablename__ = "exchange_consent_fields"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("case_consents.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("exchange_partners.id"), nullable=True
    )
    fields: Mapped[str] = mapped_column(Text)  # space-separated schema field names
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class ExchangePackage(Base):
    """A package sent or received. For a received one, `package_id` with `expires_at` is the
    replay guard: the same id again returns the case it made and stores nothing."""

    __tablename__ = "exchange_packages"
    __table_args__ = (UniqueConstraint("direction", "package_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_id: Mapped[str] = mapped_column(String(36))
    direction: Mapped[str] = mapped_column(String(8))  # "sent" or "received"
    partner_id: Mapped[int] = mapped_column(ForeignKey("exchange_partners.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    schema_version: Mapped[str] = mapped_column(String(10))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    partner_case: Mapped[str | None] = mapped_column(String(40), nullable=True)
    fields: Mapped[str] = mapped_column(Text)  # names of the fields carried, never values
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Sent: the partner's latest word (sent, queued, accepted, declined; erasing once erasure
    # was asked, erased once acknowledged) and its signed receipt or acknowledgement (compact
    # JWS). Received: pending (in the coordinator's queue), accepted, declined, erased.
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)  # of a decline
    receipt: Mapped[str | None] = mapped_column(Text, nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Received and pending only: the JWE as it came (only our key opens it); gone once decided.
    token: Mapped[str | None] = mapped_column(Text, nullable=True)


class ExchangeOutbox(Base):
    """A package waiting to reach a partner's inbox over HTTPS; retried with backoff by
    `routecare exchange deliver` until delivered or refused, across restarts. The token is
    the JWE itself: only the partner's key opens it."""

    __tablename__ = "exchange_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_id: Mapped[str] = mapped_column(String(36), unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("exchange_partners.id"), index=True)
    # "package", "receipt" (our decision on theirs) or "erasure" (a request to erase a copy)
    kind: Mapped[str] = mapped_column(String(8))
    token: Mapped[str] = mapped_column(Text)
    # queued, delivered, refused, or cancelled (a package of a case erased before it left)
    status: Mapped[str] = mapped_column(String(10), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExchangeLinkageSecret(Base):
    """The linkage secret agreed with one partner (the `--secret-file` of `linkage export`),
    which match notices over the channel are encoded, sealed and matched under. Stored as
    AES-GCM ciphertext under a data key of the key store (owner `exchange-link-<partner id>`),
    so a database copy alone holds no secret."""

    __tablename__ = "exchange_linkage_secrets"

    partner_id: Mapped[int] = mapped_column(ForeignKey("exchange_partners.id"), primary_key=True)
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
