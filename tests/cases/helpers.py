"""Creating cases for tests through the public API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

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
