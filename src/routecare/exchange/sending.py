"""Packing one case for a partner: the registry is asked first (nothing is read for a partner
that may not receive the purpose), then the consent, then only the consented fields are read,
put in the purpose's schema, signed and encrypted to the partner."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth.models import Organisation
from routecare.auth.principal import Principal
from routecare.cases.models import Case, CaseConsent
from routecare.cases.records import case_value
from routecare.children.models import Child
from routecare.children.records import cipher_for
from routecare.clock import utcnow
from routecare.crypto.envelope import ChildCipher
from routecare.deployment import Deployment
from routecare.errors import Forbidden, InvalidInput, NotFound
from routecare.exchange.case_links import record_encoder, record_of
from routecare.exchange.consents import active_consents, consented_fields
from routecare.exchange.jose import seal
from routecare.exchange.keys import signing_key
from routecare.exchange.models import ExchangePackage, ExchangePartner
from routecare.exchange.outbox import queue
from routecare.exchange.package_schema import FIELDS, SCHEMA_VERSION, package_model
from routecare.exchange.partners import encryption_key_of, sendable_partner
from routecare.exchange.vocabulary import Purpose
from routecare.linkage.encoding import Encoder

PACKAGE_LIFETIME = timedelta(days=14)


@dataclass(frozen=True)
class Packed:
    package_id: str
    token: str
    fields: list[str]


@dataclass(frozen=True)
class PackOrder:
    """One package to build: which case, to whom, why."""

    reference: str
    partner: str
    purpose: str
    reply_to: str | None = None


def pack_case(
    deployment: Deployment,
    reference: str,
    partner_name: str,
    purpose: str,
    *,
    reply_to: str | None = None,
    lifetime: timedelta = PACKAGE_LIFETIME,
    outbox: bool = False,
    actor: Principal | None = None,
) -> Packed:
    """The case's package for the partner and purpose (compact JWE), recorded and audited as
    sent. Refused (Forbidden) for a partner unregistered, suspended, expired or not allowed the
    purpose, before the case is read; without an active cross-border consent covering a field;
    for a safe-return assessment without a recorded best-interests determination. With
    `outbox`, it is also queued for delivery to the partner's inbox in the same transaction.
    `actor`: the user who started it (a coordinator from a match notice), for the audit; None
    for the operator at the command line."""
    order = PackOrder(reference, partner_name, purpose, reply_to)
    return pack_cases(deployment, [order], lifetime=lifetime, outbox=outbox, actor=actor)[0]


def pack_cases(
    deployment: Deployment,
    orders: Sequence[PackOrder],
    *,
    lifetime: timedelta = PACKAGE_LIFETIME,
    outbox: bool = False,
    actor: Principal | None = None,
) -> list[Packed]:
    """`pack_case` for many packages at once, all or nothing: one transaction, our signing key
    and each child's data key read once from the key store. Every package still passes every
    check of `pack_case` and gets its own record and audit entry; one refusal packs none."""
    chosen = [_purpose(order.purpose) for order in orders]
    now = utcnow()
    with deployment.database.transaction() as session:
        signer: Any = None
        ciphers: dict[str, ChildCipher] = {}
        encoders: dict[int, Encoder | None] = {}
        packed = []
        for order, purpose in zip(orders, chosen, strict=True):
            partner = sendable_partner(session, order.partner, purpose.value, now)
            if outbox and not partner.base_url:
                raise Forbidden(f"refused: partner {partner.name} has no URL; send a file instead")
            case, child = _case(session, order.reference)
            consent, fields = _consented(session, case, partner, purpose, now)
            if child.uid not in ciphers:
                ciphers[child.uid] = cipher_for(deployment.keyring, child)
            package_id = uuid.uuid4().hex
            if partner.id not in encoders:
                encoders[partner.id] = record_encoder(session, deployment, partner)
            record = record_of(session, encoders[partner.id], child)
            payload = _payload(
                session,
                ciphers[child.uid],
                package_id,
                purpose,
                case,
                child,
                consent,
                fields,
                record=record,
            )
            payload.update(issued_at=now.isoformat(), expires_at=(now + lifetime).isoformat())
            payload["reply_to"] = order.reply_to
            body = package_model(purpose.value, SCHEMA_VERSION).model_validate(payload)
            if signer is None:
                signer = signing_key(session, deployment)
            token = seal(
                body.model_dump_json(exclude_none=True).encode(),
                signer,
                encryption_key_of(partner),
            )
            _record(
                session,
                deployment,
                partner,
                case,
                child,
                package_id,
                purpose,
                fields,
                now,
                lifetime,
            )
            if actor is not None:
                audit.record(
                    session,
                    deployment.keyring.audit_key,
                    action="exchange.package.start",
                    actor_user_id=actor.user_id,
                    actor_organisation_id=actor.organisation_id,
                    subject_type="case",
                    subject_id=case.id,
                    detail={"package": package_id, "partner": partner.name},
                )
            if outbox:
                queue(session, partner, package_id, token, now)
            packed.append(Packed(package_id=package_id, token=token, fields=fields))
        return packed


def _purpose(purpose: str) -> Purpose:
    try:
        return Purpose(purpose)
    except ValueError as error:
        raise InvalidInput(f"unknown purpose {purpose}") from error


def _consented(
    session: Session, case: Case, partner: ExchangePartner, chosen: Purpose, now: datetime
) -> tuple[CaseConsent, list[str]]:
    """The consent in force that lets fields go to this partner, and those fields; Forbidden
    without one, and for a safe return without a best-interests determination."""
    consents = active_consents(session, case, chosen, now)
    consent, fields = next(
        ((c, f) for c in consents if (f := consented_fields(session, c, partner, chosen))),
        (None, []),
    )
    if consent is None:
        raise Forbidden(
            f"refused: no cross-border consent for {chosen.value} covers any field for "
            f"partner {partner.name}"
        )
    if chosen is Purpose.SAFE_RETURN_ASSESSMENT and case.best_interests_determination is None:
        raise Forbidden(
            "refused: a safe-return assessment needs a recorded best-interests determination"
        )
    return consent, fields


def _case(session: Session, reference: str) -> tuple[Case, Child]:
    found = session.execute(
        select(Case, Child)
        .join(Child, Child.id == Case.child_id)
        .where(Case.reference == reference)
    ).first()
    if found is None or found[1].erased_at is not None:
        raise NotFound("no case with that reference")
    return found[0], found[1]


def _payload(
    session: Session,
    cipher: ChildCipher,
    package_id: str,
    purpose: Purpose,
    case: Case,
    child: Child,
    consent: CaseConsent,
    fields: list[str],
    *,
    record: str | None,
) -> dict[str, object]:
    """The package's content; `record` is the child's record id for the partner
    (`case_links.record_of`; None without an agreed linkage secret, and then left out)."""
    organisation = session.get(Organisation, child.owner_organisation_id)
    assert organisation is not None
    values = {name: case_field_value(cipher, case, child, name) for name in fields}
    return {
        "package_id": package_id,
        "purpose": purpose.value,
        "schema_version": SCHEMA_VERSION,
        "sender": {
            "organisation": organisation.name,
            "country": organisation.country,
            "case": case.reference,
            "record": record,
        },
        "consent": {
            "id": consent.id,
            "scope": consent.scope,
            "purpose": consent.purpose,
            "given_by": consent.given_by,
            "child_assent": consent.child_assent,
            "given_at": consent.given_at.isoformat(),
            "expires_at": consent.expires_at.isoformat() if consent.expires_at else None,
            "fields": fields,
        },
        "child": {name: value for name, value in values.items() if value not in (None, [])},
    }


def case_field_value(cipher: ChildCipher, case: Case, child: Child, name: str) -> object:
    """One package field of our case, read (and decrypted) from where it lives; nothing else
    is read (packing reads the consented fields, linking compares a package with a case)."""
    table, column = FIELDS[name].source.split(".")
    if table == "case":
        return case_value(cipher, case, column)
    if column in {"given_name", "family_name", "other_names", "birth_date"}:
        plain = cipher.decrypt(column, getattr(child, column))
        return date.fromisoformat(plain) if plain and column == "birth_date" else plain
    return getattr(child, column)


def _record(
    session: Session,
    deployment: Deployment,
    partner: ExchangePartner,
    case: Case,
    child: Child,
    package_id: str,
    purpose: Purpose,
    fields: list[str],
    issued: datetime,
    lifetime: timedelta,
) -> None:
    session.add(
        ExchangePackage(
            package_id=package_id,
            direction="sent",
            partner_id=partner.id,
            purpose=purpose.value,
            schema_version=SCHEMA_VERSION,
            case_id=case.id,
            fields=" ".join(fields),
            issued_at=issued,
            expires_at=issued + lifetime,
            recorded_at=issued,
            status="sent",
        )
    )
    audit.record(
        session,
        deployment.keyring.audit_key,
        action="exchange.package.send",
        subject_type="case",
        subject_id=case.id,
        detail={
            "package": package_id,
            "partner": partner.name,
            "purpose": purpose.value,
            "agreement": partner.agreement,
            "fields": fields,
        },
        children=[child.id],
    )
