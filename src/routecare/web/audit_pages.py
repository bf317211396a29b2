"""The data-protection officer's pages: the audit trail, newest first, and one child's access
history by reference. Entries carry ids and codes only, never a child's identity."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from routecare.audit.queries import child_trail, recent_entries
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.errors import NotFound
from routecare.exchange.erasure_status import partner_erasures
from routecare.storage.base import MAX_ID
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@router.get("/audit")
def audit_trail(
    request: Request, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    """`?child=REF` narrows to one child's history (404s show on the form, not as a page);
    `?before=ID` pages back."""
    child = request.query_params.get("child", "").strip().upper()[:20]
    before = request.query_params.get("before", "")
    before_id = int(before) if before.isdigit() and 1 <= int(before) <= MAX_ID else None
    problem = None
    entries = []
    erasures = []
    if child:
        try:
            entries = child_trail(
                deployment, principal, child, limit=PAGE_SIZE, before_id=before_id
            )
            erasures = partner_erasures(deployment, principal, child)
        except NotFound:
            problem = "not_found"
    else:
        entries = recent_entries(deployment, principal, limit=PAGE_SIZE, before_id=before_id)
    context = {
        "entries": entries,
        "child": child,
        "problem": problem,
        "erasures": erasures,
        "older": entries[-1].id if len(entries) == PAGE_SIZE else None,
    }
    return pages_of(request).render(request, "audit/trail.html", context)
