"""Placement requests: nearest fitting places first, escalation when nothing fits."""

from __future__ import annotations

from tests.conftest import World, csrf_from
from tests.services.helpers import add_shelter_organisation, shelter

AGADEZ = {"latitude": 16.97, "longitude": 7.99}


def test_nearest_fitting_places_first(world: World) -> None:
    add_shelter_organisation(world)
    far = shelter(world, name="Niamey House", latitude=13.51, longitude=2.11)
    near = shelter(world, name="Agadez House", latitude=16.98, longitude=8.0)
    shelter(world, name="Girls Only", eligibility={"sexes": ["female"]})
    shelter(world, name="Full House", beds_free=0)
    shelter(world, name="Young Children", eligibility={"min_age": 0, "max_age": 11})
    answer = world.api("screener").post(
        "/api/v1/placement/requests", json={**AGADEZ, "age": 15, "sex": "male", "language": "ha"}
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["status"] == "open"
    assert [p["service"]["id"] for p in body["places"]] == [near.id, far.id]
    assert body["places"][0]["travel_km"] < body["places"][1]["travel_km"]
    assert body["places"][0]["speaks_language"] is True


def test_the_search_box_never_hides_a_nearer_place(world: World) -> None:
    """Nine places next door and one in the corner of the first search box (about 130 km away):
    a place due north at about 105 km lies outside that box but is nearer, so it comes tenth."""
    add_shelter_organisation(world)
    for i in range(9):
        shelter(world, name=f"Next door {i}", latitude=16.97 + i / 1000)
    corner = shelter(world, name="Box corner", latitude=17.82, longitude=8.84)
    north = shelter(world, name="Due north", latitude=17.915, longitude=7.99)
    places = (
        world.api("screener")
        .post("/api/v1/placement/requests", json={**AGADEZ, "age": 15, "sex": "male"})
        .json()["places"]
    )
    assert len(places) == 10
    assert places[-1]["service"]["id"] == north.id
    assert corner.id not in [p["service"]["id"] for p in places]
    assert [p["travel_km"] for p in places] == sorted(p["travel_km"] for p in places)


def test_nothing_fits_escalates_to_the_coordinator_queue(world: World) -> None:
    add_shelter_organisation(world)
    shelter(world, needs_supported=[])
    answer = world.api("case_worker").post(
        "/api/v1/placement/requests", json={**AGADEZ, "age": 16, "needs": ["mother_and_baby"]}
    )
    assert answer.json()["status"] == "escalated" and answer.json()["places"] == []
    queue = world.api("coordinator").get("/api/v1/placement/queue")
    assert [r["id"] for r in queue.json()] == [answer.json()["id"]]
    assert queue.json()[0]["waiting_seconds"] >= 0
    assert world.api("case_worker").get("/api/v1/placement/queue").status_code == 403


def test_a_request_is_resolved_by_reserving_for_it(world: World) -> None:
    add_shelter_organisation(world)
    place = shelter(world)
    request = world.api("case_worker").post("/api/v1/placement/requests", json=AGADEZ).json()
    held = world.api("case_worker").post(
        f"/api/v1/services/{place.id}/reservations", json={"placement_request": request["id"]}
    )
    assert held.status_code == 201
    again = world.api("case_worker").get(f"/api/v1/placement/requests/{request['id']}").json()
    assert again["status"] == "reserved" and again["resolved_at"] is not None
    assert (
        world.api("other_case_worker")
        .get(f"/api/v1/placement/requests/{request['id']}")
        .status_code
        == 404
    )


def test_placement_pages_request_reserve_and_queue(world: World) -> None:
    add_shelter_organisation(world)
    place = shelter(world, beds_free=1)
    browser = world.browser("case_worker")
    form = browser.get("/placement")
    token = csrf_from(form.text)
    sent = browser.post(
        "/placement",
        data={
            "latitude": "16.97",
            "longitude": "7.99",
            "age": "15",
            "sex": "male",
            "needs": [],
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    offered = browser.get(sent.headers["location"])
    assert place.name in offered.text
    request_id = int(sent.headers["location"].rsplit("/", 1)[1])
    held = browser.post(
        f"/services/{place.id}/reservations",
        data={"placement_request": str(request_id), "csrf_token": token},
        follow_redirects=False,
    )
    assert held.status_code == 303
    escalated = browser.post(
        "/placement",
        data={"latitude": "16.97", "longitude": "7.99", "csrf_token": token},
        follow_redirects=False,
    )
    assert "escalated" not in escalated.text
    queue = world.browser("coordinator").get("/placement/queue")
    assert (
        queue.status_code == 200 and escalated.headers["location"].rsplit("/", 1)[1] in queue.text
    )
