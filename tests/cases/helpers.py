"""Creating cases for tests through the public API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from routecare.cases.models import CaseTask
from routecare.deployment import Deployment

CHILD: dict[str, Any] = {
    "given_name": "Abdoulaye",
    "family_name": "Diallo",
    "sex": "male",
    "age": 15,
    "nationality": "GIN",
    "unaccompanied": True,
}


def create_case(client: TestClient, key: str | None = None, **overrides: Any) -> dict[str, Any]:
    headers = {"Idempotency-Key": key} if key else {}
    response = client.post("/api/v1/cases", json={**CHILD, **overrides}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def patch(client: TestClient, reference: str, etag: str, **fields: Any) -> Any:
    return client.patch(f"/api/v1/cases/{reference}", json=fields, headers={"If-Match": etag})


def add_overdue_task(deployment: Deployment, client: TestClient, reference: str) -> None:
    """A task made due tomorrow (a past date is refused), then moved to 2020 as if time had
    passed: an overdue task."""
    created = client.post(
        f"/api/v1/cases/{reference}/tasks",
        json={"title": "Call the juvenile court", "due_at": "2099-01-01T09:00:00Z"},
    )
    assert created.status_code == 201, created.text
    with deployment.database.transaction() as session:
        session.execute(
            update(CaseTask)
            .where(CaseTask.id == created.json()["id"])
            .values(due_at=datetime(2020, 1, 1, 9, tzinfo=UTC))
        )


def move_stage(client: TestClient, reference: str, to: str) -> Any:
    return client.post(f"/api/v1/cases/{reference}/stage", json={"to": to})


def fill_case(client: TestClient, reference: str, **fields: Any) -> None:
    etag = client.get(f"/api/v1/cases/{reference}").headers["ETag"]
    response = patch(client, reference, etag, **fields)
    assert response.status_code == 200, response.text


# What each stage asks for before the next, and the stage it then moves to.
TO_CARE_PLAN = [
    ("risk_level", "low", "registration"),
    ("family_tracing_status", "not_needed", "assessment"),
    ("assessment_summary", "Done", "care_plan"),
]


def case_at_care_plan(client: TestClient, steps: list[tuple[str, str, str]] = TO_CARE_PLAN) -> str:
    """A new case walked to the care-plan stage through the API, filling what each stage asks."""
    reference = str(create_case(client, unaccompanied=False)["reference"])
    for field, value, stage in steps:
        fill_case(client, reference, **{field: value})
        moved = move_stage(client, reference, stage)
        assert moved.status_code == 200, moved.text
    return reference
