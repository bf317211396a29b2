"""Reading the audit trail (data-protection officers) and checking its integrity."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select

from routecare import audit
from routecare.audit.models import AuditEntry
from routecare.audit.verify import ChainProblem, verify_chain
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


def verify(deployment: Deployment) -> tuple[int, list[ChainProblem]]:
    """Walk the whole chain (CLI: `routecare audit verify`)."""
    with deployment.database.transaction() as session:
        return verify_chain(session, deployment.keyring.audit_key)
