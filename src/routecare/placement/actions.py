"""Writes of emergency placement: request, reserve a bed, confirm arrival, release.

Every action first expires holds that ran out, so a forgotten reservation never blocks a bed
for longer than RESERVATION_HOLD, even without a background job.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth.policy import (
    Permission,
    may_end_reservation,
    may_see_placement_request,
    require,
)
from routecare.auth.principal import Principal
from routecare.cases.records import visible_case
from routecare.children.models import Child
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Conflict, InvalidInput, NotFound
from routecare.placement.capacity import (
    end_reservation,
    expire_reservations,
    give_back_bed,
    take_bed,
)
from routecare.placement.models import BedReservation, PlacementRequest
from routecare.placement.one_bed import check_one_bed
from routecare.placement.records import present_request, present_reservation
from routecare.placement.relaxation import explain_no_fit
from routecare.placement.schemas import (
    PlacementRequestIn,
    PlacementRequestOut,
    ReservationIn,
    ReservationOut,
)
from routecare.placement.sealing import drop_location, sealed_columns
from routecare.placement.search import find_places
from routecare.services.models import Service
from routecare.services.records import refuse_if_disabled
from routecare.services.schemas import ACCOMMODATION, ServiceKind

# Long enough for an escorted transfer with an interpreter; short enough not to hoard beds.
RESERVATION_HOLD = timedelta(hours=6)


def request_placement(
    deployment: Deployment, principal: Principal, data: PlacementRequestIn
) -> PlacementRequestOut:
    """Record an urgent request and offer fitting places; with none, escalate to the
    national coordinator's queue at once."""
    require(principal, Permission.PLACEMENT_REQUEST)
    now = utcnow()
    with deployment.database.transaction() as session:
        expire_reservations(session, now)
        if data.case is not None:
            visible_case(session, principal, data.case, now)  # 404 unless the user sees it
        places = find_places(session, principal.country, data)
        request = PlacementRequest(
            organisation_id=principal.organisation_id,
            requested_by_user_id=principal.user_id,
            country=principal.country,
            case_reference=data.case,
            status="open" if places else "escalated",
            created_at=now,
            escalated_at=None if places else now,
            **sealed_columns(deployment.keyring, data),
        )
        session.add(request)
        session.flush()
        _audit(
            deployment,
            session,
            principal,
            "placement.request",
            "placement_request",
            request.id,
            {"places": len(places), "status": request.status},
            request.case_reference,
        )
        no_fit = None if places else explain_no_fit(session, principal.country, data)
        return present_request(deployment.keyring, request, now, places, no_fit)


def reserve_bed(
    deployment: Deployment, principal: Principal, service_id: int, data: ReservationIn
) -> ReservationOut:
    """Hold one bed atomically; Conflict (409) when the place has no free bed left, or when
    the child already holds one and no supervisor overrides it (`one_bed.check_one_bed`)."""
    require(principal, Permission.PLACEMENT_REQUEST)
    now = utcnow()
    with deployment.database.transaction() as session:
        expire_reservations(session, now)
        service = session.get(Service, service_id)
        if (
            service is None
            or not service.is_active
            or ServiceKind(service.kind) not in ACCOMMODATION
        ):
            raise NotFound("no accommodation service with that id")
        refuse_if_disabled(session, service.organisation_id)
        request = _own_open_request(session, principal, data.placement_request)
        if data.case is not None:
            visible_case(session, principal, data.case, now)  # 404 unless the user sees it
        case_reference = data.case or (request.case_reference if request else None)
        override_note = check_one_bed(
            session, deployment, principal, case_reference, data.override_reason
        )
        if not take_bed(session, service_id):
            raise Conflict("no free bed at this place; choose another or escalate")
        reservation = BedReservation(
            service_id=service_id,
            placement_request_id=data.placement_request,
            case_reference=case_reference,
            organisation_id=principal.organisation_id,
            reserved_by_user_id=principal.user_id,
            status="held",
            created_at=now,
            expires_at=now + RESERVATION_HOLD,
        )
        session.add(reservation)
        if request is not None:
            request.status, request.resolved_at = "reserved", now
            drop_location(request)
        session.flush()
        session.refresh(service)
        _audit(
            deployment,
            session,
            principal,
            "placement.reserve",
            "bed_reservation",
            reservation.id,
            {"service_id": service_id}
            | ({"override_note_id": override_note} if override_note else {}),
            reservation.case_reference,
        )
        return present_reservation(reservation, service)


def end_hold(
    deployment: Deployment, principal: Principal, reservation_id: int, outcome: str
) -> ReservationOut:
    """Confirm the child arrived (`arrived`: the bed stays taken) or release the bed
    (`released`). Either organisation involved may do it: the reserving one or the shelter."""
    require(principal, Permission.PLACEMENT_REQUEST)
    if outcome not in ("arrived", "released"):
        raise InvalidInput("outcome must be arrived or released")
    now = utcnow()
    with deployment.database.transaction() as session:
        expire_reservations(session, now)
        reservation = session.get(BedReservation, reservation_id)
        service = session.get(Service, reservation.service_id) if reservation else None
        if (
            reservation is None
            or service is None
            or not may_end_reservation(
                principal, reservation.organisation_id, service.organisation_id
            )
        ):
            raise NotFound("no reservation of yours with that id")
        if not end_reservation(session, reservation.id, outcome, now):
            raise Conflict(f"the reservation is already {reservation.status}")
        if outcome == "released":
            give_back_bed(session, service.id)
        session.refresh(reservation)
        session.refresh(service)
        _audit(
            deployment,
            session,
            principal,
            f"placement.{outcome}",
            "bed_reservation",
            reservation.id,
            {"service_id": service.id},
            reservation.case_reference,
        )
        return present_reservation(reservation, service)


def _own_open_request(
    session: Session, principal: Principal, request_id: int | None
) -> PlacementRequest | None:
    if request_id is None:
        return None
    request = session.get(PlacementRequest, request_id)
    if request is None or not may_see_placement_request(
        principal, request.organisation_id, request.country
    ):
        raise NotFound("no placement request of yours with that id")
    if request.status not in ("open", "escalated"):
        raise Conflict(f"the placement request is already {request.status}")
    return request


def _audit(
    deployment: Deployment,
    session: Session,
    principal: Principal,
    action: str,
    subject_type: str,
    subject_id: int,
    detail: dict[str, object],
    case_reference: str | None,
) -> None:
    """The entry names the child of the case the placement is for, when it gives one."""
    child_id = None
    if case_reference is not None:
        child_id = session.execute(
            select(Child.id).where(Child.reference == case_reference)
        ).scalar()
    audit.record(
        session,
        deployment.keyring.audit_key,
        action=action,
        actor_user_id=principal.user_id,
        actor_organisation_id=principal.organisation_id,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail,
        children=[] if child_id is None else [child_id],
    )
