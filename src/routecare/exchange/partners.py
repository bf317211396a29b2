"""The partner registry: who packages may go to, for which purposes, under which agreement.
`sendable_partner` is the one gate every outgoing package passes first, before any case data
is read; `known_sender` is its twin for what arrives."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.errors import Forbidden
from routecare.exchange.models import ExchangePartner
from routecare.exchange.schemas import PartnerOut


def partner_named(session: Session, name: str) -> ExchangePartner | None:
    return session.execute(select(ExchangePartner).where(ExchangePartner.name == name)).scalar()


def refusal(partner: ExchangePartner | None, purpose: str, now: datetime) -> str | None:
    """Why nothing may go to (or come from) this partner for this purpose, or None."""
    if partner is None:
        return "is not a registered partner"
    if partner.suspended_at is not None:
        return "is suspended"
    if partner.expires_at is not None and partner.expires_at <= now:
        return "has an expired registration"
    if purpose not in partner.purposes.split():
        return f"is not allowed the purpose {purpose}"
    return None


def sendable_partner(session: Session, name: str, purpose: str, now: datetime) -> ExchangePartner:
    """The partner, if a package for `purpose` may go to it now; else Forbidden."""
    partner = partner_named(session, name)
    reason = refusal(partner, purpose, now)
    if reason is not None or partner is None:
        raise Forbidden(f"refused: partner {name} {reason}")
    return partner


def partner_keys(partner: ExchangePartner) -> KeySet:
    return KeySet.import_key_set(json.loads(partner.jwks))


def encryption_key_of(partner: ExchangePartner) -> Any:
    """The partner's newest encryption key (the last `enc` key of its JWKS)."""
    keys = [key for key in json.loads(partner.jwks)["keys"] if key.get("use") == "enc"]
    return KeySet.import_key_set({"keys": keys[-1:]}).keys[0]


def partners_of_kid(session: Session, kid: str) -> list[ExchangePartner]:
    """Every registration whose JWKS holds the signing key `kid` (one deployment may be
    registered more than once, e.g. with and without a URL)."""
    return [
        partner
        for partner in session.scalars(select(ExchangePartner).order_by(ExchangePartner.id))
        if any(
            key.get("kid") == kid and key.get("use") == "sig"
            for key in json.loads(partner.jwks)["keys"]
        )
    ]


def sender_of_kid(session: Session, kid: str) -> ExchangePartner | None:
    """The first registered partner whose JWKS holds the signing key `kid`, if any."""
    return next(iter(partners_of_kid(session, kid)), None)


def present_partner(partner: ExchangePartner) -> PartnerOut:
    return PartnerOut(
        name=partner.name,
        organisation=partner.organisation,
        country=partner.country,
        base_url=partner.base_url,
        purposes=partner.purposes.split(),
        agreement=partner.agreement,
        dpia=partner.dpia,
        expires_at=partner.expires_at,
        suspended=partner.suspended_at is not None,
    )
