""" "Same child" on a possible match within one organisation links the two records: the
earlier case continues, the later one is closed as a duplicate, its history kept and audited."""

from __future__ import annotations

from sqlalchemy import select

from routecare.audit.models import AuditEntry
from tests.conftest import World, csrf_from
from tests.linkage.registrations import open_case, register_population


def test_same_child_closes_the_later_case_as_a_duplicate_of_the_earlier_one(
    world: World,
) -> None:
    register_population(world, size=60)
    api = world.api("case_worker")
    earlier = open_case(api, "Abdoulaye", "Diallo", "Ibrahima")
    later = open_case(api, "Abdulai", "Jallow", "Ibrahima")
    note = api.post(f"/api/v1/cases/{later}/notes", json={"body": "Arrived at Assamaka."})
    assert note.status_code == 201, note.text
    browser = world.browser("case_worker")
    page = browser.get(f"/cases/{later}")
    match_id = page.text.split(f'action="/cases/{later}/possible-matches/')[1].split("/")[0]
    decided = browser.post(
        f"/cases/{later}/possible-matches/{match_id}/decision",
        data={"csrf_token": csrf_from(page.text), "same_child": "true"},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    assert decided.headers["location"] == f"/cases/{earlier}"  # the case that continues

    closed = api.get(f"/api/v1/cases/{later}").json()
    assert (closed["status"], closed["stage"], closed["closure_reason"]) == (
        "Closed",
        "closure",
        "duplicate",
    )
    assert [(link["other_reference"], link["relation"]) for link in closed["links"]] == [
        (earlier, "same_child")
    ]
    assert len(closed["notes"]) == 1  # its history is kept
    kept = api.get(f"/api/v1/cases/{earlier}").json()
    assert kept["status"] == "Active"
    assert [(link["other_reference"], link["relation"]) for link in kept["links"]] == [
        (later, "same_child")
    ]
    assert later not in {
        m["case_reference"]
        for m in api.get(f"/api/v1/cases/{earlier}/possible-matches").json()["matches"]
    }
    with world.deployment.database.transaction() as session:
        actions = set(session.execute(select(AuditEntry.action)).scalars())
    assert {"case.closed_as_duplicate", "case.duplicate_linked", "linkage.decide"} <= actions
    shown = browser.get(f"/cases/{later}").text
    assert "Closed as a duplicate" in shown and f'href="/cases/{earlier}"' in shown


def test_a_duplicate_cannot_be_declared_by_hand(world: World) -> None:
    api = world.api("case_worker")
    first = open_case(api, "Awa", "Conde", "Sekou")
    second = open_case(api, "Fanta", "Conde", "Sekou")
    linked = api.post(
        f"/api/v1/cases/{second}/links",
        json={"other_reference": first, "relation": "same_child"},
    )
    assert linked.status_code == 422
    case = api.get(f"/api/v1/cases/{second}")
    closed = api.patch(
        f"/api/v1/cases/{second}",
        json={"closure_reason": "duplicate"},
        headers={"If-Match": case.headers["etag"]},
    )
    assert closed.status_code == 422
    assert api.get(f"/api/v1/cases/{second}").json()["links"] == []
