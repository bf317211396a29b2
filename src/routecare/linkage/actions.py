"""Writes of linkage in the product: a case worker's decision on a possible match they may
see, and a coordinator's review of a match notice (with a verdict, for possible matches the
case worker was not shown). One transaction each, with its audit entry."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth.models import Organisation
from routecare.auth.policy import (
    Permission,
    may_manage_child,
    may_review_match_notice,
    require,
)
from routecare.auth.principal import Principal
from routecare.cases.duplicates import merge_same_child
from routecare.children.models import Child
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import NotFound
from routecare.linkage.models import LinkageDecision, MatchNotice
from routecare.linkage.notices import cross_notices, mirror_of, notice_out
from routecare.linkage.schemas import DecisionIn, DecisionOut, MatchNoticeOut, NoticeReviewIn
from routecare.linkage.suggestions import suggestions_for


def decide(
    deployment: Deployment, principal: Principal, reference: str, match_id: str, data: DecisionIn
) -> DecisionOut:
    """Confirm ("same child") or reject a possible match shown on the case.

    Parameters: `reference` is the case, `match_id` the id of a possible match currently shown
    on it (else 404). A rejected pair is never suggested again; every decision moves the model.
    A confirmed match with another organisation's record (one shared with yours) reveals
    nothing more to either side: it creates a match notice per case for the country's
    coordinators. A confirmed match with a record of your own organisation links the two
    cases: the earlier one continues, the later one is closed as a duplicate (its history
    kept; `cases.duplicates`). Matches you were not shown answer 404 like unknown ones."""
    require(principal, Permission.MATCH_REVIEW)
    now = utcnow()
    with deployment.database.transaction() as session:
        child, suggestions = suggestions_for(session, deployment, principal, reference, now)
        chosen = next(
            (s for s in suggestions if s.visible and s.candidate.record_id == match_id), None
        )
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
        continuing = None
        if data.same_child and may_manage_child(principal, chosen.other.owner_organisation_id):
            require(principal, Permission.CASE_WRITE)
            continuing = merge_same_child(session, deployment, principal, child, chosen.other)
        elif data.same_child:
            notices = cross_notices(session, child, chosen.other, chosen.candidate)
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
            continuing_case=continuing,
        )


def review_notice(
    deployment: Deployment,
    principal: Principal,
    notice_id: int,
    review: NoticeReviewIn | None = None,
) -> MatchNoticeOut:
    """Mark a notice of the coordinator's country reviewed (again: no change); others 404.

    Parameters: `review.same_child`, when given, is the coordinator's verdict. For a pair of
    this deployment's records it is recorded on both sides' notices and as a decision on the
    pair (so a pair judged different is never suggested again, and the model learns from it)."""
    require(principal, Permission.MATCH_NOTICES)
    same_child = review.same_child if review else None
    with deployment.database.transaction() as session:
        row = session.execute(
            select(MatchNotice, Child, Organisation)
            .join(Child, Child.id == MatchNotice.child_id)
            .join(Organisation, Organisation.id == Child.owner_organisation_id)
            .where(MatchNotice.id == notice_id)
        ).first()
        if row is None or not may_review_match_notice(principal, row[0].country):
            raise NotFound("no match notice with that id")
        notice = row[0]
        if notice.reviewed_at is None or (same_child is not None and notice.same_child is None):
            # A verdict is on the pair: the other side's notice gets it too.
            mirror = mirror_of(session, notice) if same_child is not None else None
            for reviewed in (notice, mirror) if mirror else (notice,):
                reviewed.reviewed_at = reviewed.reviewed_at or utcnow()
                reviewed.reviewed_by_user_id = principal.user_id
                reviewed.same_child = same_child
            if mirror is not None and same_child is not None:
                _decide_pair(session, principal, notice.child_id, mirror.child_id, same_child)
            audit.record(
                session,
                deployment.keyring.audit_key,
                action="linkage.notice.review",
                actor_user_id=principal.user_id,
                actor_organisation_id=principal.organisation_id,
                subject_type="match_notice",
                subject_id=notice.id,
                detail={"same_child": same_child, "mirror": mirror.id if mirror else None},
            )
        return notice_out(*row)


def _decide_pair(
    session: Session, principal: Principal, child_id: int, other_child_id: int, same_child: bool
) -> None:
    """The coordinator's verdict as a decision on the pair, unless one was taken already."""
    taken = session.execute(
        select(LinkageDecision.id).where(
            or_(
                (LinkageDecision.child_id == child_id)
                & (LinkageDecision.other_child_id == other_child_id),
                (LinkageDecision.child_id == other_child_id)
                & (LinkageDecision.other_child_id == child_id),
            )
        )
    ).first()
    if taken is None:
        session.add(
            LinkageDecision(
                child_id=child_id,
                other_child_id=other_child_id,
                same_child=same_child,
                decided_at=utcnow(),
                decided_by_user_id=principal.user_id,
            )
        )
