"""/api/v1/referrals: sending a case to a service and each answer along the way."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from routecare.api.responses import ERROR_SCHEMA, PROTECTED, RECORD
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.placement.schemas import CaseReference
from routecare.referrals import actions, queries
from routecare.referrals.schemas import DeclineIn, ReferralFlows, ReferralIn, ReferralOut
from routecare.referrals.workflow import State, Step
from routecare.storage.base import MAX_ID

router = APIRouter(prefix="/referrals", tags=["referrals"])
ReferralId = Annotated[int, Path(ge=1, le=MAX_ID)]
REFUSED: dict[int | str, dict[str, Any]] = {
    422: {"description": "Consent or eligibility rule not met (named)", "content": ERROR_SCHEMA}
}
WRONG_STATE: dict[int | str, dict[str, Any]] = {
    409: {"description": "Not possible in the referral's state", "content": ERROR_SCHEMA}
}


@router.post("", status_code=201, responses={**RECORD, **REFUSED})
def send_referral(
    deployment: DeploymentDep, principal: CurrentPrincipal, referral: ReferralIn
) -> ReferralOut:
    """Refer your organisation's case to a service. Needs a live `referral` consent on the case
    for this `purpose` naming the service's organisation (or any recipient), and the child must
    meet the service's eligibility; the 422 names the failing rule. The receiving organisation
    gets the listed `fields` of the child's record until the referral ends."""
    return actions.send_referral(deployment, principal, referral)


@router.get("", responses=PROTECTED)
def list_referrals(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    case: Annotated[CaseReference | None, Query()] = None,
    state: Annotated[State | None, Query()] = None,
) -> list[ReferralOut]:
    """Referrals your organisation sent or received, newest first."""
    return queries.list_referrals(deployment, principal, case=case, state=state)


@router.get("/flows", responses=PROTECTED)
def referral_flows(deployment: DeploymentDep, principal: CurrentPrincipal) -> ReferralFlows:
    """Referral flows and bottlenecks in your country (last 90 days, aggregates only)."""
    return queries.referral_flows(deployment, principal)


@router.get("/{referral_id}", responses=RECORD)
def read_referral(
    deployment: DeploymentDep, principal: CurrentPrincipal, referral_id: ReferralId
) -> ReferralOut:
    """One referral; the receiver sees the shared child fields only while it is live."""
    return queries.read_referral(deployment, principal, referral_id)


def _step_route(step: Step, summary: str) -> None:
    def answer(
        deployment: DeploymentDep, principal: CurrentPrincipal, referral_id: ReferralId
    ) -> ReferralOut:
        return actions.take_step(deployment, principal, referral_id, step)

    answer.__doc__ = summary
    router.post(
        f"/{{referral_id}}/{step.value}",
        responses={**RECORD, **WRONG_STATE},
        name=f"referral_{step.value}",
    )(answer)


_step_route(Step.ACCEPT, "The receiving organisation accepts (from sent).")
_step_route(Step.START, "The receiving organisation started the service (from accepted).")
_step_route(Step.COMPLETE, "The service is completed; the receiver's access ends.")
_step_route(Step.WITHDRAW, "The sender withdraws; the receiver's access ends.")


@router.post("/{referral_id}/decline", responses={**RECORD, **WRONG_STATE})
def decline_referral(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    referral_id: ReferralId,
    decline: DeclineIn,
) -> ReferralOut:
    """The receiving organisation declines with a coded reason; its access ends."""
    return actions.take_step(deployment, principal, referral_id, Step.DECLINE, decline)
