"""Writes of the exchange's registry and consents. The partner registry is kept by the
deployment's operator (the national coordinator's office, at the command line), like the
linkage partners' files; consented fields are recorded by whoever manages the case."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.cases.models import CaseConsent
from routecare.cases.records import managed_case
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Conflict, InvalidInput, NotFound
from routecare.exchange.models import ExchangeConsentFields, ExchangePartner
from routecare.exchange.package_schema import PURPOSE_FIELDS
from routecare.exchange.partners import partner_named, present_partner
from routecare.exchange.schemas import PartnerIn, PartnerOut
from routecare.exchange.vocabulary import Purpose


def register_partner(deployment: Deployment, data: PartnerIn) -> PartnerOut:
    """Add a partner deployment to the registry (a name registered once: suspend it, or
    register the partner under a new name after a new agreement)."""
    with deployment.database.transaction() as session:
        if partner_named(session, data.name) is not None:
            raise Conflict(f"partner {data.name} is already registered")
        partner = ExchangePartner(
            name=data.name,
            organisation=data.organisation,
            country=data.country,
            jwks=json.dumps(data.jwks),
            base_url=str(data.base_url) if data.base_url else None,
            purposes=" ".join(sorted({purpose.value for purpose in data.purposes})),
            agreement=data.agreement,
            dpia=data.dpia,
            expires_at=data.expires_at,
            created_at=utcnow(),
        )
        session.add(partner)
        session.flush()
        _audit(session, deployment, "exchange.partner.register", partner)
        return present_partner(partner)


def suspend_partner(
    deployment: Deployment, name: str, principal: Principal | None = None
) -> PartnerOut:
    """Stop every exchange with a partner at once, both ways (idempotent). `principal` is the
    data-protection officer on the oversight page (checked, audited as the actor); None is the
    operator's CLI."""
    if principal is not None:
        require(principal, Permission.EXCHANGE_OVERSIGHT)
    with deployment.database.transaction() as session:
        partner = partner_named(session, name)
        if partner is None:
            raise NotFound(f"no partner named {name}")
        if partner.suspended_at is None:
            partner.suspended_at = utcnow()
            _audit(session, deployment, "exchange.partner.suspend", partner, principal)
        return present_partner(partner)


def record_consented_fields(
    deployment: Deployment,
    principal: Principal,
    reference: str,
    consent_id: int,
    fields: list[str],
    partner_name: str | None = None,
) -> list[str]:
    """Record which package fields a cross-border consent of the case covers (for one partner,
    or any partner allowed the consent's purpose). Returns the fields recorded."""
    require(principal, Permission.CASE_WRITE)
    now = utcnow()
    with deployment.database.transaction() as session:
        case, child = managed_case(session, principal, reference, now)
        consent = session.get(CaseConsent, consent_id)
        if consent is None or consent.case_id != case.id or consent.scope != "cross_border":
            raise NotFound("no cross-border consent with that id on this case")
        try:
            allowed = PURPOSE_FIELDS[Purpose(consent.purpose)]
        except ValueError as error:
            raise InvalidInput("the consent's purpose is not an exchange purpose") from error
        unknown = sorted(set(fields) - set(allowed))
        if unknown or not fields:
            raise InvalidInput(f"fields not in the {consent.purpose} schema: {unknown}")
        partner_id = _partner_id(session, partner_name)
        session.add(
            ExchangeConsentFields(
                consent_id=consent.id,
                partner_id=partner_id,
                fields=" ".join(sorted(set(fields))),
                recorded_at=now,
                recorded_by_user_id=principal.user_id,
            )
        )
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="exchange.consent.fields",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="case",
            subject_id=case.id,
            detail={"consent": consent.id, "partner": partner_id, "fields": sorted(set(fields))},
            children=[child.id],
        )
    return sorted(set(fields))


def _partner_id(session: Session, name: str | None) -> int | None:
    if name is None:
        return None
    found = session.scalar(select(ExchangePartner.id).where(ExchangePartner.name == name))
    if found is None:
        raise NotFound(f"no partner named {name}")
    return found


def _audit(
    session: Session,
    deployment: Deployment,
    action: str,
    partner: ExchangePartner,
    principal: Principal | None = None,
) -> None:
    audit.record(
        session,
        deployment.keyring.audit_key,
        action=action,
        actor_user_id=principal.user_id if principal else None,
        actor_organisation_id=principal.organisation_id if principal else None,
        subject_type="exchange_partner",
        subject_id=partner.id,
        detail={"partner": partner.name, "purposes": partner.purposes.split()},
    )
