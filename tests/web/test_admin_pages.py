"""Administrators manage their own organisation's accounts from pages, every change audited
with who made it; another organisation's accounts are out of reach, and the DPO reads the
trail and a child's access history without any identity on the page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from routecare.audit.models import AuditEntry
from routecare.auth import actions
from routecare.auth.roles import Role
from routecare.auth.schemas import UserIn
from tests.conftest import World, csrf_from, https_client, sign_in


def _post(browser: TestClient, path: str, **data: str) -> Response:
    token = csrf_from(browser.get("/admin/users").text)
    return browser.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def _audited(world: World, action: str, user_id: int) -> list[AuditEntry]:
    with world.deployment.database.transaction() as session:
        return list(
            session.execute(
                select(AuditEntry).where(
                    AuditEntry.action == action, AuditEntry.subject_id == str(user_id)
                )
            ).scalars()
        )


def test_an_administrator_runs_the_accounts_of_their_organisation(world: World) -> None:
    admin = world.browser("administrator")
    created = _post(admin, "/admin/users", username="new.screener", role="screener")
    assert created.status_code == 200
    password = re.search(r'<code dir="ltr" class="secret">([^<]+)</code>', created.text)
    assert password, "the new password is shown once"
    newcomer = sign_in(https_client(world.app), "new.screener", password.group(1))
    assert newcomer.get("/").status_code == 200

    user_id = world.principal("new.screener").user_id
    assert _post(admin, f"/admin/users/{user_id}/role", role="case_worker").status_code == 303
    assert world.principal("new.screener").role is Role.CASE_WORKER
    # The role change ended the session: the old role does not live on in it.
    assert newcomer.get("/", follow_redirects=False).headers["location"] == "/login"

    reset = _post(admin, f"/admin/users/{user_id}/password")
    fresh = re.search(r'class="secret">([^<]+)<', reset.text)
    assert fresh and fresh.group(1) != password.group(1)
    assert sign_in_fails(world, "new.screener", password.group(1))
    assert not sign_in_fails(world, "new.screener", fresh.group(1))

    assert _post(admin, f"/admin/users/{user_id}/active", active="false").status_code == 303
    assert sign_in_fails(world, "new.screener", fresh.group(1))
    for action in ("user.create", "user.role", "user.password_reset", "user.disable"):
        (entry,) = _audited(world, action, user_id)
        assert entry.actor_user_id == world.user_ids["administrator"], action


def sign_in_fails(world: World, username: str, password: str) -> bool:
    client = https_client(world.app)
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    return answer.status_code != 303


def test_another_organisations_accounts_answer_404_and_change_nothing(world: World) -> None:
    actions.create_user(
        world.deployment,
        organisation_id=world.organisation_ids["other"],
        user=UserIn(username="other_admin", password=world.password, role=Role.ADMINISTRATOR),
    )
    intruder = world.browser("other_admin")
    victim = world.user_ids["case_worker"]
    assert victim not in [
        int(i) for i in re.findall(r'id="user-(\d+)"', intruder.get("/admin/users").text)
    ]
    for path, data in [
        (f"/admin/users/{victim}/active", {"active": "false"}),
        (f"/admin/users/{victim}/role", {"role": "administrator"}),
        (f"/admin/users/{victim}/password", {}),
        (f"/admin/users/{victim}/second-factor", {}),
    ]:
        token = csrf_from(intruder.get("/admin/users").text)
        answer = intruder.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
        assert answer.status_code == 404, path
    principal = world.principal("case_worker")
    assert principal.role is Role.CASE_WORKER
    assert not sign_in_fails(world, "case_worker", world.password)


def test_an_administrator_cannot_lock_themselves_out(world: World) -> None:
    admin = world.browser("administrator")
    page = admin.get("/admin/users")
    me = world.user_ids["administrator"]
    own = re.search(rf'<li id="user-{me}">(.*?)</li>', page.text, re.S)
    assert own and own.group(1).count("disabled aria-describedby") == 3  # role, save, disable
    refused = _post(admin, f"/admin/users/{me}/active", active="false")
    assert refused.status_code == 422
    demoted = _post(admin, f"/admin/users/{me}/role", role="screener")
    assert demoted.status_code == 422
    assert world.principal("administrator").role is Role.ADMINISTRATOR
    assert admin.get("/admin/users").status_code == 200


def test_a_bad_username_is_shown_next_to_its_field_and_nothing_is_created(world: World) -> None:
    admin = world.browser("administrator")
    refused = _post(admin, "/admin/users", username="Has Spaces", role="screener")
    assert refused.status_code == 422
    assert 'data-field="username"' in refused.text
    assert "Has Spaces" not in refused.text  # the value is never echoed
    names = re.findall(r'<strong dir="ltr">([^<]+)</strong>', admin.get("/admin/users").text)
    assert "Has Spaces" not in names and len(names) == len(Role)


def test_organisations_of_the_country_and_a_new_partner(world: World) -> None:
    admin = world.browser("administrator")
    page = admin.get("/admin/organisations")
    assert "Agadez Child Protection" in page.text
    assert "Sicily Minors Network" not in page.text  # another country's
    token = csrf_from(page.text)
    made = admin.post(
        "/admin/organisations",
        data={"csrf_token": token, "name": "Zinder Youth Shelter", "kind": "shelter_operator"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert "Zinder Youth Shelter" in admin.get("/admin/organisations").text
    again = admin.post(
        "/admin/organisations",
        data={"csrf_token": token, "name": "Zinder Youth Shelter", "kind": "ngo"},
    )
    assert again.status_code == 409
