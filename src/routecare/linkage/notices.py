"""Match notices: "this case may be a child a partner registered too", for coordinators.

Created when a possible match at registration involves another organisation's record not
shared with the case worker's (the case worker is told only that one was sent for review),
when a case worker confirms a match with another organisation's record they may see, and when
a partner deployment's encodings match ours (`routecare linkage notices-from`). A notice names
the partner and its opaque record id, never an identity; the coordinators take it from there.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.auth.models import Organisation
from routecare.children.models import Child
from routecare.clock import utcnow
from routecare.linkage.candidates import Candidate
from routecare.linkage.models import ChildEncoding, MatchNotice
from routecare.linkage.schemas import MatchNoticeOut


def add_notice(
    session: Session, child: Child, partner: str, partner_record_id: str, score: float, band: str
) -> MatchNotice | None:
    """A notice for the child's country, or None when the same one exists already."""
    exists = session.execute(
        select(MatchNotice.id).where(
            MatchNotice.child_id == child.id,
            MatchNotice.partner == partner,
            MatchNotice.partner_record_id == partner_record_id,
        )
    ).first()
    if exists:
        return None
    country = session.execute(
        select(Organisation.country).where(Organisation.id == child.owner_organisation_id)
    ).scalar_one()
    notice = MatchNotice(
        child_id=child.id,
        country=country,
        partner=partner,
        partner_record_id=partner_record_id,
        score=score,
        band=band,
        created_at=utcnow(),
    )
    session.add(notice)
    session.flush()
    return notice


def cross_notices(session: Session, child: Child, other: Child, candidate: Candidate) -> list[int]:
    """One notice per side of a pair of this deployment's records (none made twice): each case
    names the other organisation and the other record's opaque linkage id, for the
    coordinators to bring the two organisations together."""
    ids = []
    for mine, theirs in ((child, other), (other, child)):
        partner = session.execute(
            select(Organisation.name).where(Organisation.id == theirs.owner_organisation_id)
        ).scalar_one()
        notice = add_notice(
            session, mine, partner, linkage_id_of(session, theirs), candidate.score, candidate.band
        )
        if notice is not None:
            ids.append(notice.id)
    return ids


def linkage_id_of(session: Session, child: Child) -> str:
    return session.execute(
        select(ChildEncoding.linkage_id).where(ChildEncoding.child_id == child.id)
    ).scalar_one()


def mirror_of(session: Session, notice: MatchNotice) -> MatchNotice | None:
    """The notice on the other side of a pair of this deployment's records, if there is one."""
    other = session.execute(
        select(Child)
        .join(ChildEncoding, ChildEncoding.child_id == Child.id)
        .join(Organisation, Organisation.id == Child.owner_organisation_id)
        .where(
            ChildEncoding.linkage_id == notice.partner_record_id,
            Organisation.name == notice.partner,
        )
    ).scalar()
    if other is None:
        return None  # a partner deployment's record
    mine = session.execute(select(Child).where(Child.id == notice.child_id)).scalar_one()
    return session.execute(
        select(MatchNotice).where(
            MatchNotice.child_id == other.id,
            MatchNotice.partner_record_id == linkage_id_of(session, mine),
        )
    ).scalar()


def notice_out(notice: MatchNotice, child: Child, organisation: Organisation) -> MatchNoticeOut:
    return MatchNoticeOut(
        id=notice.id,
        case_reference=child.reference,
        organisation=organisation.name,
        partner=notice.partner,
        partner_record_id=notice.partner_record_id,
        score=notice.score,
        band=notice.band,
        created_at=notice.created_at,
        reviewed_at=notice.reviewed_at,
        same_child=notice.same_child,
    )
