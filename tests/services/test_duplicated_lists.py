"""Repeated values in a service's lists are stored once (found by the schemathesis fuzz: a
list of repeated sexes overflowed its column on PostgreSQL and answered 500)."""

from __future__ import annotations

from tests.conftest import World


def test_repeated_eligibility_values_are_stored_once(world: World) -> None:
    body = {
        "kind": "medical",
        "languages": ["fr"],
        "latitude": 13.5,
        "longitude": 2.1,
        "name": "Clinique",
        "eligibility": {"sexes": ["male", "male", "other", "other"]},
    }
    created = world.api("supervisor").post("/api/v1/services", json=body)
    assert created.status_code == 201, created.text
    too_many = {**body, "eligibility": {"sexes": ["male"] * 9}}
    assert world.api("supervisor").post("/api/v1/services", json=too_many).status_code == 422
