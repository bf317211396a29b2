"""Signed receipts: the receiver signs (Ed25519 JWS) what it did with a package; the sender
verifies it under the receiver's registered keys and keeps it on the package it sent, so its
case shows the delivery."""

from __future__ import annotations

import json
from datetime import datetime

from joserfc import jws
from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import NotFound
from routecare.exchange.jose import SIGNING, JoseRefusal, verified_payload
from routecare.exchange.keys import signing_key
from routecare.exchange.models import ExchangePackage, ExchangePartner
from routecare.exchange.vocabulary import SIGNING_ALGORITHM


def sign_receipt(deployment: Deployment, package_id: str, case: str, status: str) -> str:
    """A compact JWS over the package id, our case reference, the status and the time."""
    claims = {
        "package_id": package_id,
        "status": status,
        "case": case,
        "at": utcnow().isoformat(),
    }
    with deployment.database.transaction() as session:
        key = signing_key(session, deployment)
    header = {"alg": SIGNING_ALGORITHM, "kid": key.kid, "typ": "routecare-receipt"}
    return jws.serialize_compact(header, json.dumps(claims).encode(), key, SIGNING)


def record_receipt(
    session: Session, deployment: Deployment, partner: ExchangePartner, receipt: str, now: datetime
) -> dict[str, str]:
    """Verify a partner's receipt and keep it on the package we sent it; its claims."""
    from routecare.exchange.partners import partner_keys

    try:
        claims = json.loads(verified_payload(receipt, partner_keys(partner)))
    except (JoseRefusal, ValueError) as error:
        raise JoseRefusal("the receipt's signature does not verify") from error
    sent = session.scalars(
        select(ExchangePackage).where(
            ExchangePackage.direction == "sent",
            ExchangePackage.package_id == str(claims.get("package_id")),
            ExchangePackage.partner_id == partner.id,
        )
    ).first()
    if sent is None:
        raise NotFound("the receipt is for no package sent to that partner")
    sent.receipt = receipt
    sent.acknowledged_at = now
    audit.record(
        session,
        deployment.keyring.audit_key,
        action="exchange.receipt",
        subject_type="case",
        subject_id=sent.case_id,
        detail={"package": sent.package_id, "partner": partner.name, "status": claims["status"]},
    )
    return {str(k): str(v) for k, v in claims.items()}
