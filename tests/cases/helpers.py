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
