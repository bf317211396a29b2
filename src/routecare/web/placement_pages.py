"""Emergency placement pages: the urgent request form, offered places, the coordinator's
queue with waiting times, and confirming or releasing held beds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.children.schemas import Sex
from routecare.placement import actions, queries
from routecare.placement.schemas import PlacementRequestIn
from routecare.services import queries as service_queries
from routecare.services.schemas import Need, ServiceFilter, ServiceKind
from routecare.web.forms import parse_form
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)


@router.get("/placement")
def placement_form(
    request: Request, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    held = queries.organisation_reservations(deployment, principal)
    shelters = service_queries.search_services(
        deployment, principal, ServiceFilter(kind=ServiceKind.EMERGENCY_SHELTER)
    )
    return pages_of(request).render(
        request,
        "placement/request.html",
        {"reservations": held, "sexes": list(Sex), "needs": list(Need), "shelters": shelters},
    )


@router.post("/placement")
def request_placement(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    latitude: Annotated[str, Form(max_length=20)],
    longitude: Annotated[str, Form(max_length=20)],
    age: Annotated[str, Form(max_length=3)] = "",
    sex: Annotated[str, Form(max_length=10)] = "",
    language: Annotated[str, Form(max_length=3)] = "",
    case: Annotated[str, Form(max_length=30)] = "",
    needs: Annotated[list[str] | None, Form(max_length=len(Need))] = None,
) -> Response:
    fields: dict[str, object] = {
        "latitude": latitude,
        "longitude": longitude,
        "age": age,
        "sex": sex,
        "language": language,
        "case": case,
        "needs": needs or [],
    }
    data = parse_form(PlacementRequestIn, fields)
    placed = actions.request_placement(deployment, principal, data)
    return RedirectResponse(f"/placement/requests/{placed.id}", status_code=303)


@router.get("/placement/requests/{request_id}")
def request_page(
    request: Request, request_id: int, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    placement = queries.read_request(deployment, principal, request_id)
    return pages_of(request).render(request, "placement/places.html", {"placement": placement})


@router.get("/placement/queue")
def coordinator_queue(
    request: Request, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    waiting = queries.coordinator_queue(deployment, principal)
    return pages_of(request).render(request, "placement/queue.html", {"waiting": waiting})


@router.post("/reservations/{reservation_id}/arrival")
def confirm_arrival(
    reservation_id: int, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    actions.end_hold(deployment, principal, reservation_id, "arrived")
    return RedirectResponse("/placement", status_code=303)


@router.post("/reservations/{reservation_id}/release")
def release_reservation(
    reservation_id: int, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    actions.end_hold(deployment, principal, reservation_id, "released")
    return RedirectResponse("/placement", status_code=303)
