"""Reading the audit trail (data-protection officers) and checking its integrity."""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import and_, or_, select

from routecare import audit
from routecare.audit.models import AuditEntry, AuditSubject
from routecare.audit.verify import Verification, verify_chain
from routecare.auth.policy import Permission, may_read_child_trail, require
from routecare.auth.principal import Principal
from routecare.cases.models import Case
from routecare.children.models import Child
from routecare.deployment import Deployment
from routecare.errors import NotFound

# Detail keys that say why something was done: a share's purpose, a referral's reason.
REASON_KEYS = ("purpose", "reason")


class AuditEntryOut(BaseModel):
    """One audit entry: ids and codes only, never a name."""

    id: int = Field(description="Sequence number in the chain.")
    at: datetime
    actor_user_id: int | None
    actor_organisation_id: int | None
    action: str = Field(description="What was done, e.g. `child.read`, `case.search`.")
    subject_type: str | None
    subject_id: str | None
    outcome: str
    reason: str | None = Field(
        None, description="Why, where the action records one (a share's purpose, a reason code)."
    )

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        detail = json.loads(entry.detail or "{}")
        reason = next((str(detail[key]) for key in REASON_KEYS if detail.get(key)), None)
        return cls(
            id=entry.id,
            at=entry.at,
            actor_user_id=entry.actor_user_id,
            actor_organisation_id=entry.actor_organisation_id,
            action=entry.action,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            outcome=entry.outcome,
            reason=reason,
        )


def recent_entries(
    deployment: Deployment, principal: Principal, *, limit: int = 100, before_id: int | None = None
) -> list[AuditEntryOut]:
    """Newest entries first; the reading itself is audited."""
    require(principal, Permission.AUDIT_READ)
    with deployment.database.transaction() as session:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(AuditEntry.id < before_id)
        entries = [AuditEntryOut.of(e) for e in session.execute(query).scalars()]
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="audit.read",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            detail={"count": len(entries)},
        )
        return entries


def child_trail(
    deployment: Deployment,
    principal: Principal,
    reference: str,
    *,
    limit: int = 100,
    before_id: int | None = None,
) -> list[AuditEntryOut]:
    """Every entry that touched one child, newest first: writes on the record, its case and
    their sub-records, reads of them, and list and search pages that showed the child.

    Parameters: `reference` is the child's (and its case's) reference; a record of another
    organisation, or none, answers 404 like every record the reader may not see. Erased
    records still answer. `before_id` pages backwards. The query itself is audited."""
    require(principal, Permission.AUDIT_READ)
    with deployment.database.transaction() as session:
        child = session.execute(select(Child).where(Child.reference == reference)).scalar()
        if child is None or not may_read_child_trail(principal, child.owner_organisation_id):
            raise NotFound("no child record with that reference")
        case_ids = [
            str(case_id)
            for case_id in session.execute(select(Case.id).where(Case.child_id == child.id))
            .scalars()
            .all()
        ]
        query = select(AuditEntry).where(
            or_(
                AuditEntry.id.in_(
                    select(AuditSubject.entry_id).where(AuditSubject.child_id == child.id)
                ),
                # Entries written before the children of an entry were recorded.
                and_(AuditEntry.subject_type == "child", AuditEntry.subject_id == str(child.id)),
                and_(AuditEntry.subject_type == "case", AuditEntry.subject_id.in_(case_ids)),
            )
        )
        if before_id is not None:
            query = query.where(AuditEntry.id < before_id)
        query = query.order_by(AuditEntry.id.desc()).limit(limit)
        entries = [AuditEntryOut.of(e) for e in session.execute(query).scalars()]
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="audit.child_trail.read",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
            subject_type="child",
            subject_id=child.id,
            detail={"count": len(entries)},
        )
        return entries


def verify(deployment: Deployment) -> Verification:
    """Walk the whole chain and compare it with the witness (CLI: `routecare audit verify`)."""
    with deployment.database.transaction() as session:
        return verify_chain(session, deployment.keyring.audit_key, deployment.audit_witness)


def repair_witness(deployment: Deployment) -> int:
    """Witness the entries the witness lacks, only when that is the chain's sole problem
    (CLI: `routecare audit verify --repair-witness`); returns how many entries were added.

    Unwitnessed entries carry valid chain MACs, which only the audit key's holder can make,
    so they were written by the application: a crash between commit and witness write, or a
    deployment that predates the witness. Anything else wrong leaves the witness untouched.
    """
    verification = verify(deployment)
    if not verification.unwitnessed or any(
        problem.kind != "unwitnessed" for problem in verification.problems
    ):
        return 0
    deployment.audit_witness.append_now(verification.unwitnessed)
    with deployment.database.transaction() as session:
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="audit.witness.repair",
            detail={
                "count": len(verification.unwitnessed),
                "first": verification.unwitnessed[0][0],
                "last": verification.unwitnessed[-1][0],
            },
        )
    return len(verification.unwitnessed)
