"""Directory pages: search with a map, one service with its capacity form and reserve button."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.auth.policy import Permission, allows, may_manage_service, may_refer_to_service
from routecare.placement import actions as placement_actions
from routecare.placement.schemas import ReservationIn
from routecare.services import actions, queries
from routecare.services.schemas import CapacityIn, ServiceFilter, ServiceKind
from routecare.web.forms import parse_form
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)
FILTER_FIELDS = ("kind", "country", "admin_area_pcode", "language", "has_free_beds", "text")


@router.get("/services")
def directory(request: Request, deployment: DeploymentDep, principal: CurrentPrincipal) -> Response:
    chosen: dict[str, object] = {k: request.query_params.get(k, "") for k in FILTER_FIELDS}
    criteria = parse_form(ServiceFilter, chosen)
    found = queries.search_services(deployment, principal, criteria)
    return pages_of(request).render(
        request,
        "services/directory.html",
        {
            "services": found,
            "chosen": chosen,
            "kinds": list(ServiceKind),
        },
    )


@router.get("/services/{service_id}")
def service_page(
    request: Request, service_id: int, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    service = queries.read_service(deployment, principal, service_id)
    context = {
        "service": service,
        "may_update": service.beds_total is not None
        and may_manage_service(principal, service.organisation_id),
        "may_reserve": service.beds_total is not None
        and allows(principal, Permission.PLACEMENT_REQUEST),
        "may_refer": may_refer_to_service(principal, service.organisation_id),
        "may_override": allows(principal, Permission.CASE_APPROVE),
        "reserved": request.query_params.get("reserved"),
    }
    return pages_of(request).render(request, "services/service.html", context)


@router.post("/services/{service_id}/capacity")
def update_capacity(
    service_id: int,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    beds_total: Annotated[str, Form(max_length=6)],
    beds_free: Annotated[str, Form(max_length=6)],
) -> Response:
    capacity = parse_form(CapacityIn, {"beds_total": beds_total, "beds_free": beds_free})
    actions.update_capacity(deployment, principal, service_id, capacity)
    return RedirectResponse(f"/services/{service_id}", status_code=303)


@router.post("/services/{service_id}/reservations")
def reserve_bed(
    service_id: int,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    case: Annotated[str, Form(max_length=30)] = "",
    placement_request: Annotated[str, Form(max_length=12)] = "",
    override_reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    data = parse_form(
        ReservationIn,
        {"case": case, "placement_request": placement_request, "override_reason": override_reason},
    )
    reservation = placement_actions.reserve_bed(deployment, principal, service_id, data)
    back = f"&case={data.case}" if data.case else ""
    return RedirectResponse(
        f"/services/{service_id}?reserved={reservation.id}{back}", status_code=303
    )
