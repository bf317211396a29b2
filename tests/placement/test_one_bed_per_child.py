"""One live bed reservation per child: a second is refused (also when both are asked at once)
unless a supervisor overrides it with a reason, which the case keeps; the case shows its beds,
also those reserved from the services page."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.conftest import World, csrf_from
from tests.referrals.conftest import open_case
from tests.services.helpers import add_shelter_organisation, shelter


def test_a_child_holds_one_bed_unless_a_supervisor_overrides_with_a_reason(world: World) -> None:
    add_shelter_organisation(world)
    first = shelter(world, name="Agadez Emergency House")
    second = shelter(world, name="Arlit Night Shelter")
    case = open_case(world)
    api = world.api("case_worker")
    held = api.post(f"/api/v1/services/{first.id}/reservations", json={"case": case})
    assert held.status_code == 201, held.text
    again = api.post(f"/api/v1/services/{second.id}/reservations", json={"case": case})
    assert again.status_code == 409
    assert "already holds a bed" in again.json()["detail"]
    not_a_supervisor = api.post(
        f"/api/v1/services/{second.id}/reservations",
        json={"case": case, "override_reason": "Moved to a safer town"},
    )
    assert not_a_supervisor.status_code == 403
    supervisor = world.api("supervisor")
    blank = supervisor.post(
        f"/api/v1/services/{second.id}/reservations",
        json={"case": case, "override_reason": "   "},
    )
    assert blank.status_code == 422
    overridden = supervisor.post(
        f"/api/v1/services/{second.id}/reservations",
        json={"case": case, "override_reason": "Trafficker seen near the first shelter"},
    )
    assert overridden.status_code == 201, overridden.text
    notes = api.get(f"/api/v1/cases/{case}").json()["notes"]
    assert any("Trafficker seen near the first shelter" in note["body"] for note in notes)
    assert [s.beds_free for s in (first, second)] == [5, 5]  # as published; both now hold one
    beds = {
        row["id"]: row["beds_free"]
        for row in api.get("/api/v1/services", params={"kind": "emergency_shelter"}).json()
    }
    assert beds == {first.id: 4, second.id: 4}  # the refusals took no bed


def test_parallel_reservations_for_one_child_give_one_bed(world: World) -> None:
    add_shelter_organisation(world)
    places = [shelter(world, name=f"Shelter {n}") for n in range(2)]
    case = open_case(world)
    clients = [world.api("case_worker") for _ in range(8)]

    def reserve(index: int) -> int:
        place = places[index % 2]
        response = clients[index].post(
            f"/api/v1/services/{place.id}/reservations", json={"case": case}
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(reserve, range(8)))
    assert sorted(statuses) == [201] + [409] * 7


def test_a_bed_reserved_from_the_services_page_appears_on_the_case(world: World) -> None:
    add_shelter_organisation(world)
    place = shelter(world, name="Agadez Emergency House")
    case = open_case(world)
    browser = world.browser("case_worker")
    page = browser.get(f"/services/{place.id}")
    reserved = browser.post(
        f"/services/{place.id}/reservations",
        data={"csrf_token": csrf_from(page.text), "case": case},
        follow_redirects=False,
    )
    assert reserved.status_code == 303, reserved.text
    shown = browser.get(f"/cases/{case}").text
    beds = shown.split('id="beds"')[1].split("</section>")[0]
    assert "Agadez Emergency House" in beds and "Held, waiting for the child" in beds
