"""Receiving a package: it must open with our keys, be signed by a registered partner allowed
the purpose, match its schema and be unexpired. It then waits in the national coordinator's
queue (as the JWE it came as, which only our key opens) until accepted, which opens a case
with the coordinator's organisation and the package's provenance beside it (or links it to a
case that organisation already has, `linking`), or declined,
which deletes it; either way the partner is told, signed. A file imported by the operator is
accepted at once. The package id is the key: the same package again changes nothing and
answers the same. A refusal stores nothing but its audit entry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth.models import User
from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.auth.roles import Role
from routecare.cases.actions import add_case
from routecare.cases.models import Case
from routecare.cases.records import managed_case
from routecare.cases.schemas import CaseIn
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Conflict, Forbidden, InvalidInput, NotFound
from routecare.exchange.case_links import noticed_references
from routecare.exchange.jose import JoseRefusal, signer_kid, unseal, verified_payload
from routecare.exchange.keys import decryption_keys
from routecare.exchange.linking import Comparison, compare, link_case
from routecare.exchange.models import ExchangePackage, ExchangePartner
from routecare.exchange.package_schema import FIELDS, Envelope, package_model
from routecare.exchange.partners import partner_keys, refusal, sender_of_kid


@dataclass(frozen=True)
class Received:
    package_id: str
    status: str  # pending (in the coordinator's queue), accepted, declined
    reference: str | None  # the case it opened, once accepted
    created: bool


DECISIONS = {"accepted": "exchange.package.accept", "declined": "exchange.package.decline"}


class PackageRefused(InvalidInput):
    """A package refused on receipt; `code` is what the audit entry records."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@contextmanager
def refusals_audited(deployment: Deployment, action: str, transport: str) -> Iterator[None]:
    """A refused package is audited with its reason code, in a transaction of its own (the
    refused one stored nothing), then the refusal goes on to the caller."""
    try:
        yield
    except PackageRefused as refused:
        with deployment.database.transaction() as session:
            audit.record(
                session,
                deployment.keyring.audit_key,
                action=action,
                outcome="refused",
                detail={"reason": refused.code, "transport": transport},
            )
        raise


def receive_package(
    deployment: Deployment, token: str, *, transport: str = "file", accept: bool = False
) -> Received:
    """Verify and keep one package (see the module docstring): in the coordinator's queue,
    or (`accept`, the operator importing a file) straight into a case. PackageRefused says
    why not; the same package again changes nothing and answers the same."""
    with refusals_audited(deployment, "exchange.package.receive", transport):
        return _receive(deployment, token, transport, accept)


def _receive(deployment: Deployment, token: str, transport: str, accept: bool) -> Received:
    now = utcnow()
    with deployment.database.transaction() as session:
        partner, body = _verified(session, deployment, token, now)
        earlier = _received(session, body.package_id)
        if earlier is not None and accept and earlier.status == "pending":
            case = _open_case(session, deployment, earlier, body)
            _decided(session, deployment, earlier, partner, case.reference, None, None)
            return Received(body.package_id, earlier.status, case.reference, False)
        if earlier is not None:
            _audit(session, deployment, "exchange.package.repeat", partner, body, transport)
            return Received(body.package_id, earlier.status, _reference(session, earlier), False)
        row = ExchangePackage(
            package_id=body.package_id,
            direction="received",
            partner_id=partner.id,
            purpose=body.purpose.value,
            schema_version=body.schema_version,
            partner_case=body.sender.case,
            fields=" ".join(sorted(_child(body))),
            issued_at=body.issued_at,
            expires_at=body.expires_at,
            recorded_at=now,
            status="pending",
            token=token,
        )
        session.add(row)
        opened = _open_case(session, deployment, row, body) if accept else None
        _audit(session, deployment, "exchange.package.receive", partner, body, transport, opened)
        if opened is not None:
            _decided(session, deployment, row, partner, opened.reference, None, None)
        return Received(body.package_id, row.status, opened.reference if opened else None, True)


