"""Reads of linkage in the product, each audited: a case's possible matches (sending those the
reader may not see to the coordinators), and the match notices of the coordinator's country."""

from __future__ import annotations

from sqlalchemy import select

from routecare import audit
from routecare.auth.models import Organisation
from routecare.auth.policy import Permission, of_own_country, require
from routecare.auth.principal import Principal
from routecare.children.models import Child
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.linkage.models import MatchNotice
from routecare.linkage.notices import cross_notices, notice_out
from routecare.linkage.schemas import MatchNoticeOut, PossibleMatches
from routecare.linkage.suggestions import suggestions_for

NOTICES_SHOWN = 200


def possible_matches(
    deployment: Deployment, principal: Principal, reference: str
) -> PossibleMatches:
    """Undecided possible matches of one of the organisation's cases, best first.

    Parameters: `reference` is the case's reference; other organisations' cases answer 404.
    A match with a record the user may not see (another organisation's, not shared with
    theirs) is not shown: it goes to the national coordinators as a match notice on each side
    (made the first time anyone looks, once), and the user learns only how many were sent."""
    require(principal, Permission.MATCH_REVIEW)
    with deployment.database.transaction() as session:
        child, suggestions = suggestions_for(session, deployment, principal, reference, utcnow())
        shown = [s for s in suggestions if s.visible]
        hidden = [s for s in suggestions if not s.visible]
        sent = [n for s in hidden for n in cross_notices(session, child, s.other, s.candidate)]
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="linkage.matches.read",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="child",
            subject_id=child.id,
            detail={"shown": [s.other.id for s in shown], "new_notices": sent},
            children=[s.other.id for s in shown],
        )
        return PossibleMatches(matches=[s.out() for s in shown], sent_for_review=len(hidden))


def list_notices(
    deployment: Deployment, principal: Principal, *, reviewed: bool = False
) -> list[MatchNoticeOut]:
    """Match notices of the coordinator's country, newest first; reviewed ones only when
    `reviewed` is set."""
    require(principal, Permission.MATCH_NOTICES)
    query = (
        select(MatchNotice, Child, Organisation)
        .join(Child, Child.id == MatchNotice.child_id)
        .join(Organisation, Organisation.id == Child.owner_organisation_id)
        .where(of_own_country(principal, MatchNotice.country))
        .order_by(MatchNotice.created_at.desc(), MatchNotice.id.desc())
        .limit(NOTICES_SHOWN)
    )
    if not reviewed:
        query = query.where(MatchNotice.reviewed_at.is_(None))
    with deployment.database.transaction() as session:
        notices = [notice_out(*row) for row in session.execute(query).all()]
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="linkage.notices.read",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            detail={"notices": [n.id for n in notices]},
        )
        return notices
