"""Two registrations found to be the same child: the records are linked, the earlier case
continues and the later one is closed as a duplicate. Nothing is deleted: the closed case keeps
its notes, tasks and history, and points to the case that continues."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.auth.principal import Principal
from routecare.cases import sop
from routecare.cases.models import Case, CaseLink
from routecare.cases.records import audit_case
from routecare.cases.vocabulary import ClosureReason, LinkRelation, Stage
from routecare.children.models import Child
from routecare.clock import utcnow
from routecare.deployment import Deployment


def merge_same_child(
    session: Session, deployment: Deployment, principal: Principal, child: Child, other: Child
) -> str | None:
    """Link the two children's cases as the same child and close the later-opened one as a
    duplicate, inside the caller's transaction (both records are the caller's organisation's).

    Returns the reference of the case that continues, or None when either child has no case
    (a registration without a case has nothing to close)."""
    cases = (
        session.execute(
            select(Case)
            .where(Case.child_id.in_([child.id, other.id]))
            .order_by(Case.opened_at, Case.id)
            .with_for_update()
        )
        .scalars()
        .all()
    )
    if len(cases) < 2:
        return None
    kept, duplicate = cases
    now = utcnow()
    low, high = sorted((kept.id, duplicate.id))
    session.add(
        CaseLink(
            case_id=low,
            other_case_id=high,
            relation=LinkRelation.SAME_CHILD.value,
            created_at=now,
            created_by_user_id=principal.user_id,
        )
    )
    closed_from = duplicate.stage
    if closed_from != Stage.CLOSURE.value or duplicate.closure_reason is None:
        duplicate.stage = Stage.CLOSURE.value
        duplicate.closure_reason = ClosureReason.DUPLICATE.value
        duplicate.status = sop.status_for(Stage.CLOSURE, duplicate.closure_reason).value
        duplicate.version += 1
        duplicate.updated_at = now
    detail = {"kept_case_id": kept.id, "duplicate_case_id": duplicate.id, "from": closed_from}
    audit_case(session, deployment, principal, "case.closed_as_duplicate", duplicate, detail)
    audit_case(session, deployment, principal, "case.duplicate_linked", kept, detail)
    return kept.reference