def accept_package(
    deployment: Deployment,
    package_id: str,
    principal: Principal | None = None,
    case_reference: str | None = None,
) -> str:
    """Accept a package of the coordinator's queue and tell the partner, signed; returns the
    case reference. Without `case_reference` it opens a new case (its provenance kept beside
    it); with one, it links the package to that existing case of the coordinator's
    organisation (`linking.link_case`: provenance recorded, the case's data kept; a case of
    another organisation, or none, is NotFound). Linking the same package to the same case
    again answers the same and changes nothing. `principal` is the coordinator deciding on a
    page (checked and audited as the actor); None is the operator's CLI, acting as the
    deployment's national coordinator."""
    _may_decide(principal)
    with deployment.database.transaction() as session:
        row = _received(session, package_id)
        if case_reference is not None and row is not None and row.status == "accepted":
            deciding = principal or _intake(session)
            case, _ = managed_case(session, deciding, case_reference, utcnow())
            if row.case_id == case.id:
                return case.reference
        row = _pending(session, package_id)
        partner = session.get(ExchangePartner, row.partner_id)
        assert partner is not None
        body = _opened(session, deployment, row, partner)
        if case_reference is None:
            case = _open_case(session, deployment, row, body)
        else:
            deciding = principal or _intake(session)
            received = _child(body)
            case = link_case(session, deployment, deciding, row, partner, received, case_reference)
        _decided(session, deployment, row, partner, case.reference, None, principal)
        return case.reference


def decline_package(
    deployment: Deployment, package_id: str, reason: str, principal: Principal | None = None
) -> None:
    """Decline a package in the queue: its content is deleted, the reason goes back signed.
    `principal` as for `accept_package`."""
    _may_decide(principal)
    reason = reason.strip()
    if not 1 <= len(reason) <= 200:
        raise InvalidInput("a reason of 1 to 200 characters is needed to decline")
    with deployment.database.transaction() as session:
        row = _pending(session, package_id)
        partner = session.get(ExchangePartner, row.partner_id)
        assert partner is not None
        row.status, row.reason, row.token = "declined", reason, None
        _decided(session, deployment, row, partner, None, reason, principal)


@dataclass(frozen=True)
class Opened:
    """A package in the queue as the coordinator reads it before deciding."""

    package_id: str
    partner: str
    purpose: str
    child: dict[str, Any]  # package field name -> value
    consent: dict[str, Any]
    sender: dict[str, Any]
    reply_to: str | None
    issued_at: datetime
    expires_at: datetime
    noticed: list[str]  # cases of ours a match notice ties to the sender's record
    comparison: Comparison | None  # where the package differs from the case to link it to


def open_pending(
    deployment: Deployment,
    principal: Principal,
    package_id: str,
    compare_with: str | None = None,
) -> Opened:
    """Decrypt and verify one package of the queue for the coordinator to read (the fields it
    carries, the consent record, the sender's contact), with the cases of the coordinator's
    organisation a match notice ties to the sender's record, and (`compare_with`, a case
    reference; NotFound when not the organisation's) where the package differs from that
    case. Audited as a read of its content."""
    _may_decide(principal)
    with deployment.database.transaction() as session:
        row = _pending(session, package_id)
        partner = session.get(ExchangePartner, row.partner_id)
        assert partner is not None
        body = _opened(session, deployment, row, partner)
        child = _child(body)
        comparison = None
        if compare_with is not None:
            comparison = compare(session, deployment, principal, compare_with, child)[1]
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="exchange.package.read",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            detail={"package": row.package_id, "partner": partner.name},
        )
        return Opened(
            package_id=row.package_id,
            partner=partner.name,
            purpose=row.purpose,
            child=child,
            consent=body.consent.model_dump(mode="json"),
            sender=body.sender.model_dump(mode="json"),
            reply_to=body.reply_to,
            issued_at=body.issued_at,
            expires_at=body.expires_at,
            noticed=noticed_references(session, principal, partner, body.sender.record),
            comparison=comparison,
        )


def _may_decide(principal: Principal | None) -> None:
    if principal is not None:
        require(principal, Permission.EXCHANGE_DECIDE)


def _opened(
    session: Session, deployment: Deployment, row: ExchangePackage, partner: ExchangePartner
) -> Envelope:
    """The queued JWE, decrypted with our key and verified again under the partner's keys."""
    assert row.token is not None
    try:
        signed = unseal(row.token, decryption_keys(session, deployment))
        data = json.loads(verified_payload(signed, partner_keys(partner)))
        return package_model(row.purpose, row.schema_version).model_validate(data)
    except (JoseRefusal, ValueError, ValidationError) as error:
        raise PackageRefused("unverified", "refused: the package no longer verifies") from error


def _open_case(
    session: Session, deployment: Deployment, row: ExchangePackage, body: Envelope
) -> Case:
    case = add_case(session, deployment, _intake(session), _case_in(body))
    row.case_id, row.status, row.token = case.id, "accepted", None
    return case


