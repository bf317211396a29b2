"""Erasure that follows a case's data to the partners it was sent to.

When a child whose case was packaged for partners is erased (or the case's cross-border
consent for a purpose is withdrawn), each partner that received a package gets a signed
erasure request naming only the package ids, queued in the outbox beside the packages (same
retry and backoff). The partner verifies it under our registered keys, erases its copy (the
case opened from the package is scrubbed with `scrub_child`: its data keys are destroyed; a
package still pending loses its JWE), audits it and answers a signed acknowledgement, which
we verify and keep on the package sent. A second request changes nothing and is
acknowledged again."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from joserfc import jws
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from routecare import audit
from routecare.cases.models import Case
from routecare.children.erasure import scrub_child
from routecare.children.models import Child
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.exchange.jose import SIGNING, JoseRefusal, signer_kid, verified_payload
from routecare.exchange.keys import signing_key
from routecare.exchange.models import ExchangeOutbox, ExchangePackage, ExchangePartner
from routecare.exchange.notice_erasure import erase_noticed, noticed_records
from routecare.exchange.outbox import hand_over_for_file, queue
from routecare.exchange.partners import partner_keys, partners_of_kid
from routecare.exchange.vocabulary import SIGNING_ALGORITHM, Purpose

REQUEST = "erasure_request"
ACKNOWLEDGEMENT = "erasure_acknowledgement"
# Sent packages we asked to have erased: waiting for the partner's word, then acknowledged.
ASKED, ERASED = "erasing", "erased"


def request_erasure(
    session: Session, deployment: Deployment, case_id: int, purpose: str | None = None
) -> int:
    """Queue, in the caller's transaction, one signed erasure request for each partner that
    was sent a package of the case (of `purpose` only, for a withdrawn consent): delivered
    over HTTPS to a partner with an address, handed over as a file (`requests_for_file`) to
    one without. Returns how many requests were queued."""
    query = select(ExchangePackage, ExchangePartner).join(
        ExchangePartner, ExchangePartner.id == ExchangePackage.partner_id
    )
    query = query.where(
        ExchangePackage.direction == "sent",
        ExchangePackage.case_id == case_id,
        ExchangePackage.status.not_in(("declined", ERASED)),
    )
    if purpose is not None:
        query = query.where(ExchangePackage.purpose == purpose)
    by_partner: dict[int, tuple[ExchangePartner, list[ExchangePackage]]] = {}
    for package, partner in session.execute(query.order_by(ExchangePackage.id)):
        by_partner.setdefault(partner.id, (partner, []))[1].append(package)
    now = utcnow()
    queued = 0
    for partner, packages in by_partner.values():
        ids = [package.package_id for package in packages]
        # A package still waiting in our outbox never leaves now; it is named in the request
        # all the same, in case a delivery was already on its way.
        session.execute(
            update(ExchangeOutbox)
            .where(
                ExchangeOutbox.kind == "package",
                ExchangeOutbox.package_id.in_(ids),
                ExchangeOutbox.status == "queued",
            )
            .values(status="cancelled", token="")
        )
        for package in packages:
            package.status = ASKED
        claims = {"type": REQUEST, "erase": ids}
        _queue_request(session, deployment, partner, case_id, claims, {"packages": ids}, now)
        queued += 1
    if purpose in (None, Purpose.MATCH_NOTICE.value):
        queued += _request_notice_erasure(session, deployment, case_id, now)
    return queued


def _request_notice_erasure(
    session: Session, deployment: Deployment, case_id: int, now: datetime
) -> int:
    """One request for each partner we exchanged match notices with, naming the child's
    record id for it (`routecare.exchange.notice_erasure`)."""
    noticed = noticed_records(session, deployment, case_id)
    for partner, record in noticed:
        claims = {"type": REQUEST, "erase": [], "records": [record]}
        _queue_request(session, deployment, partner, case_id, claims, {"records": [record]}, now)
    return len(noticed)


def _queue_request(
    session: Session,
    deployment: Deployment,
    partner: ExchangePartner,
    case_id: int,
    claims: dict[str, object],
    detail: dict[str, object],
    now: datetime,
) -> None:
    """Sign an erasure request, queue it for the partner and audit it, in one transaction."""
    token = _sign(session, deployment, claims)
    queue(session, partner, f"e{uuid.uuid4().hex}", token, now, kind="erasure")
    audit.record(
        session,
        deployment.keyring.audit_key,
        action="exchange.erasure.request",
        subject_type="case",
        subject_id=case_id,
        detail={**detail, "partner": partner.name},
    )


def receive_erasure(deployment: Deployment, request: str) -> tuple[list[str], str]:
    """Erase our copy of what a registered partner sent us, on its signed request: the
    package ids it names (none of which we hold a copy of now) and our signed
    acknowledgement. PackageRefused (audited, and
    nothing erased) unless it verifies under a registered, unsuspended partner's key."""
    from routecare.exchange.receiving import PackageRefused

    try:
        return _receive_erasure(deployment, request)
    except JoseRefusal as error:
        with deployment.database.transaction() as session:
            audit.record(
                session,
                deployment.keyring.audit_key,
                action="exchange.erasure.receive",
                outcome="refused",
                detail={"reason": "unverified"},
            )
        raise PackageRefused("unverified", f"refused: {error}") from error


