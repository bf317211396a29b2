"""The directory through the API and its page: publish, filter, capacity by the owner only."""

from __future__ import annotations

from tests.conftest import World, csrf_from
from tests.services.helpers import add_shelter_organisation, shelter


def test_filters_combine(world: World) -> None:
    add_shelter_organisation(world)
    full = shelter(world, name="Full House", beds_free=0)
    free = shelter(world, name="Free House", languages=["ar"], admin_area_pcode="NE00101")
    girls = shelter(world, name="Girls House", eligibility={"sexes": ["female"]})
    api = world.api("case_worker")

    def ids(**params: object) -> list[int]:
        answer = api.get("/api/v1/services", params=params)
        assert answer.status_code == 200, answer.text
        return sorted(row["id"] for row in answer.json())

    assert ids(kind="emergency_shelter") == sorted([full.id, free.id, girls.id])
    assert ids(has_free_beds=True) == sorted([free.id, girls.id])
    assert ids(language="ar") == [free.id]
    assert ids(admin_area_pcode="NE001") == sorted([full.id, free.id, girls.id])
    assert ids(admin_area_pcode="NE00101") == [free.id]
    assert ids(sex="male", has_free_beds=True) == [free.id]
    assert ids(country="ITA") == []
    assert ids(kind="legal_aid") == []
    assert api.get("/api/v1/services", params={"kind": "hotel"}).status_code == 422


def test_publishing_validates_capacity_and_languages(world: World) -> None:
    add_shelter_organisation(world)
    api = world.api("shelter_supervisor")
    base = {
        "name": "Legal Desk",
        "kind": "legal_aid",
        "latitude": 16.9,
        "longitude": 8.0,
        "languages": ["fr"],
    }
    assert api.post("/api/v1/services", json=base).status_code == 201
    assert (
        api.post("/api/v1/services", json={**base, "beds_total": 3, "beds_free": 1}).status_code
        == 422
    )
    assert api.post("/api/v1/services", json={**base, "languages": ["xx"]}).status_code == 422
    shelter_body = {**base, "kind": "emergency_shelter", "beds_total": 2, "beds_free": 3}
    assert api.post("/api/v1/services", json=shelter_body).status_code == 422
    assert world.api("case_worker").post("/api/v1/services", json=base).status_code == 403


def test_only_the_providers_staff_update_capacity(world: World) -> None:
    add_shelter_organisation(world)
    place = shelter(world)
    url = f"/api/v1/services/{place.id}/capacity"
    assert (
        world.api("case_worker").put(url, json={"beds_total": 9, "beds_free": 9}).status_code == 404
    )
    answer = world.api("shelter_worker").put(url, json={"beds_total": 12, "beds_free": 7})
    assert answer.status_code == 200 and answer.json()["beds_free"] == 7
    assert (
        world.api("shelter_worker").put(url, json={"beds_total": 2, "beds_free": 3}).status_code
        == 422
    )


def test_directory_page_maps_services_and_has_a_capacity_form(world: World) -> None:
    add_shelter_organisation(world)
    place = shelter(world)
    browser = world.browser("shelter_worker")
    page = browser.get("/services", params={"kind": "emergency_shelter", "has_free_beds": "true"})
    assert page.status_code == 200
    assert "data-map" in page.text and f'"url": "/services/{place.id}"' in page.text
    detail = browser.get(f"/services/{place.id}")
    saved = browser.post(
        f"/services/{place.id}/capacity",
        data={"beds_total": "10", "beds_free": "2", "csrf_token": csrf_from(detail.text)},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert world.api("case_worker").get(f"/api/v1/services/{place.id}").json()["beds_free"] == 2
    assert browser.get("/services", params={"kind": "nonsense"}).status_code == 422
