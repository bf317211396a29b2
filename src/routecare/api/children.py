"""/api/v1/children: registering, reading, sharing and erasing children's records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from routecare.api.responses import PROTECTED, RECORD
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.children import actions, queries
from routecare.children.schemas import ChildIn, ChildOut, ChildSummary, ShareIn, ShareOut
from routecare.storage.base import MAX_ID

router = APIRouter(prefix="/children", tags=["children"])
Reference = Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[A-Z0-9-]+$")]


@router.get("", responses=PROTECTED)
def list_children(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[ChildSummary]:
    """Records your organisation owns or was granted; no names in the list."""
    return queries.list_children(deployment, principal, limit=limit, offset=offset)


@router.post("", status_code=201, responses=PROTECTED)
def register_child(
    deployment: DeploymentDep, principal: CurrentPrincipal, child: ChildIn
) -> ChildOut:
    """Register a child; identity fields are encrypted before they are stored."""
    return actions.register_child(deployment, principal, child)


@router.get("/{reference}", responses=RECORD)
def read_child(
    deployment: DeploymentDep, principal: CurrentPrincipal, reference: Reference
) -> ChildOut:
    """One record, reduced to the fields you may see."""
    return queries.read_child(deployment, principal, reference)


@router.post("/{reference}/shares", status_code=201, responses=RECORD)
def share_child(
    deployment: DeploymentDep, principal: CurrentPrincipal, reference: Reference, share: ShareIn
) -> ShareOut:
    """Grant another organisation some fields of the record for a named purpose."""
    return actions.share_child(deployment, principal, reference, share)


@router.delete("/{reference}/shares/{share_id}", responses=RECORD)
def end_share(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: Reference,
    share_id: Annotated[int, Path(ge=1, le=MAX_ID)],
) -> ShareOut:
    """End a grant at once."""
    return actions.end_share(deployment, principal, reference, share_id)


@router.post("/{reference}/erasure", status_code=204, responses=RECORD)
def erase_child(
    deployment: DeploymentDep, principal: CurrentPrincipal, reference: Reference
) -> Response:
    """Erase the record's identity by destroying its data key (irreversible)."""
    actions.erase_child(deployment, principal, reference)
    return Response(status_code=204)
