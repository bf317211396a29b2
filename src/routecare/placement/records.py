"""Presenting requests and reservations, shared by actions and queries."""

from __future__ import annotations

from datetime import datetime

from routecare.children.schemas import Sex
from routecare.crypto import Keyring
from routecare.placement.models import BedReservation, PlacementRequest
from routecare.placement.schemas import NoFitOut, PlacementRequestOut, PlaceOut, ReservationOut
from routecare.placement.sealing import opened_profile
from routecare.services.models import Service
from routecare.services.schemas import Need


def present_request(
    keyring: Keyring,
    request: PlacementRequest,
    now: datetime,
    places: list[PlaceOut] | None = None,
    no_fit: NoFitOut | None = None,
) -> PlacementRequestOut:
    """The request with its profile decrypted (unknown once the child's record was erased)."""
    until = request.resolved_at or now
    profile = opened_profile(keyring, request)
    return PlacementRequestOut(
        id=request.id,
        status=request.status,
        country=request.country,
        age=profile.get("age"),
        sex=Sex(profile.get("sex", Sex.UNKNOWN)),
        needs=[Need(n) for n in profile.get("needs", [])],
        language=profile.get("language"),
        case=request.case_reference,
        created_at=request.created_at,
        escalated_at=request.escalated_at,
        resolved_at=request.resolved_at,
        waiting_seconds=max(0, int((until - request.created_at).total_seconds())),
        places=places or [],
        no_fit=no_fit,
    )


def present_reservation(reservation: BedReservation, service: Service) -> ReservationOut:
    return ReservationOut(
        id=reservation.id,
        service_id=service.id,
        service_name=service.name,
        status=reservation.status,
        case=reservation.case_reference,
        placement_request=reservation.placement_request_id,
        created_at=reservation.created_at,
        expires_at=reservation.expires_at,
        ended_at=reservation.ended_at,
        beds_free=service.beds_free,
    )
