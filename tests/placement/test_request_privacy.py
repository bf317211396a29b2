"""A placement request says where a child is: a copy of the database shows only ciphertext
while it is open, not even the keyring brings back its exact place once it is resolved, and
nothing of it is left once the child's record is erased."""

from __future__ import annotations

from pathlib import Path

from routecare.crypto import Keyring
from tests.conftest import World
from tests.database_copy import Secret, database_copy, recovered
from tests.referrals.conftest import open_case
from tests.services.helpers import add_shelter_organisation, shelter

EXACT = {"latitude": 16.9187654, "longitude": 7.9412345}
SECRETS: dict[str, Secret] = {
    "latitude": EXACT["latitude"],
    "longitude": EXACT["longitude"],
    "needs": "psychosocial_care",  # no place in this deployment names it
}


def test_a_request_is_ciphertext_then_loses_its_place_then_goes_with_the_child(
    world: World, tmp_path: Path
) -> None:
    add_shelter_organisation(world)
    place = shelter(world)
    case = open_case(world)
    api = world.api("case_worker")
    body = {**EXACT, "age": 14, "sex": "male", "needs": ["psychosocial_care"], "case": case}
    requested = api.post("/api/v1/placement/requests", json=body)
    assert requested.status_code == 201, requested.text
    request_id = requested.json()["id"]
    keyring = world.deployment.keyring

    with database_copy(world.deployment, tmp_path) as copy:
        assert recovered(copy, Keyring.generate(), SECRETS) == set()  # nothing in clear
        assert recovered(copy, keyring, SECRETS) == set(SECRETS)  # the open request is searchable

    escalated = api.get(f"/api/v1/placement/requests/{request_id}").json()
    assert (escalated["status"], escalated["age"], escalated["needs"]) == (
        "escalated",
        14,
        ["psychosocial_care"],
    )
    coordinator = world.api("coordinator")
    reserved = coordinator.post(
        f"/api/v1/services/{place.id}/reservations", json={"placement_request": request_id}
    )
    assert reserved.status_code == 201, reserved.text
    with database_copy(world.deployment, tmp_path) as copy:
        assert recovered(copy, keyring, SECRETS) == {"needs"}  # the exact place is gone
    resolved = api.get(f"/api/v1/placement/requests/{request_id}").json()
    assert (resolved["status"], resolved["needs"], resolved["places"]) == (
        "reserved",
        ["psychosocial_care"],
        [],
    )

    erased = world.api("data_protection_officer").post(f"/api/v1/children/{case}/erasure")
    assert erased.status_code == 204
    with database_copy(world.deployment, tmp_path) as copy:
        assert recovered(copy, keyring, SECRETS) == set()
    after = api.get(f"/api/v1/placement/requests/{request_id}").json()
    assert (after["status"], after["age"], after["needs"], after["case"]) == (
        "reserved",
        None,
        [],
        None,
    )
