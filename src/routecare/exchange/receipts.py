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
from routecare.exchange.vocabulary import SIGNING_ALGORITHM, Purpose


def sign_receipt(
    session: Session,
    deployment: Deployment,
    package_id: str,
    status: str,
    case: str | None = None,
    reason: str | None = None,
    matches: list[dict[str, object]] | None = None,
) -> str:
    """A compact JWS over the package id, what became of it (queued in the coordinator's
    queue, accepted into our case, declined with a reason; for match notices, the matches
    found: opaque per-partner record ids and scores) and the time."""
    claims: dict[str, object] = {
        "package_id": package_id,
        "status": status,
        "at": utcnow().isoformat(),
    }
    if case is not None:
        claims["case"] = case
    if reason is not None:
        claims["reason"] = reason
    if matches is not None:
        claims["matches"] = matches
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
    from routecare.exchange.jose import signer_kid
    from routecare.exchange.partners import partners_of_kid

    same_keys = [p.id for p in partners_of_kid(session, signer_kid(receipt))]
    sent = session.scalars(
        select(ExchangePackage).where(
            ExchangePackage.direction == "sent",
            ExchangePackage.package_id == str(claims.get("package_id")),
            ExchangePackage.partner_id.in_(same_keys),
        )
    ).first()
    if sent is None:
        raise NotFound("the receipt is for no package sent to that partner")
    sent.receipt = receipt
    sent.acknowledged_at = now
    sent.status = str(claims.get("status", "received"))[:10]
    sent.reason = str(claims["reason"])[:200] if claims.get("reason") else None
    sent.partner_case = str(claims["case"])[:40] if claims.get("case") else sent.partner_case
    if sent.purpose == Purpose.MATCH_NOTICE.value:
        from routecare.exchange.match_notices import record_matches

        record_matches(session, deployment, sent, claims.get("matches"))
    audit.record(
        session,
        deployment.keyring.audit_key,
        action="exchange.receipt",
        subject_type="case",
        subject_id=sent.case_id,
        detail={"package": sent.package_id, "partner": partner.name, "status": claims["status"]},
    )
    return {str(k): str(v) for k, v in claims.items()}


def receive_receipt(deployment: Deployment, receipt: str) -> dict[str, str]:
    """A partner's later word on a package we sent (accepted, declined), pushed to us: it
    must verify under the signing key of a registered, unsuspended partner."""
    from routecare.exchange.jose import signer_kid
    from routecare.exchange.partners import sender_of_kid
    from routecare.exchange.receiving import PackageRefused

    now = utcnow()
    with deployment.database.transaction() as session:
        try:
            partner = sender_of_kid(session, signer_kid(receipt))
            if partner is None or partner.suspended_at is not None:
                raise JoseRefusal("the receipt is signed by no registered partner")
            return record_receipt(session, deployment, partner, receipt, now)
        except JoseRefusal as error:
            raise PackageRefused("receipt", f"refused: {error}") from error


def decisions_for_file(deployment: Deployment, partner_name: str) -> list[str]:
    """Our signed decisions (accepted, declined) on packages of a partner reached by files,
    handed over now (one compact JWS each); the partner records them with
    `routecare exchange receipts FILE` (`receive_receipt`)."""
    from routecare.exchange.outbox import hand_over_for_file

    return hand_over_for_file(deployment, partner_name, "receipt")