def _decided(
    session: Session,
    deployment: Deployment,
    row: ExchangePackage,
    partner: ExchangePartner,
    reference: str | None,
    reason: str | None,
    principal: Principal | None,
) -> None:
    """Audit the decision (with the deciding coordinator, if on a page) and queue the signed
    word back to the partner: delivered over HTTPS to a partner with a URL, handed over as
    a file (`receipts.decisions_for_file`) to one without."""
    from routecare.exchange.outbox import queue
    from routecare.exchange.receipts import sign_receipt

    audit.record(
        session,
        deployment.keyring.audit_key,
        action=DECISIONS[row.status],
        actor_user_id=principal.user_id if principal else None,
        actor_organisation_id=principal.organisation_id if principal else None,
        subject_type="case" if row.case_id else None,
        subject_id=row.case_id,
        detail={"package": row.package_id, "partner": partner.name, "status": row.status},
    )
    receipt = sign_receipt(session, deployment, row.package_id, row.status, reference, reason)
    queue(session, partner, row.package_id, receipt, utcnow(), kind="receipt")


def _received(session: Session, package_id: str) -> ExchangePackage | None:
    return session.scalars(
        select(ExchangePackage).where(
            ExchangePackage.direction == "received", ExchangePackage.package_id == package_id
        )
    ).first()


def _pending(session: Session, package_id: str) -> ExchangePackage:
    row = _received(session, package_id)
    if row is None:
        raise NotFound("no received package with that id")
    if row.status != "pending":
        raise Conflict(f"that package was already {row.status}")
    return row


def _reference(session: Session, row: ExchangePackage) -> str | None:
    if row.case_id is None:
        return None
    return session.scalar(select(Case.reference).where(Case.id == row.case_id))


def _verified(
    session: Session, deployment: Deployment, token: str, now: datetime
) -> tuple[ExchangePartner, Envelope]:
    try:
        signed = unseal(token, decryption_keys(session, deployment))
        partner = sender_of_kid(session, signer_kid(signed))
        if partner is None:
            raise PackageRefused(
                "unknown_sender", "refused: the package is signed by no registered partner"
            )
        payload = verified_payload(signed, partner_keys(partner))
    except JoseRefusal as error:
        raise PackageRefused("unverified", f"refused: {error}") from error
    try:
        data: Any = json.loads(payload)
        head = Envelope.model_validate(_envelope(data))
        body = package_model(head.purpose.value, head.schema_version).model_validate(data)
    except (ValueError, ValidationError, TypeError) as error:
        raise PackageRefused(
            "malformed", "refused: the package does not match its schema"
        ) from error
    reason = refusal(partner, body.purpose.value, now)
    if reason is not None:
        raise PackageRefused("partner", f"refused: the sender {partner.name} {reason}")
    if body.expires_at <= now:
        raise PackageRefused("expired", "refused: the package has expired")
    return partner, body


def _envelope(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "child"}


def _child(body: Envelope) -> dict[str, Any]:
    """The received child fields (each purpose's model adds `child` to the envelope)."""
    child: Any = body.child  # type: ignore[attr-defined]
    return child.model_dump(exclude_none=True)  # type: ignore[no-any-return]


def _case_in(body: Envelope) -> CaseIn:
    """The received fields, under our column names; a package naming no child is refused."""
    values: dict[str, Any] = {}
    for name, value in _child(body).items():
        table, column = FIELDS[name].source.split(".")
        if column != "status":
            values[column] = value
    if "given_name" not in values:
        raise PackageRefused(
            "no_identity", "refused: the package carries no given name to open a case with"
        )
    try:
        return CaseIn.model_validate(values)
    except ValidationError as error:
        raise PackageRefused(
            "malformed", "refused: the package's fields are inconsistent"
        ) from error


def _intake(session: Session) -> Principal:
    """Received cases open with the national coordinator's organisation, who refers them on."""
    user = session.scalars(
        select(User)
        .where(User.role == Role.COORDINATOR, User.is_active.is_(True))
        .order_by(User.id)
        .limit(1)
    ).first()
    if user is None:
        raise Forbidden("refused: this deployment has no coordinator to receive packages")
    return Principal.of(user)


def _audit(
    session: Session,
    deployment: Deployment,
    action: str,
    partner: ExchangePartner,
    body: Envelope,
    transport: str,
    case: Case | None = None,
) -> None:
    audit.record(
        session,
        deployment.keyring.audit_key,
        action=action,
        subject_type="case" if case else None,
        subject_id=case.id if case else None,
        detail={
            "package": body.package_id,
            "partner": partner.name,
            "purpose": body.purpose.value,
            "agreement": partner.agreement,
            "fields": sorted(_child(body)),
            "transport": transport,
        },
        children=[case.child_id] if case else [],
    )
