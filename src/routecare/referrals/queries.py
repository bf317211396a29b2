"""Reads of referrals: one referral, a work list, and the coordinator's flow figures."""

from __future__ import annotations

from datetime import timedelta
from statistics import median

from sqlalchemy import func, select

from routecare import audit
from routecare.auth.policy import (
    Permission,
    may_see_referral,
    of_own_country,
    of_own_organisation,
    require,
)
from routecare.auth.principal import Principal
from routecare.children.models import Child, ChildShare
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import NotFound
from routecare.observatory.disclosure.hypercube import ALL
from routecare.observatory.disclosure.suppression import protect_counts
from routecare.observatory.one_way import protected_one_way
from routecare.referrals.models import Referral
from routecare.referrals.records import present_referral, referral_child_id
from routecare.referrals.schemas import ReferralFlows, ReferralOut, StateCount
from routecare.referrals.workflow import State
from routecare.services.models import Service

LIST_LIMIT = 200
FLOW_WINDOW = timedelta(days=90)
FLOW_DIMS = ("state", "service_kind")


def read_referral(deployment: Deployment, principal: Principal, referral_id: int) -> ReferralOut:
    """One referral for its sending or receiving organisation; anyone else gets 404."""
    require(principal, Permission.REFERRAL_READ)
    now = utcnow()
    with deployment.database.transaction() as session:
        referral = session.get(Referral, referral_id)
        if referral is None or not may_see_referral(
            principal, referral.sending_organisation_id, referral.receiving_organisation_id
        ):
            raise NotFound("no referral of yours with that id")
        out = present_referral(session, deployment.keyring, principal, referral, now)
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="referral.read",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="referral",
            subject_id=referral.id,
            detail={"case_id": referral.case_id, "child_fields": out.fields if out.child else []},
            children=[referral_child_id(session, referral)],
        )
        return out


def list_referrals(
    deployment: Deployment,
    principal: Principal,
    *,
    case: str | None = None,
    state: State | None = None,
) -> list[ReferralOut]:
    """Referrals the organisation sent or received, newest first, without child fields."""
    require(principal, Permission.REFERRAL_READ)
    now = utcnow()
    query = select(Referral).where(
        of_own_organisation(
            principal, Referral.sending_organisation_id, Referral.receiving_organisation_id
        )
    )
    if state is not None:
        query = query.where(Referral.state == state.value)
    if case is not None:
        query = (
            query.join(ChildShare, ChildShare.id == Referral.share_id)
            .join(Child, Child.id == ChildShare.child_id)
            .where(Child.reference == case)
        )
    with deployment.database.transaction() as session:
        rows = session.execute(
            query.order_by(Referral.sent_at.desc(), Referral.id.desc()).limit(LIST_LIMIT)
        ).scalars()
        presented = [
            (r, present_referral(session, deployment.keyring, principal, r, now, with_child=False))
            for r in rows
        ]
        if case is not None:
            # An ended referral no longer names its case to the receiver: drop it here too.
            presented = [(r, out) for r, out in presented if out.case == case]
        found = [out for _, out in presented]
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="referral.list",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            detail={"count": len(found)},
            # The children whose case the page names; an ended referral no longer names it.
            children=[referral_child_id(session, r) for r, out in presented if out.case],
        )
        return found


def referral_flows(deployment: Deployment, principal: Principal) -> ReferralFlows:
    """Counts by state and service kind, time to accept, overdue answers: for the user's
    country over the last 90 days. Aggregates only, through disclosure control: the state ×
    kind table is protected whole and only its margins are shown, so no small count (nor one
    recomputable from the totals) appears; a figure about fewer than k referrals is hidden."""
    require(principal, Permission.REFERRAL_FLOWS)
    now = utcnow()
    k = deployment.settings.k_for(principal.country)
    recent = (of_own_country(principal, Referral.country), Referral.sent_at >= now - FLOW_WINDOW)
    with deployment.database.transaction() as session:
        rows = session.execute(
            select(Referral.state, Service.kind, func.count())
            .select_from(Referral)
            .join(Service, Service.id == Referral.service_id)
            .where(*recent)
            .group_by(Referral.state, Service.kind)
        ).all()
        accepted = session.execute(
            select(Referral.sent_at, Referral.accepted_at).where(
                *recent, Referral.accepted_at.is_not(None)
            )
        ).all()
        waiting = (
            session.execute(
                select(Referral.respond_by).where(*recent, Referral.state == State.SENT.value)
            )
            .scalars()
            .all()
        )
    table = protect_counts({(state, kind): count for state, kind, count in rows}, FLOW_DIMS, k)
    shown = {cell.key: cell.count for cell in table.cells}
    kinds = sorted({kind for _, kind, _ in rows})
    overdue = [respond_by for respond_by in waiting if respond_by < now]
    late, _ = protected_one_way(
        {"overdue": len(overdue), "on_time": len(waiting) - len(overdue)}, "answer", k
    )
    hours = [(acc - sent).total_seconds() / 3600 for sent, acc in accepted if acc is not None]
    return ReferralFlows(
        country=principal.country,
        k=k,
        total=shown.get((ALL, ALL), 0),
        by_state=[StateCount(state=s, count=shown.get((s.value, ALL), 0)) for s in State],
        by_service_kind={kind: shown[(ALL, kind)] for kind in kinds},
        median_hours_to_accept=round(median(hours), 1) if len(hours) >= k else None,
        overdue_responses=late["overdue"],
        oldest_overdue_hours=round((now - min(overdue)).total_seconds() / 3600, 1)
        if len(overdue) >= k and late["overdue"] is not None
        else None,
    )
