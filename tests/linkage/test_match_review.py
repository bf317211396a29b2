"""Possible matches with another organisation's record not shared with the case worker's go to
the national coordinator; the case worker learns only that one was sent for review.

The attack: a case worker who knows a child's name registers a probe child under it, to find
out whether (and by which organisation) that child is held elsewhere.
"""

from __future__ import annotations

from sqlalchemy import select

from routecare.children.models import Child
from routecare.linkage.models import ChildEncoding, LinkageDecision
from tests.conftest import World, csrf_from
from tests.linkage.registrations import (
    NEIGHBOUR,
    add_neighbour,
    open_case,
    register_population,
    share_with_home,
)


def _linkage_id(world: World, reference: str) -> str:
    with world.deployment.database.transaction() as session:
        return session.execute(
            select(ChildEncoding.linkage_id)
            .join(Child, Child.id == ChildEncoding.child_id)
            .where(Child.reference == reference)
        ).scalar_one()


def _held_elsewhere(world: World) -> tuple[str, str]:
    """A child the neighbouring organisation holds, and not shared: (reference, linkage id)."""
    register_population(world, size=80)
    theirs = open_case(world.api(add_neighbour(world)), "Abdoulaye", "Diallo", "Ibrahima")
    return theirs, _linkage_id(world, theirs)


def test_a_probe_registration_learns_nothing_of_another_organisation(world: World) -> None:
    theirs, their_linkage_id = _held_elsewhere(world)
    api = world.api("case_worker")
    probe = open_case(api, "Abdoulaye", "Diallo", "Ibrahima")  # the name the prober knows

    answer = api.get(f"/api/v1/cases/{probe}/possible-matches")
    assert answer.status_code == 200
    for secret in (NEIGHBOUR, theirs, their_linkage_id):
        assert secret not in answer.text, f"the API answer reveals {secret!r}"
    assert "evidence" not in answer.text
    assert answer.json() == {"matches": [], "sent_for_review": 1}

    page = world.browser("case_worker").get(f"/cases/{probe}")
    assert page.status_code == 200
    for secret in (NEIGHBOUR, theirs, their_linkage_id):
        assert secret not in page.text, f"the case page reveals {secret!r}"
    panel = page.text.split('id="possible-matches"')[1].split("</section>")[0]
    assert 'class="match"' not in panel and "sent to the national coordinator" in panel

    # Nor can the case worker decide on it, even holding the other record's id.
    decided = api.post(
        f"/api/v1/cases/{probe}/possible-matches/{their_linkage_id}/decision",
        json={"same_child": False},
    )
    assert decided.status_code == 404

    # The coordinator has it, both ways, with the organisations named.
    notices = world.api("coordinator").get("/api/v1/linkage/notices").json()
    pairs = {(n["case_reference"], n["partner"]) for n in notices}
    assert (probe, NEIGHBOUR) in pairs and (theirs, "Agadez Child Protection") in pairs
    # Looking again sends nothing twice.
    assert api.get(f"/api/v1/cases/{probe}/possible-matches").json()["sent_for_review"] == 1
    assert len(world.api("coordinator").get("/api/v1/linkage/notices").json()) == len(notices)


def test_the_coordinator_decides_a_match_sent_for_review(world: World) -> None:
    theirs, _ = _held_elsewhere(world)
    api = world.api("case_worker")
    probe = open_case(api, "Abdulai", "Jallow", "Ibrahima")
    assert api.get(f"/api/v1/cases/{probe}/possible-matches").json()["sent_for_review"] == 1
    coordinator = world.api("coordinator")
    notice = next(
        n for n in coordinator.get("/api/v1/linkage/notices").json() if n["case_reference"] == probe
    )
    assert (
        world.api("case_worker").post(f"/api/v1/linkage/notices/{notice['id']}/review").status_code
        == 403
    )
    reviewed = coordinator.post(
        f"/api/v1/linkage/notices/{notice['id']}/review", json={"same_child": False}
    )
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["same_child"] is False and reviewed.json()["reviewed_at"]
    # Both sides' notices carry the verdict; the pair is decided and never comes back.
    both = coordinator.get("/api/v1/linkage/notices?reviewed=true").json()
    assert {n["case_reference"]: n["same_child"] for n in both} == {probe: False, theirs: False}
    assert coordinator.get("/api/v1/linkage/notices").json() == []
    assert api.get(f"/api/v1/cases/{probe}/possible-matches").json()["sent_for_review"] == 0
    with world.deployment.database.transaction() as session:
        decision = session.execute(select(LinkageDecision)).scalar_one()
    assert decision.same_child is False
    assert decision.decided_by_user_id == world.user_ids["coordinator"]
    # A first verdict stands.
    again = coordinator.post(
        f"/api/v1/linkage/notices/{notice['id']}/review", json={"same_child": True}
    )
    assert again.json()["same_child"] is False


def test_the_coordinator_decides_from_the_notices_page(world: World) -> None:
    theirs, _ = _held_elsewhere(world)
    probe = open_case(world.api("case_worker"), "Abdulai", "Jallow", "Ibrahima")
    assert world.browser("case_worker").get(f"/cases/{probe}").status_code == 200
    coordinator = world.browser("coordinator")
    page = coordinator.get("/linkage/notices").text
    assert probe in page and theirs in page and NEIGHBOUR in page and "Abdulai" not in page
    notice = page.split('action="/linkage/notices/')[1].split('"')[0]
    same = coordinator.post(
        f"/linkage/notices/{notice}", data={"csrf_token": csrf_from(page), "same_child": "true"}
    )
    assert same.status_code == 200
    assert "Mark reviewed" not in same.text
    shown = coordinator.get("/linkage/notices?reviewed=true").text
    assert shown.count("Same child") == 2  # the verdict, on both sides' notices


def test_a_match_shared_with_the_organisation_is_shown_as_before(world: World) -> None:
    register_population(world, size=80)
    neighbour = world.api(add_neighbour(world))
    theirs = open_case(neighbour, "Abdoulaye", "Diallo", "Ibrahima")
    share_with_home(world, neighbour, theirs, ("sex",))
    api = world.api("case_worker")
    ours = open_case(api, "Abdulai", "Jallow", "Ibrahima")
    found = api.get(f"/api/v1/cases/{ours}/possible-matches").json()
    assert found["sent_for_review"] == 0
    match = next(m for m in found["matches"] if m["case_reference"] == theirs)
    assert match["organisation"] == NEIGHBOUR and match["evidence"]["sex"] == "agrees"
