"""The pages: the possible-match panel on a new case (another organisation's record is sent
to the coordinator, never shown), and the coordinator's notices page."""

from __future__ import annotations

from tests.conftest import World, csrf_from
from tests.linkage.registrations import NEIGHBOUR, add_neighbour, open_case, register_population


def test_the_case_page_shows_a_possible_match_and_the_coordinator_reviews_the_notice(
    world: World,
) -> None:
    register_population(world, size=80)
    theirs = open_case(world.api(add_neighbour(world)), "Abdoulaye", "Diallo", "Ibrahima")
    browser = world.browser("case_worker")
    form = browser.get("/cases/new")
    created = browser.post(
        "/cases",
        data={
            "csrf_token": csrf_from(form.text),
            "given_name": "Abdulai",
            "family_name": "Jallow",
            "other_names": "Ibrahima",
            "sex": "male",
            "age": "15",
            "nationality": "GIN",
        },
    )
    assert created.status_code == 200, created.text
    page = created.text
    assert 'id="possible-matches"' in page
    assert NEIGHBOUR not in page and theirs not in page and "Abdoulaye" not in page
    assert "sent to the national coordinator for review: 1" in page

    coordinator = world.browser("coordinator")
    assert 'href="/linkage/notices"' in coordinator.get("/").text
    notices = coordinator.get("/linkage/notices")
    assert theirs in notices.text and NEIGHBOUR in notices.text
    assert "Abdulai" not in notices.text
    review = notices.text.split('action="/linkage/notices/')[1].split('"')[0]
    reviewed = coordinator.post(
        f"/linkage/notices/{review}", data={"csrf_token": csrf_from(notices.text)}
    )
    assert reviewed.status_code == 200
    assert reviewed.text.count("Mark reviewed") == 1
    assert world.browser("analyst").get("/linkage/notices").status_code == 403


def test_a_bad_decision_form_is_refused(world: World) -> None:
    reference = open_case(world.api("case_worker"), "Awa", "Conde", "Sekou")
    browser = world.browser("case_worker")
    page = browser.get(f"/cases/{reference}").text
    refused = browser.post(
        f"/cases/{reference}/possible-matches/abc/decision",
        data={"csrf_token": csrf_from(page), "same_child": "maybe"},
    )
    assert refused.status_code == 422
