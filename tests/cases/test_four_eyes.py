"""Four eyes on care plans: the supervisor who wrote the plan cannot approve it, another one
does; the case shows who approved and when (in the deployment's time zone and the page's
language), and the Approve button is gone once approved."""

from __future__ import annotations

from fastapi import FastAPI

from routecare.app import create_app
from routecare.auth import actions as account_actions
from routecare.auth.roles import Role
from routecare.auth.schemas import UserIn
from routecare.config import Settings
from tests.cases.helpers import case_at_care_plan, fill_case
from tests.conftest import PASSWORD, World, csrf_from, https_client, sign_in

APPROVE = "Approve the care plan"


def test_the_author_cannot_approve_their_own_care_plan(world: World) -> None:
    account_actions.create_user(
        world.deployment,
        organisation_id=world.organisation_ids["home"],
        user=UserIn(username="second_supervisor", password=PASSWORD, role=Role.SUPERVISOR),
    )
    reference = case_at_care_plan(world.api("case_worker"))
    author = world.api("supervisor")
    fill_case(author, reference, care_plan="Shelter, guardian, schooling")
    path = f"/api/v1/cases/{reference}/approvals"
    refused = author.post(path, json={"stage": "care_plan"})
    assert refused.status_code == 403
    assert "four eyes" in refused.json()["detail"]
    assert author.get(f"/api/v1/cases/{reference}").json()["care_plan_approved_at"] is None
    page = world.browser("supervisor").get(f"/cases/{reference}").text
    assert APPROVE not in page and 'id="four-eyes"' in page

    app: FastAPI = create_app(
        Settings.model_validate(
            {**world.deployment.settings.model_dump(), "time_zone": "Africa/Niamey"}
        ),
        world.deployment,
    )
    other = sign_in(https_client(app), "second_supervisor")
    page = other.get(f"/cases/{reference}")
    assert APPROVE in page.text
    approved = other.post(
        f"/cases/{reference}/approvals",
        data={"csrf_token": csrf_from(page.text), "stage": "care_plan"},
    )
    assert approved.status_code == 200, approved.text
    assert APPROVE not in approved.text  # the button is gone once approved
    shown = approved.text.split('id="care-plan-approved">')[1].split("</p>")[0]
    assert "second_supervisor" in shown and "(Africa/Niamey)" in shown
    other.cookies.set("routecare_lang", "fr")
    french = other.get(f"/cases/{reference}").text.split('id="care-plan-approved">')[1]
    assert "Plan de prise en charge approuvé par second_supervisor" in french.split("</p>")[0]
    case = author.get(f"/api/v1/cases/{reference}").json()
    assert (case["care_plan_written_by"], case["care_plan_approved_by"]) == (
        "supervisor",
        "second_supervisor",
    )
