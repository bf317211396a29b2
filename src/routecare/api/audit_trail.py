"""/api/v1/audit: the audit trail for data-protection officers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from routecare.api.responses import PROTECTED
from routecare.audit.queries import AuditEntryOut, recent_entries
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.storage.base import MAX_ID

router = APIRouter(prefix="/audit", tags=["audit"], responses=PROTECTED)


@router.get("")
def list_audit_entries(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[AuditEntryOut]:
    """Newest entries first; ids and codes only."""
    return recent_entries(deployment, principal, limit=limit, before_id=before_id)
