"""Erasing a child destroys, in the key store, its data key and those of its screenings, and
leaves tombstones for restores to replay."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from routecare.crypto.keystore import DataKeyDestroyed, cipher_of, store_of
from routecare.screening.actions import link_case
from routecare.screening.models import Screening
from tests.conftest import World
from tests.screening.test_score_cli import strong_child_purpose


def test_erasing_a_child_destroys_the_keys_of_its_screenings(world: World) -> None:
    child = world.api("case_worker").post(
        "/api/v1/children", json={"given_name": "Fatouma", "sex": "female", "age": 14}
    )
    screener = world.api("screener")
    body = {"answers": strong_child_purpose(), "location": "Agadez bus station"}
    linked, unrelated = (screener.post("/api/v1/screenings", json=body).json() for _ in range(2))
    link_case(
        world.deployment,
        world.principal("screener"),
        linked["reference"],
        child.json()["reference"],
    )
    erasure = world.api("data_protection_officer").post(
        f"/api/v1/children/{child.json()['reference']}/erasure"
    )
    assert erasure.status_code == 204

    assert screener.get(f"/api/v1/screenings/{linked['reference']}").status_code == 404
    kept = screener.get(f"/api/v1/screenings/{unrelated['reference']}").json()
    assert kept["location"] == "Agadez bus station"
    with world.deployment.database.transaction() as session:
        uid = session.execute(
            select(Screening.uid).where(Screening.reference == linked["reference"])
        ).scalar_one()
    with pytest.raises(DataKeyDestroyed):
        cipher_of(world.deployment.keyring, uid)
    assert uid in store_of(world.deployment.keyring).erased()
