"""Pages for linkage in the product: the case worker's confirm/reject on a possible match
(the panel itself is on the case page), and the coordinators' match notices and verdicts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.linkage import actions, queries
from routecare.linkage.schemas import DecisionIn, NoticeReviewIn
from routecare.web.case_pages import form_values, validated
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)


@router.post("/cases/{reference}/possible-matches/{match_id}/decision")
async def decide(
    request: Request,
    reference: str,
    match_id: str,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
) -> Response:
    """ "Same child" or "not the same child", then back to the case's possible matches (or to
    the case that continues, once two records of the child are linked)."""
    decision = validated(DecisionIn, await form_values(request))
    decided = await run_in_threadpool(
        actions.decide, deployment, principal, reference, match_id, decision
    )
    if decided.continuing_case:
        return RedirectResponse(f"/cases/{decided.continuing_case}", status_code=303)
    return RedirectResponse(f"/cases/{reference}#possible-matches", status_code=303)


@router.get("/linkage/notices")
def notices(request: Request, deployment: DeploymentDep, principal: CurrentPrincipal) -> Response:
    reviewed = request.query_params.get("reviewed") == "true"
    found = queries.list_notices(deployment, principal, reviewed=reviewed)
    context = {"notices": found, "reviewed": reviewed}
    return pages_of(request).render(request, "linkage/notices.html", context)


@router.post("/linkage/notices/{notice_id}/review")
async def review(
    request: Request, notice_id: int, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    """ "Same child", "not the same child", or only "reviewed", then back to the notices."""
    verdict = validated(NoticeReviewIn, await form_values(request))
    await run_in_threadpool(actions.review_notice, deployment, principal, notice_id, verdict)
    return RedirectResponse("/linkage/notices", status_code=303)
