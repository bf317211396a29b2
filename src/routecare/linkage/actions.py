"""Writes of linkage in the product: a case worker's decision on a possible match, and a
coordinator marking a match notice reviewed. One transaction each, with its audit entry."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth.models import Organisation
from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.children.models import Child
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import NotFound
from routecare.linkage.candidates import Candidate
from routecare.linkage.models import ChildEncoding, LinkageDecision, MatchNotice
from routecare.linkage.notices import add_notice, notice_out
from routecare.linkage.schemas import DecisionIn, DecisionOut, MatchNoticeOut
from routecare.linkage.suggestions import suggestions_for


def decide(
    deployment: Deployment, principal: Principal, reference: str, match_id: str, data: DecisionIn
) -> DecisionOut:
    """Confirm ("same child") or reject a possible match shown on the case.

    Parameters: `reference` is the case, `match_id` the id of a possible match currently shown
    on it (else 404). A rejected pair is never suggested again; every decision moves the model.
    A confirmed match with another organisation's record reveals nothing to either side: it
    creates a match notice per case for the country's coordinators."""
    require(principal, Permission.MATCH_REVIEW)
    now = utcnow()
    with deployment.database.transaction() as session:
        child, suggestions = suggestions_for(session, deployment, principal, reference, now)
        chosen = next((s for s in suggestions if s.candidate.record_id == match_id), None)
        if chosen is None:
            raise NotFound("no undecided possible match with that id on this case")
        decision = LinkageDecision(
            child_id=child.id,
            other_child_id=chosen.other.id,
            same_child=data.same_child,
            decided_at=now,
            decided_by_user_id=principal.user_id,
        )
        session.add(decision)
        session.flush()
        notices = []
        if data.same_child and chosen.other.owner_organisation_id != child.owner_organisation_id:
            notices = _cross_notices(session, child, chosen.other, chosen.candidate)
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="linkage.decide",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="child",
            subject_id=child.id,
            detail={
                "other_child_id": chosen.other.id,
                "same_child": data.same_child,
                "notices": notices,
            },
            children=[chosen.other.id],
        )
        return DecisionOut(
            id=decision.id,
            same_child=data.same_child,
            decided_at=decision.decided_at,
            notices=len(notices),
        )


def _cross_notices(session: Session, child: Child, other: Child, candidate: Candidate) -> list[int]:
    """One notice per side: each case names the other organisation and the other record's
    opaque linkage id, for the coordinators to bring the two organisations together."""
    ids = []
    for mine, theirs in ((child, other), (other, child)):
        partner = session.execute(
            select(Organisation.name).where(Organisation.id == theirs.owner_organisation_id)
        ).scalar_one()
        their_id = session.execute(
            select(ChildEncoding.linkage_id).where(ChildEncoding.child_id == theirs.id)
        ).scalar_one()
        notice = add_notice(session, mine, partner, their_id, candidate.score, candidate.band)
        if notice is not None:
            ids.append(notice.id)
    return ids


def review_notice(deployment: Deployment, principal: Principal, notice_id: int) -> MatchNoticeOut:
    """Mark a notice of the coordinator's country reviewed (again: no change); others 404."""
    require(principal, Permission.MATCH_NOTICES)
    with deployment.database.transaction() as session:
        row = session.execute(
            select(MatchNotice, Child, Organisation)
            .join(Child, Child.id == MatchNotice.child_id)
            .join(Organisation, Organisation.id == Child.owner_organisation_id)
            .where(MatchNotice.id == notice_id, MatchNotice.country == principal.country)
        ).first()
        if row is None:
            raise NotFound("no match notice with that id")
        notice = row[0]
        if notice.reviewed_at is None:
            notice.reviewed_at = utcnow()
            notice.reviewed_by_user_id = principal.user_id
            audit.record(
                session,
                deployment.keyring.audit_key,
                action="linkage.notice.review",
                actor_user_id=principal.user_id,
                actor_organisation_id=principal.organisation_id,
                subject_type="match_notice",
                subject_id=notice.id,
            )
        return notice_out(*row)
