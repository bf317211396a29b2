"""A world where every role's work queue holds something, built through the public API:
a case at the care-plan stage awaiting approval, with consent, an overdue task, a referral
sent to a shelter, a bed held there, and an escalated emergency request."""

from __future__ import annotations

from dataclasses import dataclass

from tests.cases.helpers import add_overdue_task, case_at_care_plan, fill_case
from tests.conftest import World
from tests.services.helpers import add_shelter_organisation, shelter

AGADEZ = {"latitude": 16.97, "longitude": 7.99}


@dataclass
class Queues:
    case: str  # at the care-plan stage, plan written, not approved
    referral_id: int  # sent by the case worker to the shelter, unanswered
    reservation_id: int  # a bed held at the shelter for the case
    service_id: int
    escalated_id: int  # an emergency request nobody could place


def fill_every_queue(world: World) -> Queues:
    add_shelter_organisation(world)
    place = shelter(world)
    worker = world.api("case_worker")
    reference = case_at_care_plan(
        worker,
        [
            ("risk_level", "high", "registration"),
            ("family_tracing_status", "in_progress", "assessment"),
            ("assessment_summary", "Needs shelter and a guardian", "care_plan"),
        ],
    )
    fill_case(worker, reference, care_plan="Shelter, guardian, schooling")
    add_overdue_task(world.deployment, worker, reference)
    consent = worker.post(
        f"/api/v1/cases/{reference}/consents",
        json={
            "scope": "referral",
            "purpose": "continuity_of_care",
            "given_by": "child",
            "child_assent": True,
        },
    )
    assert consent.status_code == 201, consent.text
    referral = worker.post(
        "/api/v1/referrals",
        json={"case": reference, "service_id": place.id, "purpose": "continuity_of_care"},
    )
    assert referral.status_code == 201, referral.text
    held = worker.post(f"/api/v1/services/{place.id}/reservations", json={"case": reference})
    assert held.status_code == 201, held.text
    escalated = worker.post(
        "/api/v1/placement/requests", json={**AGADEZ, "age": 16, "needs": ["mother_and_baby"]}
    )
    assert escalated.json()["status"] == "escalated", escalated.text
    return Queues(
        case=reference,
        referral_id=referral.json()["id"],
        reservation_id=held.json()["id"],
        service_id=place.id,
        escalated_id=escalated.json()["id"],
    )
