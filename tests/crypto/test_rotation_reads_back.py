"""After `routecare keys rotate`, every encrypted field of the demo (children's identities,
cases, and screenings' answers, locations and reasons) reads back as before, and only the new
master key is left. Only long-standing public interfaces here, so the test runs on old code."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from routecare.config import Settings
from routecare.crypto.keyring import Keyring
from routecare.deployment import Deployment
from tests.cli_runner import run_cli
from tests.crypto.helpers import api_client
from tests.screening.test_score_cli import strong_child_purpose


def _record_screenings(client: TestClient, count: int) -> list[str]:
    references = []
    for number in range(count):
        body = {"age": 15, "answers": strong_child_purpose(), "location": f"Agadez gate {number}"}
        reference = client.post("/api/v1/screenings", json=body).json()["reference"]
        reason = {"reason": f"Referred to the shelter, family found ({number})"}
        assert client.post(f"/api/v1/screenings/{reference}/no-case", json=reason).is_success
        references.append(reference)
    return references


def _everything_readable(settings: Settings, screenings: list[str]) -> dict[str, Any]:
    """Every child's record, case and screening as the API shows them (decrypted)."""
    deployment, client = api_client(settings, "caseworker")
    try:
        seen: dict[str, Any] = {}
        for child in client.get("/api/v1/children").json():
            seen[child["reference"]] = client.get(f"/api/v1/children/{child['reference']}").json()
        for case in client.get("/api/v1/cases").json():
            seen[case["reference"]] = client.get(f"/api/v1/cases/{case['reference']}").json()
        for reference in screenings:
            response = client.get(f"/api/v1/screenings/{reference}")
            assert response.status_code == 200, response.text
            seen[reference] = response.json()
        return seen
    finally:
        deployment.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_after_rotation_every_encrypted_field_of_the_demo_reads_back(
    deployment: Deployment,
) -> None:
    settings = deployment.settings
    assert run_cli(deployment, "demo", "--no-serve", "--password", "demo password 1").exit_code == 0
    opened, screener = api_client(settings, "screener")
    screenings = _record_screenings(screener, 3)
    opened.close()
    before = _everything_readable(settings, screenings)
    assert len(before) >= 10
    assert any(record.get("location") == "Agadez gate 0" for record in before.values())

    result = run_cli(deployment, "keys", "rotate")
    assert result.exit_code == 0, result.output

    keyring = Keyring.from_json(settings.keyring_path.read_text())
    assert list(keyring.master_keys) == [keyring.active] != [deployment.keyring.active]
    assert _everything_readable(settings, screenings) == before
    assert run_cli(deployment, "audit", "verify").exit_code == 0
