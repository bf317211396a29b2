"""A referral stands on its consent: once the consent is withdrawn or expired the referral
cannot be accepted or started, and the receiving organisation no longer sees the child."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from tests.referrals.conftest import Referable, open_case, send

CONSENT = {
    "scope": "referral",
    "purpose": "continuity_of_care",
    "given_by": "guardian",
    "child_assent": True,
}


def _send(referable: Referable, case: str) -> int:
    sent = referable.world.api("case_worker").post(
        "/api/v1/referrals", json=send(referable, case=case)
    )
    assert sent.status_code == 201, sent.text
    referral_id: int = sent.json()["id"]
    return referral_id


def test_a_withdrawn_consent_stops_the_referral_and_the_access(referable: Referable) -> None:
    world = referable.world
    case_worker, shelter = world.api("case_worker"), world.api("shelter_worker")
    referral_id = _send(referable, referable.case)
    assert shelter.get(f"/api/v1/children/{referable.case}").status_code == 200
    consent_id = case_worker.get(f"/api/v1/cases/{referable.case}").json()["consents"][0]["id"]
    withdrawn = case_worker.post(f"/api/v1/cases/{referable.case}/consents/{consent_id}/withdrawal")
    assert withdrawn.status_code == 204
    refused = shelter.post(f"/api/v1/referrals/{referral_id}/accept")
    assert refused.status_code == 422 and "consent.withdrawn" in refused.json()["detail"]
    assert shelter.get(f"/api/v1/referrals/{referral_id}").json()["state"] == "sent"
    assert shelter.get(f"/api/v1/children/{referable.case}").status_code == 404
    declined = shelter.post(f"/api/v1/referrals/{referral_id}/decline", json={"reason": "other"})
    assert declined.status_code == 200, declined.text
    again = case_worker.post("/api/v1/referrals", json=send(referable))
    assert again.status_code == 422 and "consent.missing" in again.json()["detail"]


def test_an_expired_consent_stops_the_referral_and_the_access(referable: Referable) -> None:
    world = referable.world
    case = open_case(world, consent=False, given_name="Awa")
    expires = datetime.now(UTC) + timedelta(seconds=1.5)
    recorded = world.api("case_worker").post(
        f"/api/v1/cases/{case}/consents", json={**CONSENT, "expires_at": expires.isoformat()}
    )
    assert recorded.status_code == 201, recorded.text
    referral_id = _send(referable, case)
    shelter = world.api("shelter_worker")
    assert shelter.get(f"/api/v1/children/{case}").status_code == 200
    time.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.1)
    refused = shelter.post(f"/api/v1/referrals/{referral_id}/accept")
    assert refused.status_code == 422 and "consent.expired" in refused.json()["detail"]
    assert shelter.get(f"/api/v1/children/{case}").status_code == 404
    resent = world.api("case_worker").post("/api/v1/referrals", json=send(referable, case=case))
    assert resent.status_code == 422 and "consent.missing" in resent.json()["detail"]
