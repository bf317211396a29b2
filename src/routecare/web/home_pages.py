"""The home page (organisation and work queues) and a child's record page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from routecare.auth import queries as account_queries
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.auth.policy import Permission, allows
from routecare.cases import queries as case_queries
from routecare.children import queries as children_queries
from routecare.screening import queries as screening_queries
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, deployment: DeploymentDep, principal: CurrentPrincipal) -> Response:
    me = account_queries.me(deployment, principal)
    children = (
        children_queries.list_children(deployment, principal, limit=50)
        if allows(principal, Permission.CHILD_READ)
        else None
    )
    overdue = (
        case_queries.overdue_tasks(deployment, principal)
        if allows(principal, Permission.CASE_READ)
        else None
    )
    screenings = (
        screening_queries.awaiting_decision(deployment, principal)
        if allows(principal, Permission.SCREENING_RECORD)
        else None
    )
    context = {
        "me": me,
        "children": children,
        "overdue": overdue,
        "screenings": screenings,
        "may_see_notices": allows(principal, Permission.MATCH_NOTICES),
        "may_see_observatory": allows(principal, Permission.AGGREGATES_READ),
    }
    return pages_of(request).render(request, "home.html", context)


@router.get("/children/{reference}")
def child_page(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    child = children_queries.read_child(deployment, principal, reference)
    return pages_of(request).render(request, "child.html", {"child": child})
