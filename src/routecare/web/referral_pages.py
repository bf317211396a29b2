"""Referral pages: send from a service's page, the organisation's referrals, one referral with
the answers its side may give, and the coordinator's flow figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.auth.policy import referral_side
from routecare.auth.principal import Principal
from routecare.referrals import actions, queries
from routecare.referrals.checks import ConsentMissing
from routecare.referrals.schemas import DEFAULT_FIELDS, DeclineIn, ReferralIn, ReferralOut
from routecare.referrals.workflow import STEPS, DeclineReason, Side, Step
from routecare.web.forms import parse_form
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)


@router.get("/referrals")
def referral_list(
    request: Request, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    found = queries.list_referrals(deployment, principal)

    def on(side: Side) -> list[ReferralOut]:
        return [r for r in found if _side(principal, r) is side]

    return pages_of(request).render(
        request, "referrals/list.html", {"incoming": on(Side.RECEIVER), "outgoing": on(Side.SENDER)}
    )


def _side(principal: Principal, referral: ReferralOut) -> Side | None:
    return referral_side(
        principal, referral.sending_organisation_id, referral.receiving_organisation_id
    )


@router.post("/referrals")
def send_referral(
    request: Request,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    case: Annotated[str, Form(max_length=30)],
    service_id: Annotated[str, Form(max_length=12)],
    purpose: Annotated[str, Form(max_length=60)],
    reason: Annotated[str, Form(max_length=40)] = "",
    urgent: Annotated[str, Form(max_length=5)] = "",
    fields: Annotated[list[str] | None, Form(max_length=20)] = None,
) -> Response:
    data = parse_form(
        ReferralIn,
        {
            "case": case.strip().upper(),
            "service_id": service_id,
            "purpose": purpose,
            "reason": reason,
            "urgent": urgent == "true",
            "fields": fields or DEFAULT_FIELDS,
        },
    )
    try:
        referral = actions.send_referral(deployment, principal, data)
    except ConsentMissing as missing:
        # Say which consent is missing and offer to record it on the case, filled in.
        context = {"status": 422, "message": str(missing), "fields": {}}
        context |= {"missing_consent": {"case": data.case, "purpose": missing.purpose}}
        return pages_of(request).render(request, "error.html", context, status_code=422)
    return RedirectResponse(f"/referrals/{referral.id}", status_code=303)


@router.get("/referrals/flows")
def referral_flows(
    request: Request, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    flows = queries.referral_flows(deployment, principal)
    return pages_of(request).render(request, "referrals/flows.html", {"flows": flows})


@router.get("/referrals/{referral_id}")
def referral_page(
    request: Request, referral_id: int, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    referral = queries.read_referral(deployment, principal, referral_id)
    side = _side(principal, referral)
    steps = [
        step
        for step, (taker, allowed_from, _target) in STEPS.items()
        if taker is side and referral.state in allowed_from
    ]
    return pages_of(request).render(
        request,
        "referrals/referral.html",
        {
            "referral": referral,
            "steps": steps,
            "decline_reasons": list(DeclineReason),
            "our_case": side is Side.SENDER,  # the sender's case page is one link away
        },
    )


def _step_page(step: Step) -> None:
    def answer(
        referral_id: int, deployment: DeploymentDep, principal: CurrentPrincipal
    ) -> Response:
        actions.take_step(deployment, principal, referral_id, step)
        return RedirectResponse(f"/referrals/{referral_id}", status_code=303)

    router.post(f"/referrals/{{referral_id}}/{step.value}", name=f"referral_page_{step.value}")(
        answer
    )


for _step in (Step.ACCEPT, Step.START, Step.COMPLETE, Step.WITHDRAW):
    _step_page(_step)


@router.post("/referrals/{referral_id}/decline")
def decline_referral(
    referral_id: int,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reason: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    decline = parse_form(DeclineIn, {"reason": reason})
    actions.take_step(deployment, principal, referral_id, Step.DECLINE, decline)
    return RedirectResponse(f"/referrals/{referral_id}", status_code=303)
