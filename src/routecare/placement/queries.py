"""Reads of placement: one request, the national coordinator's queue, a shelter's holds."""

from __future__ import annotations

from sqlalchemy import select

from routecare.auth.policy import (
    Permission,
    may_see_placement_request,
    of_own_country,
    of_own_organisation,
    require,
)
from routecare.auth.principal import Principal
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import NotFound
from routecare.placement.capacity import expire_reservations
from routecare.placement.models import BedReservation, PlacementRequest
from routecare.placement.records import present_request, present_reservation
from routecare.placement.relaxation import explain_no_fit
from routecare.placement.schemas import PlacementRequestOut, ReservationOut
from routecare.placement.sealing import opened_search
from routecare.placement.search import find_places
from routecare.services.models import Service

QUEUE_LIMIT = 200


def read_request(
    deployment: Deployment, principal: Principal, request_id: int
) -> PlacementRequestOut:
    """A request with the places that fit it now (the requester's organisation or the
    country's coordinators only)."""
    require(principal, Permission.PLACEMENT_REQUEST)
    now = utcnow()
    with deployment.database.transaction() as session:
        expire_reservations(session, now)
        request = session.get(PlacementRequest, request_id)
        if request is None or not may_see_placement_request(
            principal, request.organisation_id, request.country
        ):
            raise NotFound("no placement request of yours with that id")
        search = opened_search(deployment.keyring, request)
        places = []
        no_fit = None
        if request.status in ("open", "escalated") and search is not None:
            places = find_places(session, request.country, search)
            if not places:
                no_fit = explain_no_fit(session, request.country, search)
        return present_request(deployment.keyring, request, now, places, no_fit)


def coordinator_queue(deployment: Deployment, principal: Principal) -> list[PlacementRequestOut]:
    """Escalated requests of the coordinator's country, longest waiting first."""
    require(principal, Permission.PLACEMENT_QUEUE)
    now = utcnow()
    with deployment.database.transaction() as session:
        rows = session.execute(
            select(PlacementRequest)
            .where(
                of_own_country(principal, PlacementRequest.country),
                PlacementRequest.status == "escalated",
            )
            .order_by(PlacementRequest.created_at, PlacementRequest.id)
            .limit(QUEUE_LIMIT)
        ).scalars()
        return [present_request(deployment.keyring, request, now) for request in rows]


def organisation_reservations(deployment: Deployment, principal: Principal) -> list[ReservationOut]:
    """Beds held by the user's organisation or at its places, awaiting arrival."""
    require(principal, Permission.PLACEMENT_REQUEST)
    now = utcnow()
    with deployment.database.transaction() as session:
        expire_reservations(session, now)
        rows = session.execute(
            select(BedReservation, Service)
            .join(Service, Service.id == BedReservation.service_id)
            .where(
                BedReservation.status == "held",
                of_own_organisation(
                    principal, BedReservation.organisation_id, Service.organisation_id
                ),
            )
            .order_by(BedReservation.expires_at)
            .limit(QUEUE_LIMIT)
        ).all()
        return [present_reservation(reservation, service) for reservation, service in rows]


def case_placements(
    deployment: Deployment, principal: Principal, case_reference: str
) -> tuple[list[ReservationOut], list[PlacementRequestOut]]:
    """The beds reserved and the emergency requests made for one case, newest first, for the
    case page (whose read already checked, and audited, that the user may see the case)."""
    require(principal, Permission.PLACEMENT_REQUEST)
    now = utcnow()
    with deployment.database.transaction() as session:
        expire_reservations(session, now)
        beds = session.execute(
            select(BedReservation, Service)
            .join(Service, Service.id == BedReservation.service_id)
            .where(BedReservation.case_reference == case_reference)
            .order_by(BedReservation.created_at.desc(), BedReservation.id.desc())
            .limit(QUEUE_LIMIT)
        ).all()
        requests = session.execute(
            select(PlacementRequest)
            .where(PlacementRequest.case_reference == case_reference)
            .order_by(PlacementRequest.created_at.desc(), PlacementRequest.id.desc())
            .limit(QUEUE_LIMIT)
        ).scalars()
        return (
            [present_reservation(reservation, service) for reservation, service in beds],
            [present_request(deployment.keyring, request, now) for request in requests],
        )
