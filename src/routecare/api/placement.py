"""/api/v1/placement and /api/v1/reservations: emergency placement of unaccompanied children."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from routecare.api.responses import ERROR_SCHEMA, PROTECTED, RECORD, RECORD_IN_BODY
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.placement import actions, queries
from routecare.placement.schemas import PlacementRequestIn, PlacementRequestOut, ReservationOut
from routecare.storage.base import MAX_ID

router = APIRouter(tags=["placement"])
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
ALREADY_ENDED: dict[int | str, dict[str, Any]] = {
    409: {"description": "The reservation already ended", "content": ERROR_SCHEMA}
}


@router.post("/placement/requests", status_code=201, responses=RECORD_IN_BODY)
def request_placement(
    deployment: DeploymentDep, principal: CurrentPrincipal, request: PlacementRequestIn
) -> PlacementRequestOut:
    """An urgent request: fitting emergency places with a free bed, nearest first by
    estimated travel distance (great-circle × 1.4). With none, `status` is `escalated` and the
    request waits in the national coordinator's queue."""
    return actions.request_placement(deployment, principal, request)


@router.get("/placement/requests/{request_id}", responses=RECORD)
def read_request(
    deployment: DeploymentDep, principal: CurrentPrincipal, request_id: RecordId
) -> PlacementRequestOut:
    return queries.read_request(deployment, principal, request_id)


@router.get("/placement/queue", responses=PROTECTED)
def coordinator_queue(
    deployment: DeploymentDep, principal: CurrentPrincipal
) -> list[PlacementRequestOut]:
    """Escalated requests of your country, longest waiting first."""
    return queries.coordinator_queue(deployment, principal)


@router.get("/reservations", responses=PROTECTED)
def list_reservations(
    deployment: DeploymentDep, principal: CurrentPrincipal
) -> list[ReservationOut]:
    """Held beds your organisation reserved or holds at its places."""
    return queries.organisation_reservations(deployment, principal)


@router.post("/reservations/{reservation_id}/arrival", responses={**RECORD, **ALREADY_ENDED})
def confirm_arrival(
    deployment: DeploymentDep, principal: CurrentPrincipal, reservation_id: RecordId
) -> ReservationOut:
    """The child arrived: the bed stays taken and the hold no longer expires."""
    return actions.end_hold(deployment, principal, reservation_id, "arrived")


@router.post("/reservations/{reservation_id}/release", responses={**RECORD, **ALREADY_ENDED})
def release_reservation(
    deployment: DeploymentDep, principal: CurrentPrincipal, reservation_id: RecordId
) -> ReservationOut:
    """Give the bed back (the child did not come, or went elsewhere)."""
    return actions.end_hold(deployment, principal, reservation_id, "released")
