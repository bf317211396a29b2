"""Bed reservations through the HTTP API: atomic on both backends, expiring, 409 when full."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import update

from routecare.clock import utcnow
from routecare.placement.models import BedReservation
from tests.conftest import World
from tests.referrals.conftest import open_case
from tests.services.helpers import add_shelter_organisation, shelter


def test_fifty_simultaneous_reservations_for_ten_beds_give_exactly_ten(world: World) -> None:
    add_shelter_organisation(world)
    place = shelter(world, beds_total=10, beds_free=10)
    clients = [world.api("case_worker") for _ in range(50)]

    def reserve(index: int) -> int:
        return clients[index].post(f"/api/v1/services/{place.id}/reservations").status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(reserve, range(50)))
    assert statuses.count(201) == 10
    assert statuses.count(409) == 40
    listed = world.api("case_worker").get("/api/v1/services", params={"kind": "emergency_shelter"})
    assert listed.status_code == 200
    (row,) = listed.json()
    assert (row["id"], row["beds_total"], row["beds_free"]) == (place.id, 10, 0)
    assert {"name", "country"} <= row.keys()


def test_reservation_contract_and_release(world: World) -> None:
    add_shelter_organisation(world)
    place = shelter(world, beds_free=1)
    api = world.api("case_worker")
    unknown = api.post(f"/api/v1/services/{place.id}/reservations", json={"case": "NER-ABCDEFGH"})
    assert unknown.status_code == 404
    case = open_case(world)
    held = api.post(f"/api/v1/services/{place.id}/reservations", json={"case": case})
    assert held.status_code == 201, held.text
    assert held.json()["case"] == case
    assert held.json()["status"] == "held" and held.json()["beds_free"] == 0
    assert api.post(f"/api/v1/services/{place.id}/reservations").status_code == 409
    released = api.post(f"/api/v1/reservations/{held.json()['id']}/release")
    assert released.status_code == 200 and released.json()["beds_free"] == 1
    assert api.post(f"/api/v1/reservations/{held.json()['id']}/release").status_code == 409


def test_expired_holds_give_their_bed_back(world: World) -> None:
    add_shelter_organisation(world)
    place = shelter(world, beds_free=1)
    api = world.api("case_worker")
    held = api.post(f"/api/v1/services/{place.id}/reservations").json()
    with world.deployment.database.transaction() as session:
        session.execute(
            update(BedReservation)
            .where(BedReservation.id == held["id"])
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    again = api.post(f"/api/v1/services/{place.id}/reservations")
    assert again.status_code == 201
    shelter_view = world.api("shelter_worker").get("/api/v1/reservations").json()
    assert [r["id"] for r in shelter_view] == [again.json()["id"]]


def test_arrival_keeps_the_bed_and_other_organisations_see_nothing(world: World) -> None:
    add_shelter_organisation(world)
    place = shelter(world, beds_free=2)
    held = world.api("case_worker").post(f"/api/v1/services/{place.id}/reservations").json()
    assert (
        world.api("other_case_worker")
        .post(f"/api/v1/reservations/{held['id']}/arrival")
        .status_code
        == 404
    )
    arrived = world.api("shelter_worker").post(f"/api/v1/reservations/{held['id']}/arrival")
    assert arrived.status_code == 200 and arrived.json()["status"] == "arrived"
    assert arrived.json()["beds_free"] == 1
