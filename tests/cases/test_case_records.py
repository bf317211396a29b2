"""Notes, tasks, consents, age assessments and links, each created once per idempotency key."""

from __future__ import annotations

from tests.cases.helpers import add_overdue_task, create_case
from tests.conftest import World


def test_note_created_once_per_key(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client)["reference"]
    path = f"/api/v1/cases/{reference}/notes"
    headers = {"Idempotency-Key": "note-1"}
    first = client.post(path, json={"body": "Calm, asked about his brother"}, headers=headers)
    second = client.post(path, json={"body": "Calm, asked about his brother"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    notes = client.get(f"/api/v1/cases/{reference}").json()["notes"]
    assert [n["body"] for n in notes] == ["Calm, asked about his brother"]


def test_consent_recorded_and_withdrawn(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client)["reference"]
    consent = {
        "scope": "referral",
        "purpose": "family_tracing",
        "recipient_organisation_id": world.organisation_ids["other"],
        "given_by": "guardian",
        "child_assent": True,
        "language": "fra",
    }
    created = client.post(f"/api/v1/cases/{reference}/consents", json=consent)
    assert created.status_code == 201, created.text
    consent_id = created.json()["id"]
    bad = client.post(f"/api/v1/cases/{reference}/consents", json={**consent, "purpose": "Bad"})
    assert bad.status_code == 422
    withdrawn = client.post(f"/api/v1/cases/{reference}/consents/{consent_id}/withdrawal")
    assert withdrawn.status_code == 204
    listed = client.get(f"/api/v1/cases/{reference}").json()["consents"]
    assert listed[0]["purpose"] == "family_tracing"
    assert listed[0]["withdrawn_at"] is not None


def test_tasks_overdue_and_done(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client, unaccompanied=False)["reference"]
    add_overdue_task(world.deployment, client, reference)
    task = client.get(f"/api/v1/cases/{reference}").json()["tasks"][0]
    assert task["overdue"] and task["title"] == "Call the juvenile court"
    home = world.browser("case_worker").get("/")
    assert reference in home.text
    assert client.post(f"/api/v1/cases/{reference}/tasks/{task['id']}/done").status_code == 204
    assert not client.get(f"/api/v1/cases/{reference}").json()["tasks"][0]["overdue"]


def test_age_assessment_keeps_the_lowest_age(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client, age=19)["reference"]
    response = client.post(
        f"/api/v1/cases/{reference}/age-assessments",
        json={"method": "multidisciplinary", "minimum_age": 16, "maximum_age": 18},
    )
    assert response.status_code == 201
    case = client.get(f"/api/v1/cases/{reference}").json()
    assert case["child"]["age"] == 16
    assert case["age_assessments"][0]["maximum_age"] == 18


def test_siblings_linked_both_ways(world: World) -> None:
    client = world.api("case_worker")
    first = create_case(client)["reference"]
    second = create_case(client, given_name="Mariama")["reference"]
    linked = client.post(
        f"/api/v1/cases/{first}/links", json={"other_reference": second, "relation": "sibling"}
    )
    assert linked.status_code == 201
    assert client.get(f"/api/v1/cases/{second}").json()["links"][0]["other_reference"] == first
