"""/api/v1/services: the directory, live capacity, and bed reservations (partners script these)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from routecare.api.responses import ERROR_SCHEMA, PROTECTED, RECORD
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.placement import actions as placement_actions
from routecare.placement.schemas import ReservationIn, ReservationOut
from routecare.services import actions, queries
from routecare.services.schemas import CapacityIn, ServiceFilter, ServiceIn, ServiceOut
from routecare.storage.base import MAX_ID

router = APIRouter(prefix="/services", tags=["services"])
ServiceId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("", responses=PROTECTED)
def search_services(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    criteria: Annotated[ServiceFilter, Query()],
) -> list[ServiceOut]:
    """Search the directory: kind, country, admin area (P-code prefix), language, the child's
    age/sex/unaccompanied/victim status, free beds, name text. All criteria combine (AND)."""
    return queries.search_services(deployment, principal, criteria)


@router.post("", status_code=201, responses=PROTECTED)
def publish_service(
    deployment: DeploymentDep, principal: CurrentPrincipal, service: ServiceIn
) -> ServiceOut:
    """Publish a service of your organisation (accommodation must state its beds)."""
    return actions.publish_service(deployment, principal, service)


@router.get("/{service_id}", responses=RECORD)
def read_service(
    deployment: DeploymentDep, principal: CurrentPrincipal, service_id: ServiceId
) -> ServiceOut:
    return queries.read_service(deployment, principal, service_id)


@router.put("/{service_id}/capacity", responses=RECORD)
def update_capacity(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    service_id: ServiceId,
    capacity: CapacityIn,
) -> ServiceOut:
    """Set beds total and free now (your organisation's accommodation only)."""
    return actions.update_capacity(deployment, principal, service_id, capacity)


@router.post(
    "/{service_id}/reservations",
    status_code=201,
    responses={**RECORD, 409: {"description": "No free bed", "content": ERROR_SCHEMA}},
)
def reserve_bed(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    service_id: ServiceId,
    reservation: Annotated[ReservationIn | None, Body()] = None,
) -> ReservationOut:
    """Hold one bed atomically until arrival is confirmed or the hold expires (6 hours).
    409 when no bed is free: two requests can never get the same last bed."""
    return placement_actions.reserve_bed(
        deployment, principal, service_id, reservation or ReservationIn()
    )
