"""Each user reads dates and times in their own time zone and language: the same approval,
stored once in UTC, reads differently for a supervisor in Niamey and one in Rome, in French
and Arabic; the deployment's zone is the default; a zone not in the list saves nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from routecare.audit.models import AuditEntry
from routecare.auth.models import User
from routecare.cases.models import Case
from tests.cases.helpers import case_at_care_plan, fill_case
from tests.conftest import World, csrf_from, https_client, sign_in

# 13:00 UTC on a summer day: 14:00 in Niamey (UTC+1 all year), 15:00 in Rome (UTC+2 in July).
APPROVED_AT = datetime(2026, 7, 6, 13, 0, tzinfo=UTC)


def _approved_case(world: World) -> str:
    worker = world.api("case_worker")
    reference = case_at_care_plan(worker)
    fill_case(worker, reference, care_plan="Shelter, guardian, schooling")
    approved = world.api("supervisor").post(
        f"/api/v1/cases/{reference}/approvals", json={"stage": "care_plan"}
    )
    assert approved.status_code == 200, approved.text
    with world.deployment.database.transaction() as session:  # a known instant to read back
        session.execute(
            update(Case)
            .where(Case.reference == reference)
            .values(care_plan_approved_at=APPROVED_AT)
        )
    return reference


def _open_account(world: World, username: str, **preferences: str) -> TestClient:
    """An account opened by the administrator on the users page, signed in with no language
    cookie and no Accept-Language: what it reads comes from the account alone."""
    admin = world.browser("administrator")
    token = csrf_from(admin.get("/admin/users").text)
    created = admin.post(
        "/admin/users",
        data={"csrf_token": token, "username": username, "role": "supervisor", **preferences},
    )
    assert created.status_code == 200, created.text
    password = re.search(r'class="secret">([^<]+)<', created.text)
    assert password
    return sign_in(https_client(world.app), username, password.group(1))


def _approval_shown(client: TestClient, reference: str) -> str:
    page = client.get(f"/cases/{reference}").text
    return page.split('id="care-plan-approved">')[1].split("</p>")[0]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_same_approval_reads_in_each_users_zone_and_language(world: World) -> None:
    reference = _approved_case(world)

    niamey = _open_account(world, "niamey.reader", time_zone="Africa/Niamey", language="fr")
    shown = _approval_shown(niamey, reference)
    assert "approuvé par supervisor le 6 juil. 2026, 14:00:00 (Africa/Niamey)" in shown

    rome = _open_account(world, "rome.reader")
    default = _approval_shown(rome, reference)  # no choice yet: the deployment's zone, English
    zone = world.deployment.settings.time_zone
    assert f"({zone})" in default and "approved by supervisor" in default
    page = rome.get("/account/preferences").text
    saved = rome.post(
        "/account/preferences",
        data={"csrf_token": csrf_from(page), "time_zone": "Europe/Rome", "language": "ar"},
    )
    assert saved.status_code == 200 and 'id="preferences-saved"' in saved.text
    arabic = _approval_shown(rome, reference)
    assert "06\u200f/07\u200f/2026، 3:00:00 م (Europe/Rome)" in arabic
    assert '<html lang="ar" dir="rtl">' in rome.get("/").text
    with world.deployment.database.transaction() as session:
        (entry,) = session.execute(
            select(AuditEntry).where(AuditEntry.action == "user.preferences")
        ).scalars()
    rome_id = world.principal("rome.reader").user_id
    assert (entry.actor_user_id, entry.subject_id) == (rome_id, str(rome_id))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_zone_not_in_the_list_or_a_language_not_offered_saves_nothing(world: World) -> None:
    client = world.browser("case_worker")
    for bad in ({"time_zone": "Mars/Olympus_Mons"}, {"language": "xx"}, {"time_zone": "../etc"}):
        page = client.get("/account/preferences").text
        refused = client.post("/account/preferences", data={"csrf_token": csrf_from(page), **bad})
        assert refused.status_code == 422
        assert f'data-field="{next(iter(bad))}"' in refused.text
    with world.deployment.database.transaction() as session:
        user = session.execute(select(User).where(User.username == "case_worker")).scalar_one()
        assert (user.time_zone, user.language) == (None, None)
