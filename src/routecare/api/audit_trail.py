"""/api/v1/audit: the audit trail for data-protection officers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from routecare.api.responses import RECORD
from routecare.audit.queries import AuditEntryOut, child_trail, recent_entries
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.storage.base import MAX_ID

router = APIRouter(prefix="/audit", tags=["audit"], responses=RECORD)


@router.get("")
def list_audit_entries(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    child: Annotated[
        str | None,
        Query(
            min_length=3,
            max_length=20,
            pattern=r"^[A-Z0-9-]+$",
            description="A child's reference: only the entries that touched that child (its "
            "record, its case, reads, and list or search pages that showed it), erased "
            "records included. Records of other organisations answer 404.",
        ),
    ] = None,
) -> list[AuditEntryOut]:
    """Newest entries first; ids and codes only. Page back with `before_id` = the last id."""
    if child is not None:
        return child_trail(deployment, principal, child, limit=limit, before_id=before_id)
    return recent_entries(deployment, principal, limit=limit, before_id=before_id)
