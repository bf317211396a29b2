"""The home page, a work queue per role, and a child's record page.

Each queue appears only when the role's permissions reach it, and each item links to the page
where the work is done; the queries are the domains' own (audited like any list).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from routecare.auth import queries as account_queries
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.auth.policy import Permission, ReferralSide, allows, referral_side
from routecare.auth.principal import Principal
from routecare.cases import queries as case_queries
from routecare.children import queries as children_queries
from routecare.deployment import Deployment
from routecare.exchange import queries as exchange_queries
from routecare.linkage import queries as linkage_queries
from routecare.placement import queries as placement_queries
from routecare.referrals import queries as referral_queries
from routecare.referrals.workflow import State
from routecare.screening import queries as screening_queries
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)


def work_queues(deployment: Deployment, principal: Principal) -> dict[str, Any]:
    """What waits for this user; a queue their role cannot reach is None (not shown)."""

    def when(permission: Permission, read: Any) -> Any:
        return read() if allows(principal, permission) else None

    def received(state: State) -> Any:
        return [
            r
            for r in referral_queries.list_referrals(deployment, principal, state=state)
            if referral_side(principal, r.sending_organisation_id, r.receiving_organisation_id)
            is ReferralSide.RECEIVER
        ]

    return {
        "screenings": when(
            Permission.SCREENING_RECORD,
            lambda: screening_queries.awaiting_decision(deployment, principal),
        ),
        "incoming": when(Permission.REFERRAL_RESPOND, lambda: received(State.SENT)),
        "arriving": when(Permission.REFERRAL_RESPOND, lambda: received(State.ACCEPTED)),
        "held_beds": when(
            Permission.PLACEMENT_REQUEST,
            lambda: placement_queries.organisation_reservations(deployment, principal),
        ),
        "escalated": when(
            Permission.PLACEMENT_QUEUE,
            lambda: placement_queries.coordinator_queue(deployment, principal),
        ),
        "approvals": when(
            Permission.CASE_APPROVE,
            lambda: case_queries.awaiting_approval(deployment, principal),
        ),
        "overdue": when(
            Permission.CASE_WRITE, lambda: case_queries.overdue_tasks(deployment, principal)
        ),
        "packages": when(
            Permission.EXCHANGE_DECIDE,
            lambda: exchange_queries.pending_packages(deployment, principal),
        ),
        "notices": when(
            Permission.MATCH_NOTICES,
            lambda: linkage_queries.list_notices(deployment, principal),
        ),
    }


@router.get("/")
def home(request: Request, deployment: DeploymentDep, principal: CurrentPrincipal) -> Response:
    context = {
        "me": account_queries.me(deployment, principal),
        **work_queues(deployment, principal),
        "children": (
            children_queries.list_children(deployment, principal, limit=50)
            if allows(principal, Permission.CHILD_READ)
            else None
        ),
        "aggregates_only": allows(principal, Permission.AGGREGATES_READ)
        and not allows(principal, Permission.CHILD_READ),
    }
    return pages_of(request).render(request, "home.html", context)


@router.get("/children/{reference}")
def child_page(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    child = children_queries.read_child(deployment, principal, reference)
    return pages_of(request).render(request, "child.html", {"child": child})
