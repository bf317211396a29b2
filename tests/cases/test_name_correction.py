"""Correcting a child's names after registration: re-encrypted, re-indexed, audited."""

from __future__ import annotations

from tests.cases.helpers import create_case, patch
from tests.conftest import World, csrf_from


def _found(world: World, name: str) -> list[str | None]:
    response = world.api("case_worker").post("/api/v1/cases/search", json={"name": name})
    assert response.status_code == 200, response.text
    return [row["display_name"] for row in response.json()]


def test_a_corrected_name_finds_the_child_and_the_old_one_no_longer_does(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client)["reference"]  # Abdoulaye Diallo
    corrected = patch(client, reference, '"1"', given_name="Abdourahmane", family_name="Bah")
    assert corrected.status_code == 200, corrected.text
    assert corrected.headers["ETag"] == '"2"'
    child = corrected.json()["child"]
    assert (child["given_name"], child["family_name"]) == ("Abdourahmane", "Bah")
    assert _found(world, "abdoulaye") == [] and _found(world, "diallo") == []
    assert _found(world, "abdourahmane bah") == ["Abdourahmane Bah"]
    entries = world.api("data_protection_officer").get("/api/v1/audit").json()
    updates = [e for e in entries if e["action"] == "case.update"]
    assert updates and updates[0]["subject_type"] == "case"


def test_a_given_name_cannot_be_cleared_and_nothing_is_half_saved(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client)["reference"]
    for bad in ({"given_name": None}, {"given_name": ""}, {"family_name": "x" * 121}):
        refused = patch(client, reference, '"1"', risk_level="high", **bad)
        assert refused.status_code == 422, bad
    case = client.get(f"/api/v1/cases/{reference}")
    assert case.headers["ETag"] == '"1"' and case.json()["risk_level"] is None
    assert _found(world, "abdoulaye diallo") == ["Abdoulaye Diallo"]


def test_names_are_corrected_on_the_edit_page(world: World) -> None:
    reference = create_case(world.api("case_worker"))["reference"]
    browser = world.browser("case_worker")
    form = browser.get(f"/cases/{reference}/edit")
    assert 'value="Abdoulaye"' in form.text and 'value="Diallo"' in form.text
    data = {
        "csrf_token": csrf_from(form.text),
        "version": "1",
        "given_name": "Abdoulaye",
        "family_name": "Jallow",
    }
    saved = browser.post(f"/cases/{reference}/edit", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert _found(world, "diallo") == []
    assert _found(world, "abdoulaye jallow") == ["Abdoulaye Jallow"]
