"""Presenting a referral to one reader: the sender sees the case, the receiver sees only the
shared fields and only while the referral is live."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from routecare.auth.policy import ReferralSide, child_fields_visible, referral_side
from routecare.auth.principal import Principal
from routecare.children.models import Child, ChildShare
from routecare.children.records import grants_of, present
from routecare.crypto import Keyring
from routecare.referrals.models import Referral
from routecare.referrals.schemas import ReferralOut
from routecare.referrals.workflow import ENDED, DeclineReason, ReferralReason, State
from routecare.services.models import Service
from routecare.services.schemas import ServiceKind


def referral_child_id(session: Session, referral: Referral) -> int:
    """The child a referral is about (through the share it was sent with)."""
    share = session.get(ChildShare, referral.share_id)
    assert share is not None
    return share.child_id


def present_referral(
    session: Session,
    keyring: Keyring,
    principal: Principal,
    referral: Referral,
    now: datetime,
    *,
    with_child: bool = True,
) -> ReferralOut:
    service = session.get(Service, referral.service_id)
    share = session.get(ChildShare, referral.share_id)
    assert service is not None and share is not None
    out = ReferralOut(
        id=referral.id,
        state=State(referral.state),
        service_id=service.id,
        service_name=service.name,
        service_kind=ServiceKind(service.kind),
        sending_organisation_id=referral.sending_organisation_id,
        receiving_organisation_id=referral.receiving_organisation_id,
        purpose=referral.purpose,
        reason=ReferralReason(referral.reason),
        urgent=referral.urgent,
        respond_by=referral.respond_by,
        overdue=referral.state == State.SENT and referral.respond_by < now,
        decline_reason=DeclineReason(referral.decline_reason) if referral.decline_reason else None,
        sent_at=referral.sent_at,
        accepted_at=referral.accepted_at,
        started_at=referral.started_at,
        ended_at=referral.ended_at,
        fields=share.fields.split(),
    )
    side = referral_side(
        principal, referral.sending_organisation_id, referral.receiving_organisation_id
    )
    is_sender = side is ReferralSide.SENDER
    if not is_sender and State(referral.state) in ENDED:
        return out
    child = session.get(Child, share.child_id)
    assert child is not None
    out.case = child.reference
    if with_child and child.erased_at is None:
        fields = child_fields_visible(
            principal, child.owner_organisation_id, grants_of(session, child.id), now
        )
        if fields:
            out.child = present(keyring, child, fields)
    return out


def revoke_shares_under_consent(session: Session, consent_id: int, now: datetime) -> None:
    """A withdrawn consent ends, at once, the access of every organisation referred under it."""
    session.execute(
        update(ChildShare)
        .where(
            ChildShare.id.in_(select(Referral.share_id).where(Referral.consent_id == consent_id)),
            ChildShare.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
