"""One live bed per child: a second reservation for a child who already holds or occupies a
bed is refused, unless a supervisor of the case's organisation overrides it with a reason. The
reason becomes a case note (encrypted with the child's key, with its author and time), so the
case keeps why the child holds two beds."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.auth.policy import Permission, allows, may_manage_child
from routecare.auth.principal import Principal
from routecare.cases.models import Case, CaseNote
from routecare.children.models import Child
from routecare.children.records import cipher_for
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Conflict, Forbidden
from routecare.placement.models import BedReservation

LIVE = ("held", "arrived")  # a bed kept for the child, or the bed the child sleeps in


def check_one_bed(
    session: Session,
    deployment: Deployment,
    principal: Principal,
    case_reference: str | None,
    override_reason: str | None,
) -> int | None:
    """Refuse a second live bed for the case's child, or record the supervisor's override.

    Locks the case row first, so parallel reservations for one child are decided one after
    the other (PostgreSQL; SQLite writes are serialised already). Returns the id of the case
    note holding the override's reason, or None when no override was needed."""
    if case_reference is None:
        return None
    row = session.execute(
        select(Case, Child)
        .join(Child, Child.id == Case.child_id)
        .where(Case.reference == case_reference)
        .with_for_update(of=Case)
    ).first()
    if row is None:
        return None
    case, child = row
    live = session.execute(
        select(BedReservation.id).where(
            BedReservation.case_reference == case_reference, BedReservation.status.in_(LIVE)
        )
    ).first()
    if live is None:
        return None
    if override_reason is None:
        raise Conflict(
            f"this child already holds a bed (reservation {live[0]}); release it first, or a"
            " supervisor may override with a reason"
        )
    if not allows(principal, Permission.CASE_APPROVE) or not may_manage_child(
        principal, child.owner_organisation_id
    ):
        raise Forbidden("only a supervisor of the case's organisation may hold a second bed")
    body = cipher_for(deployment.keyring, child).encrypt("case.note", override_reason)
    assert body is not None
    note = CaseNote(
        case_id=case.id, body=body, created_at=utcnow(), author_user_id=principal.user_id
    )
    session.add(note)
    session.flush()
    return note.id
