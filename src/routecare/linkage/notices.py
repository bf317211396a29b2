"""Match notices: "this case may be a child a partner registered too", for coordinators.

Created when a case worker confirms a match with another organisation's record, and when a
partner deployment's encodings match ours (`routecare linkage notices-from`). A notice names
the partner and its opaque record id, never an identity; the coordinators take it from there.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.auth.models import Organisation
from routecare.children.models import Child
from routecare.clock import utcnow
from routecare.linkage.models import MatchNotice
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
    )
