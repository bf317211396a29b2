"""Reading the audit trail (data-protection officers) and checking its integrity."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select

from routecare import audit
from routecare.audit.models import AuditEntry
from routecare.audit.verify import Verification, verify_chain
from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.deployment import Deployment


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor_user_id: int | None
    actor_organisation_id: int | None
    action: str
    subject_type: str | None
    subject_id: str | None
    outcome: str


def recent_entries(
    deployment: Deployment, principal: Principal, *, limit: int = 100, before_id: int | None = None
) -> list[AuditEntryOut]:
    """Newest entries first; the reading itself is audited."""
    require(principal, Permission.AUDIT_READ)
    with deployment.database.transaction() as session:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(AuditEntry.id < before_id)
        entries = [
            AuditEntryOut.model_validate(e, from_attributes=True)
            for e in session.execute(query).scalars()
        ]
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="audit.read",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
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
