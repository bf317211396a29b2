"""Shares expose only the fields granted, end at once, and erasure destroys the identity."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from routecare.children.models import Child
from routecare.crypto.keystore import DataKeyDestroyed, cipher_of
from tests.conftest import World


def _register(world: World) -> str:
    response = world.api("case_worker").post(
        "/api/v1/children",
        json={
            "given_name": "Mariama",
            "family_name": "Balde",
            "sex": "female",
            "age": 14,
            "nationality": "GIN",
            "narrative": "private",
        },
    )
    assert response.status_code == 201
    return str(response.json()["reference"])


def test_a_share_shows_only_the_granted_fields_until_it_ends(world: World) -> None:
    reference = _register(world)
    partner = world.api("other_case_worker")
    assert partner.get(f"/api/v1/children/{reference}").status_code == 404
    share = world.api("case_worker").post(
        f"/api/v1/children/{reference}/shares",
        json={
            "organisation_id": world.organisation_ids["other"],
            "purpose": "continuity_of_care",
            "fields": ["given_name", "age", "sex"],
        },
    )
    assert share.status_code == 201
    seen = partner.get(f"/api/v1/children/{reference}").json()
    assert seen["given_name"] == "Mariama" and seen["age"] == 14
    assert seen["family_name"] is None and seen["narrative"] is None
    assert seen["nationality"] is None
    listed = partner.get("/api/v1/children").json()
    assert [c["reference"] for c in listed] == [reference] and listed[0]["shared_with_us"]
    ended = world.api("case_worker").delete(
        f"/api/v1/children/{reference}/shares/{share.json()['id']}"
    )
    assert ended.status_code == 200
    assert partner.get(f"/api/v1/children/{reference}").status_code == 404
    assert partner.get("/api/v1/children").json() == []


def test_the_partner_cannot_reshare_or_end_someone_elses_grant(world: World) -> None:
    reference = _register(world)
    world.api("case_worker").post(
        f"/api/v1/children/{reference}/shares",
        json={
            "organisation_id": world.organisation_ids["other"],
            "purpose": "family_tracing",
            "fields": ["given_name"],
        },
    )
    reshare = world.api("other_case_worker").post(
        f"/api/v1/children/{reference}/shares",
        json={
            "organisation_id": world.organisation_ids["home"],
            "purpose": "family_tracing",
            "fields": ["given_name"],
        },
    )
    assert reshare.status_code == 404


def test_a_screener_does_not_see_the_narrative(world: World) -> None:
    reference = _register(world)
    seen = world.api("screener").get(f"/api/v1/children/{reference}").json()
    assert seen["given_name"] == "Mariama" and seen["narrative"] is None


def test_erasure_destroys_the_data_key(world: World) -> None:
    reference = _register(world)
    assert (
        world.api("data_protection_officer")
        .post(f"/api/v1/children/{reference}/erasure")
        .status_code
        == 204
    )
    assert world.api("case_worker").get(f"/api/v1/children/{reference}").status_code == 404
    with world.deployment.database.transaction() as session:
        child = session.execute(select(Child).where(Child.reference == reference)).scalar_one()
        assert child.given_name is None and child.erased_at
    with pytest.raises(DataKeyDestroyed):
        cipher_of(world.deployment.keyring, child.uid)