def _receive_erasure(deployment: Deployment, request: str) -> tuple[list[str], str]:
    with deployment.database.transaction() as session:
        claims, partners = _verified(session, request, REQUEST)
        names = _ids(claims, "erase")
        rows = session.scalars(
            select(ExchangePackage).where(
                ExchangePackage.direction == "received",
                ExchangePackage.package_id.in_(names),
                ExchangePackage.partner_id.in_([p.id for p in partners]),
            )
        ).all()
        for row in rows:
            _erase_copy(session, deployment, row)
        try:
            records = erase_noticed(session, partners, claims.get("records", []))
        except ValueError as error:
            raise JoseRefusal(str(error)) from error
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="exchange.erasure.receive",
            detail={
                "packages": sorted(row.package_id for row in rows),
                "records": records,
                "partner": partners[0].name,
            },
        )
        # Every id named is acknowledged: we hold no copy of any of them now (some, cancelled
        # in the sender's outbox, never arrived; a record id, in no notice of ours now).
        erased = sorted(set(names))
        acknowledged: dict[str, object] = {"type": ACKNOWLEDGEMENT, "erased": erased}
        if records:
            acknowledged["records"] = records
        acknowledgement = _sign(session, deployment, acknowledged)
        return erased, acknowledgement


def requests_for_file(deployment: Deployment, partner_name: str) -> list[str]:
    """The erasure requests queued for a partner reached by files (one compact JWS each),
    handed over now: they leave the queue."""
    return hand_over_for_file(deployment, partner_name, "erasure")


def receive_acknowledgement(deployment: Deployment, acknowledgement: str) -> list[str]:
    """A partner's acknowledgement brought as a file: verified and kept (see
    `record_acknowledgement`); the package ids it names."""
    from routecare.exchange.receiving import PackageRefused

    with deployment.database.transaction() as session:
        try:
            claims, partners = _verified(session, acknowledgement, ACKNOWLEDGEMENT)
            record_acknowledgement(session, deployment, partners[0], acknowledgement, utcnow())
        except JoseRefusal as error:
            raise PackageRefused("unverified", f"refused: {error}") from error
        return _ids(claims, "erased")


def record_acknowledgement(
    session: Session,
    deployment: Deployment,
    partner: ExchangePartner,
    acknowledgement: str,
    now: datetime,
) -> None:
    """Verify the partner's acknowledgement and keep it on each package it says it erased."""
    claims, partners = _verified(session, acknowledgement, ACKNOWLEDGEMENT)
    if partner.id not in {p.id for p in partners}:
        raise JoseRefusal("the acknowledgement is signed by another partner")
    names = _ids(claims, "erased")
    if claims.get("records"):
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="exchange.erasure.acknowledged",
            detail={"records": claims["records"], "partner": partner.name},
        )
    for sent in session.scalars(
        select(ExchangePackage).where(
            ExchangePackage.direction == "sent",
            ExchangePackage.package_id.in_(names),
            ExchangePackage.partner_id.in_([p.id for p in partners]),
        )
    ):
        sent.status, sent.receipt, sent.acknowledged_at = ERASED, acknowledgement, now
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="exchange.erasure.acknowledged",
            subject_type="case",
            subject_id=sent.case_id,
            detail={"package": sent.package_id, "partner": partner.name},
        )


def _erase_copy(session: Session, deployment: Deployment, row: ExchangePackage) -> None:
    """Crypto-shred the case the package opened; a pending package's JWE goes."""
    row.token = None
    row.status = ERASED
    if row.case_id is None:
        return
    child = session.scalar(
        select(Child).join(Case, Case.child_id == Child.id).where(Case.id == row.case_id)
    )
    if child is not None:
        scrub_child(session, deployment.keyring, child)


def _ids(claims: dict[str, object], name: str) -> list[str]:
    ids = claims.get(name)
    if not isinstance(ids, list) or len(ids) > 1000:
        raise JoseRefusal(f"the message names no list of package ids under {name}")
    return [str(package_id)[:36] for package_id in ids]


def _sign(session: Session, deployment: Deployment, claims: dict[str, object]) -> str:
    key = signing_key(session, deployment)
    header = {"alg": SIGNING_ALGORITHM, "kid": key.kid, "typ": "routecare-erasure"}
    body = {**claims, "at": utcnow().isoformat()}
    return jws.serialize_compact(header, json.dumps(body).encode(), key, SIGNING)


def _verified(
    session: Session, signed: str, kind: str
) -> tuple[dict[str, object], list[ExchangePartner]]:
    """The claims of an erasure message of `kind`, and every registration of its signer (a
    registered, unsuspended partner), or JoseRefusal."""
    partners = [p for p in partners_of_kid(session, signer_kid(signed)) if p.suspended_at is None]
    if not partners:
        raise JoseRefusal("signed by no registered partner")
    try:
        claims = json.loads(verified_payload(signed, partner_keys(partners[0])))
    except ValueError as error:
        raise JoseRefusal("the signature does not verify") from error
    if not isinstance(claims, dict) or claims.get("type") != kind:
        raise JoseRefusal(f"not an {kind.replace('_', ' ')}")
    return claims, partners
