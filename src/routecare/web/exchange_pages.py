"""Exchange pages: the national coordinator's queue of packages received from partner
deployments (open one, accept it into a new case or link it to a case the coordinator's
organisation already has, or decline it with a reason that goes back, signed), and the
data-protection officer's oversight of every package with no child named, where a partner is
suspended at once. The exchange's own actions and queries do the work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.errors import NotFound
from routecare.exchange import actions, queries, receiving
from routecare.exchange.package_schema import FIELDS
from routecare.web.forms import parse_form
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)


class DeclineIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200)


class SuspendIn(BaseModel):
    confirm: bool  # the officer ticked "stop every exchange with this partner now"


@router.get("/exchange/received")
def received(request: Request, deployment: DeploymentDep, principal: CurrentPrincipal) -> Response:
    packages = queries.pending_packages(deployment, principal)
    return pages_of(request).render(request, "exchange/received.html", {"packages": packages})


@router.get("/exchange/received/{package_id}")
def received_package(
    request: Request,
    package_id: str,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    case: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The package, the cases a match notice ties it to, and (`case`) where it differs from
    the case the coordinator would link it to; a reference not of their organisation is said
    so on the page, as a case that does not exist is."""
    case = (case or "").strip() or None
    unknown_case = False
    try:
        opened = receiving.open_pending(deployment, principal, package_id, compare_with=case)
    except NotFound:
        if case is None:
            raise
        opened = receiving.open_pending(deployment, principal, package_id)
        unknown_case = True
    # Each field with the column it fills on our case, so the page labels its value.
    columns = {name: FIELDS[name].source.split(".")[1] for name in FIELDS}
    context = {"package": opened, "columns": columns, "case": case, "unknown_case": unknown_case}
    return pages_of(request).render(request, "exchange/package.html", context)


@router.post("/exchange/received/{package_id}/accept")
def accept(
    package_id: str,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    case: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Accept into a new case, or (`case`) link to that existing case of the organisation."""
    reference = receiving.accept_package(
        deployment, package_id, principal, case_reference=case.strip() or None
    )
    return RedirectResponse(f"/cases/{reference}", status_code=303)


@router.post("/exchange/received/{package_id}/decline")
def decline(
    package_id: str,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reason: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    data = parse_form(DeclineIn, {"reason": reason.strip()})
    receiving.decline_package(deployment, package_id, data.reason, principal)
    return RedirectResponse("/exchange/received", status_code=303)


@router.get("/exchange/oversight")
def oversight(request: Request, deployment: DeploymentDep, principal: CurrentPrincipal) -> Response:
    context = {
        "log": queries.package_log(deployment, principal),
        "partners": queries.list_partners(deployment),
    }
    return pages_of(request).render(request, "exchange/oversight.html", context)


@router.post("/exchange/partners/{name}/suspension")
def suspend(
    name: str,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    confirm: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    parse_form(SuspendIn, {"confirm": confirm == "true" or None})
    actions.suspend_partner(deployment, name, principal)
    return RedirectResponse("/exchange/oversight#partners", status_code=303)
