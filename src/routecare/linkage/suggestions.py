"""Possible matches of one case, each marked with whether its organisation may see the other
record (its own, or shared with it); the others go to the coordinators (`queries`).

Shared by the read (`queries.possible_matches`) and the decision (`actions.decide`), so a
decision can only be taken on a pair the case worker was actually shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from routecare.auth.models import Organisation
from routecare.auth.policy import child_fields_visible, may_manage_child, of_own_country
from routecare.auth.principal import Principal
from routecare.cases.records import visible_case
from routecare.children.models import Child
from routecare.children.records import NOT_FOUND_MESSAGE, grants_of
from routecare.deployment import Deployment
from routecare.errors import NotFound
from routecare.linkage.candidates import Candidate, competing
from routecare.linkage.matching import COMPETING
from routecare.linkage.models import ChildEncoding, LinkageDecision
from routecare.linkage.schemas import PossibleMatch

SHOWN = 10  # a case worker reviews a handful; more would only be namesakes
BANDS = ("probable", "possible")


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    other: Child
    organisation: Organisation
    visible: bool  # may the case worker see the other record (own organisation, or shared)?

    def out(self) -> PossibleMatch:
        """What the case worker is shown; only ever called for a visible suggestion."""
        assert self.visible, "a record the case worker may not see is sent for review instead"
        return PossibleMatch(
            id=self.candidate.record_id,
            organisation=self.organisation.name,
            band=self.candidate.band,
            evidence=self.candidate.evidence,
            case_reference=self.other.reference,
            score=self.candidate.score,
        )


def suggestions_for(
    session: Session, deployment: Deployment, principal: Principal, reference: str, now: datetime
) -> tuple[Child, list[Suggestion]]:
    """The case's child and its undecided possible matches among registrations of the
    user's country; the case must belong to the user's organisation (else 404)."""
    _, child, _ = visible_case(session, principal, reference, now)
    if not may_manage_child(principal, child.owner_organisation_id):
        raise NotFound(NOT_FOUND_MESSAGE)
    own = session.execute(
        select(ChildEncoding.linkage_id).where(ChildEncoding.child_id == child.id)
    ).scalar()
    if own is None:
        return child, []
    decided = select(LinkageDecision.other_child_id).where(LinkageDecision.child_id == child.id)
    decided_back = select(LinkageDecision.child_id).where(
        LinkageDecision.other_child_id == child.id
    )
    skip = set(
        session.execute(
            select(ChildEncoding.linkage_id).where(
                or_(ChildEncoding.child_id.in_(decided), ChildEncoding.child_id.in_(decided_back))
            )
        ).scalars()
    )
    found = [
        c for c in deployment.linkage_index.candidates(session, own, skip) if c.score >= COMPETING
    ]
    rows = session.execute(
        select(ChildEncoding.linkage_id, Child, Organisation)
        .join(Child, Child.id == ChildEncoding.child_id)
        .join(Organisation, Organisation.id == Child.owner_organisation_id)
        .where(
            ChildEncoding.linkage_id.in_([c.record_id for c in found]),
            Child.erased_at.is_(None),
            of_own_country(principal, Organisation.country),
        )
    ).all()
    records = {linkage_id: (other, organisation) for linkage_id, other, organisation in rows}
    suggestions = []
    for candidate in competing([c for c in found if c.record_id in records]):
        if candidate.band not in BANDS:
            continue
        other, organisation = records[candidate.record_id]
        fields = child_fields_visible(
            principal, other.owner_organisation_id, grants_of(session, other.id), now
        )
        suggestions.append(Suggestion(candidate, other, organisation, bool(fields)))
    return child, suggestions[:SHOWN]
