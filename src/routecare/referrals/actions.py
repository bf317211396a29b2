"""Writes of referrals: sending one, and each step of its life.

Sending checks consent and eligibility and creates the purpose-bound share in the same
transaction, so a refused referral leaves nothing behind; ending one revokes the share.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth.policy import Permission, may_move_referral, may_refer_to_service, require
from routecare.auth.principal import Principal
from routecare.cases.records import managed_case
from routecare.children.models import ChildShare
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Conflict, InvalidInput, NotFound
from routecare.referrals.checks import check_consent_stands, check_eligibility, covering_consent
from routecare.referrals.models import Referral
from routecare.referrals.records import present_referral, referral_child_id
from routecare.referrals.schemas import DeclineIn, ReferralIn, ReferralOut
from routecare.referrals.workflow import ENDED, NEEDS_LIVE_CONSENT, STEPS, Side, State, Step
from routecare.services.models import Service
from routecare.services.records import refuse_if_disabled

URGENT_RESPONSE = timedelta(hours=24)
ROUTINE_RESPONSE = timedelta(hours=72)


def send_referral(deployment: Deployment, principal: Principal, data: ReferralIn) -> ReferralOut:
    """Refer the organisation's own case to a service (422 naming the consent or eligibility
    rule that fails; nothing is saved then)."""
    require(principal, Permission.REFERRAL_SEND)
    now = utcnow()
    with deployment.database.transaction() as session:
        case, child = managed_case(session, principal, data.case, now)
        service = session.get(Service, data.service_id)
        if service is None or not service.is_active:
            raise NotFound("no service with that id")
        refuse_if_disabled(session, service.organisation_id)
        if not may_refer_to_service(principal, service.organisation_id):
            raise InvalidInput("referral.own_service: refer to another organisation's service")
        consent = covering_consent(session, case, data.purpose, service.organisation_id, now)
        check_eligibility(service, case, child)
        share = ChildShare(
            child_id=child.id,
            organisation_id=service.organisation_id,
            fields=" ".join(data.fields),
            purpose=data.purpose,
            granted_at=now,
            granted_by_user_id=principal.user_id,
            ends_at=consent.expires_at,  # the receiver's access ends with the consent
        )
        session.add(share)
        session.flush()
        if data.respond_within_hours is not None:
            respond_in = timedelta(hours=data.respond_within_hours)
        else:
            respond_in = URGENT_RESPONSE if data.urgent else ROUTINE_RESPONSE
        referral = Referral(
            case_id=case.id,
            service_id=service.id,
            sending_organisation_id=principal.organisation_id,
            receiving_organisation_id=service.organisation_id,
            country=service.country,
            state=State.SENT.value,
            purpose=data.purpose,
            reason=data.reason.value,
            urgent=data.urgent,
            respond_by=now + respond_in,
            consent_id=consent.id,
            share_id=share.id,
            sent_by_user_id=principal.user_id,
            sent_at=now,
        )
        session.add(referral)
        session.flush()
        _audit(
            deployment,
            session,
            principal,
            referral,
            "referral.send",
            {
                "child_id": child.id,
                "share_id": share.id,
                "consent_id": consent.id,
                "fields": data.fields,
            },
        )
        return present_referral(session, deployment.keyring, principal, referral, now)


def take_step(
    deployment: Deployment,
    principal: Principal,
    referral_id: int,
    step: Step,
    decline: DeclineIn | None = None,
) -> ReferralOut:
    """Move a referral one step; the receiving organisation answers, the sender withdraws."""
    side, allowed_from, target = STEPS[step]
    require(
        principal, Permission.REFERRAL_SEND if side is Side.SENDER else Permission.REFERRAL_RESPOND
    )
    if step is Step.DECLINE and decline is None:
        raise InvalidInput("decline needs a reason")
    now = utcnow()
    with deployment.database.transaction() as session:
        referral = session.get(Referral, referral_id, with_for_update=True)
        if referral is None or not may_move_referral(
            principal, referral.sending_organisation_id, referral.receiving_organisation_id, side
        ):
            raise NotFound("no referral of yours with that id")
        if State(referral.state) not in allowed_from:
            raise Conflict(f"a {referral.state} referral cannot be {target.value}")
        if step in NEEDS_LIVE_CONSENT:
            check_consent_stands(session, referral.consent_id, now)
        referral.state = target.value
        if target is State.ACCEPTED:
            referral.accepted_at = now
        if target is State.SERVICE_STARTED:
            referral.started_at = now
        if target is State.DECLINED and decline is not None:
            referral.decline_reason = decline.reason.value
        if target in ENDED:
            referral.ended_at = now
            share = session.get(ChildShare, referral.share_id)
            assert share is not None
            if share.revoked_at is None:
                share.revoked_at = now
        session.flush()
        _audit(
            deployment,
            session,
            principal,
            referral,
            f"referral.{step.value}",
            {"state": target.value},
        )
        return present_referral(session, deployment.keyring, principal, referral, now)


def _audit(
    deployment: Deployment,
    session: Session,
    principal: Principal,
    referral: Referral,
    action: str,
    detail: dict[str, object],
) -> None:
    audit.record(
        session,
        deployment.keyring.audit_key,
        action=action,
        actor_user_id=principal.user_id,
        actor_organisation_id=principal.organisation_id,
        subject_type="referral",
        subject_id=referral.id,
        detail={"case_id": referral.case_id, "service_id": referral.service_id, **detail},
        children=[referral_child_id(session, referral)],
    )
