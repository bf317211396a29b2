"""Match notices: a confirmed match with another organisation's record (shared with the case
worker's) reveals nothing more to either case worker and creates notices for the country's
coordinators (not for analysts); a coordinator marks them reviewed; another country's
coordinator sees none of them. (Records not shared: tests/linkage/test_match_review.py.)"""

from __future__ import annotations

from routecare.auth import actions as auth_actions
from routecare.auth.roles import Role
from routecare.auth.schemas import UserIn
from tests.conftest import PASSWORD, World
from tests.linkage.registrations import (
    NEIGHBOUR,
    add_neighbour,
    open_case,
    register_population,
    share_with_home,
)


def test_a_confirmed_match_across_organisations_creates_notices_for_the_coordinator(
    world: World,
) -> None:
    register_population(world, size=100)
    neighbour = world.api(add_neighbour(world))
    theirs = open_case(neighbour, "Abdoulaye", "Diallo", "Ibrahima")
    share_with_home(world, neighbour, theirs)
    api = world.api("case_worker")
    ours = open_case(api, "Abdulai", "Jallow", "Ibrahima")
    found = api.get(f"/api/v1/cases/{ours}/possible-matches").json()
    assert found["sent_for_review"] == 0
    match = next(m for m in found["matches"] if m["organisation"] == NEIGHBOUR)
    assert match["case_reference"] == theirs and match["score"] is not None
    assert "Abdoulaye" not in str(found)
    decided = api.post(
        f"/api/v1/cases/{ours}/possible-matches/{match['id']}/decision",
        json={"same_child": True},
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["notices"] == 2

    assert world.api("analyst").get("/api/v1/linkage/notices").status_code == 403
    assert world.api("case_worker").get("/api/v1/linkage/notices").status_code == 403
    coordinator = world.api("coordinator")
    notices = coordinator.get("/api/v1/linkage/notices").json()
    assert {n["case_reference"] for n in notices} == {ours, theirs}
    assert {n["partner"] for n in notices} == {NEIGHBOUR, "Agadez Child Protection"}
    assert {n["band"] for n in notices} <= {"possible", "probable"}
    assert "Abdulai" not in str(notices) and "Abdoulaye" not in str(notices)

    reviewed = coordinator.post(f"/api/v1/linkage/notices/{notices[0]['id']}/review")
    assert reviewed.status_code == 200 and reviewed.json()["reviewed_at"]
    assert len(coordinator.get("/api/v1/linkage/notices").json()) == 1
    assert len(coordinator.get("/api/v1/linkage/notices?reviewed=true").json()) == 2
    assert coordinator.post("/api/v1/linkage/notices/999999/review").status_code == 404

    auth_actions.create_user(
        world.deployment,
        organisation_id=world.organisation_ids["other"],
        user=UserIn(username="italian_coordinator", password=PASSWORD, role=Role.COORDINATOR),
    )
    elsewhere = world.api("italian_coordinator")
    assert elsewhere.get("/api/v1/linkage/notices?reviewed=true").json() == []
    assert elsewhere.post(f"/api/v1/linkage/notices/{notices[1]['id']}/review").status_code == 404
