"""What erasing a child removes, everywhere it reaches, in the caller's transaction.

Erasure destroys, in the key store, every data key that opens something about the child (the
child's, and those of the child's screenings and placement requests; a tombstone stays), then
removes or empties every row that could still identify the child without a key: free text and
uploads, age assessments, links to siblings, name tokens, linkage encodings, match notices and
decisions, and the exact place and profile of placement requests. What the audit trail and the
statistics need stays, as ids, codes and dates: the child row's reference, sex, age and
nationality, the case's stage, status and codes, consents and shares (referrals point at them),
referrals, screenings' outcomes and reservations' status.

`scrub_child` is idempotent and needs no principal, so restoring a backup can replay it for
every child erased after the backup was taken.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, delete, or_, select, update
from sqlalchemy.orm import Session

from routecare.auth.policy import IDENTITY_FIELDS
from routecare.cases.models import (
    AgeAssessment,
    Case,
    CaseDocument,
    CaseLink,
    CaseNote,
    CaseTask,
    NameToken,
)
from routecare.children.models import Child, ChildCorrection
from routecare.clock import utcnow
from routecare.crypto import Keyring
from routecare.crypto.keystore import destroy_data_keys
from routecare.linkage.store import forget_linkage
from routecare.placement.models import BedReservation, PlacementRequest
from routecare.placement.sealing import forget
from routecare.screening.models import Screening

# Every encrypted column of a case (free text under the child's key): emptied, whatever is added.
CASE_CIPHERTEXTS = tuple(
    column.key for column in Case.__table__.columns if isinstance(column.type, LargeBinary)
)


def scrub_child(
    session: Session, keyring: Keyring, child: Child, now: datetime | None = None
) -> None:
    """Erase `child` from every table (see the module docstring); safe to run again, as a
    restore does for every tombstone of the key store (`children.actions.replay_erasures`)."""
    screenings = session.scalars(select(Screening).where(Screening.child_id == child.id)).all()
    requests = session.scalars(
        select(PlacementRequest).where(PlacementRequest.case_reference == child.reference)
    ).all()
    destroy_data_keys(
        keyring, [child.uid, *(s.uid for s in screenings), *(r.uid for r in requests)]
    )
    for field in IDENTITY_FIELDS:
        setattr(child, field, None)
    if child.erased_at is None:
        child.erased_at = now or utcnow()
    # The case search's name tokens would still confirm a guessed name: they go too.
    session.execute(delete(NameToken).where(NameToken.child_id == child.id))
    # Corrections hold earlier values and why they changed.
    session.execute(delete(ChildCorrection).where(ChildCorrection.child_id == child.id))
    # So do its linkage encoding and anything matched on it.
    forget_linkage(session, child.id)
    _scrub_case(session, child)
    for screening in screenings:
        screening.answers = screening.location = screening.no_case_reason = None
    for request in requests:
        forget(request)
    session.execute(
        update(BedReservation)
        .where(BedReservation.case_reference == child.reference)
        .values(case_reference=None)
    )


def _scrub_case(session: Session, child: Child) -> None:
    """Free text and uploads go; stage, status, codes and dates stay for the statistics."""
    case = session.execute(select(Case).where(Case.child_id == child.id)).scalar()
    if case is None:
        return
    for column in CASE_CIPHERTEXTS:
        setattr(case, column, None)
    session.execute(update(CaseTask).where(CaseTask.case_id == case.id).values(title=None))
    for record in (CaseNote, CaseDocument, AgeAssessment):
        session.execute(delete(record).where(record.case_id == case.id))
    # Who the child's siblings and companions are identifies the child (and them).
    session.execute(
        delete(CaseLink).where(or_(CaseLink.case_id == case.id, CaseLink.other_case_id == case.id))
    )
