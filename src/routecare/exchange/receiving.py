"""Receiving a package: it must open with our keys, be signed by a registered partner allowed
the purpose, match its schema and be unexpired. Then it opens a case with the national
coordinator's organisation (the package's provenance recorded beside it), once: the package
id is the key, so the same package again returns the same case and stores nothing. A refusal
stores nothing but its audit entry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth.models import User
from routecare.auth.principal import Principal
from routecare.auth.roles import Role
from routecare.cases.actions import add_case
from routecare.cases.models import Case
from routecare.cases.schemas import CaseIn
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Forbidden, InvalidInput
from routecare.exchange.jose import JoseRefusal, signer_kid, unseal, verified_payload
from routecare.exchange.keys import decryption_keys
from routecare.exchange.models import ExchangePackage, ExchangePartner
from routecare.exchange.package_schema import FIELDS, Envelope, package_model
from routecare.exchange.partners import partner_keys, refusal, sender_of_kid


@dataclass(frozen=True)
class Received:
    reference: str
    created: bool
    package_id: str


class PackageRefused(InvalidInput):
    """A package refused on receipt; `code` is what the audit entry records."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def receive_package(deployment: Deployment, token: str, *, transport: str = "file") -> Received:
    """Verify and import one package (see the module docstring); PackageRefused says why not."""
    try:
        return _receive(deployment, token, transport)
    except PackageRefused as refused:
        with deployment.database.transaction() as session:
            audit.record(
                session,
                deployment.keyring.audit_key,
                action="exchange.package.receive",
                outcome="refused",
                detail={"reason": refused.code, "transport": transport},
            )
        raise


def _receive(deployment: Deployment, token: str, transport: str) -> Received:
    now = utcnow()
    with deployment.database.transaction() as session:
        partner, body = _verified(session, deployment, token, now)
        earlier = session.execute(
            select(Case.reference)
            .join(ExchangePackage, ExchangePackage.case_id == Case.id)
            .where(
                ExchangePackage.direction == "received",
                ExchangePackage.package_id == body.package_id,
            )
        ).scalar()
        if earlier is not None:
            _audit(session, deployment, "exchange.package.repeat", partner, body, transport)
            return Received(reference=earlier, created=False, package_id=body.package_id)
        case = add_case(session, deployment, _intake(session), _case_in(body))
        session.add(
            ExchangePackage(
                package_id=body.package_id,
                direction="received",
                partner_id=partner.id,
                purpose=body.purpose.value,
                schema_version=body.schema_version,
                case_id=case.id,
                partner_case=body.sender.case,
                fields=" ".join(sorted(_child(body))),
                issued_at=body.issued_at,
                expires_at=body.expires_at,
                recorded_at=now,
            )
        )
        _audit(session, deployment, "exchange.package.receive", partner, body, transport, case)
        return Received(reference=case.reference, created=True, package_id=body.package_id)


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
