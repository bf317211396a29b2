"""An administrator disables a partner organisation: its staff's tokens, live sessions and
sign-ins stop at once, it receives no new referral or bed (refused with the reason, gone from
the directory), its records stay, and re-enabling restores it; both changes are audited."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from routecare.audit.models import AuditEntry
from tests.cases.helpers import create_case
from tests.conftest import World, csrf_from
from tests.services.helpers import add_shelter_organisation, shelter
from tests.web.test_admin_pages import sign_in_fails

CONSENT = {"scope": "referral", "purpose": "continuity_of_care", "given_by": "child"}


def _case_with_consent(worker: TestClient) -> str:
    reference = str(create_case(worker, unaccompanied=False)["reference"])
    consent = worker.post(
        f"/api/v1/cases/{reference}/consents", json={**CONSENT, "child_assent": True}
    )
    assert consent.status_code == 201, consent.text
    return reference


def _refer(worker: TestClient, reference: str, service_id: int) -> Any:
    return worker.post(
        "/api/v1/referrals",
        json={"case": reference, "service_id": service_id, "purpose": "continuity_of_care"},
    )


def _set_enabled(admin: TestClient, organisation_id: int, enabled: bool) -> int:
    token = csrf_from(admin.get("/admin/organisations").text)
    answer = admin.post(
        f"/admin/organisations/{organisation_id}/active",
        data={"csrf_token": token, "enabled": "true" if enabled else "false"},
        follow_redirects=False,
    )
    return answer.status_code


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_disabled_organisation_is_locked_out_and_receives_nothing_new(world: World) -> None:
    organisation_id = add_shelter_organisation(world)
    place = shelter(world)
    worker = world.api("case_worker")
    sent = _refer(worker, _case_with_consent(worker), place.id)
    assert sent.status_code == 201, sent.text
    token = world.api("shelter_worker")  # issued while the organisation was enabled
    session = world.browser("shelter_worker")  # a live browser session
    assert token.get("/api/v1/me").status_code == 200
    assert place.name in world.browser("case_worker").get("/services").text

    admin = world.browser("administrator")
    assert _set_enabled(admin, organisation_id, False) == 303
    assert token.get("/api/v1/me").status_code == 401
    assert session.get("/", follow_redirects=False).headers["location"] == "/login"
    assert sign_in_fails(world, "shelter_worker", world.password)

    refused = _refer(worker, _case_with_consent(worker), place.id)
    assert refused.status_code == 422
    assert "organisation.disabled" in refused.json()["detail"]
    bed = worker.post(f"/api/v1/services/{place.id}/reservations", json={})
    assert bed.status_code == 422 and "organisation.disabled" in bed.json()["detail"]
    listed = [s["id"] for s in worker.get("/api/v1/services").json()]
    assert place.id not in listed
    assert place.name not in world.browser("case_worker").get("/services").text
    # Its records stay: the referral it had received is still there for the sender.
    assert worker.get(f"/api/v1/referrals/{sent.json()['id']}").status_code == 200
    listed_page = admin.get("/admin/organisations").text
    assert f'id="organisation-{organisation_id}"' in listed_page

    assert _set_enabled(admin, organisation_id, True) == 303
    assert token.get("/api/v1/me").status_code == 200
    assert not sign_in_fails(world, "shelter_worker", world.password)
    assert _refer(worker, _case_with_consent(worker), place.id).status_code == 201
    with world.deployment.database.transaction() as db:
        entries = db.execute(
            select(AuditEntry.action, AuditEntry.actor_user_id).where(
                AuditEntry.subject_type == "organisation",
                AuditEntry.subject_id == str(organisation_id),
                AuditEntry.action.in_(["organisation.disable", "organisation.enable"]),
            )
        ).all()
    admin_id = world.user_ids["administrator"]
    assert sorted(entries) == [
        ("organisation.disable", admin_id),
        ("organisation.enable", admin_id),
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_administrator_cannot_disable_their_own_organisation(world: World) -> None:
    admin = world.browser("administrator")
    assert _set_enabled(admin, world.organisation_ids["home"], False) == 422
    assert world.api("administrator").get("/api/v1/me").status_code == 200
