"""`GET /api/v1/audit?child=REF`: who saw this child, when and why, list and search pages
included; only for the owning organisation's data-protection officer; never a name."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, insert, select

from routecare.audit.models import AuditSubject
from routecare.auth.roles import Role
from routecare.children.models import Child
from tests.cases.helpers import create_case
from tests.cli_runner import run_cli
from tests.conftest import World
from tests.referrals.conftest import Referable, open_case, send
from tests.services.helpers import add_shelter_organisation, shelter


def _trail(world: World, reference: str, **params: Any) -> list[dict[str, Any]]:
    response = world.api("data_protection_officer").get(
        "/api/v1/audit", params={"child": reference, **params}
    )
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


def _actions(entries: list[dict[str, Any]], actor_user_id: int | None = None) -> list[str]:
    """The entries' actions, newest first; only one user's when `actor_user_id` is given."""
    return [
        entry["action"]
        for entry in entries
        if actor_user_id is None or entry["actor_user_id"] == actor_user_id
    ]


def _two_cases(world: World) -> tuple[str, str]:
    client = world.api("case_worker")
    awa = create_case(client, given_name="Awa", family_name="Traoré", sex="female")["reference"]
    issa = create_case(client, given_name="Issa", family_name="Keita")["reference"]
    return awa, issa


def test_list_and_search_pages_name_the_children_they_showed(world: World) -> None:
    awa, issa = _two_cases(world)
    client = world.api("case_worker")
    assert client.get("/api/v1/cases").status_code == 200
    found = client.post("/api/v1/cases/search", json={"name": "awa traore"})
    assert [row["reference"] for row in found.json()] == [awa]

    awa_trail = _trail(world, awa)
    issa_trail = _trail(world, issa)
    case_worker = world.user_ids["case_worker"]
    for action in ("case.list", "case.search"):
        (entry,) = [e for e in awa_trail if e["action"] == action]
        assert entry["actor_user_id"] == case_worker
        assert entry["actor_organisation_id"] == world.organisation_ids["home"]
        assert entry["at"]
    assert "case.list" in _actions(issa_trail)
    assert "case.search" not in _actions(issa_trail)  # the search page did not show Issa
    # The writes on her case are there too, and only hers.
    assert _actions(awa_trail).count("case.open") == 1
    assert "Awa" not in str(awa_trail) and "Traor" not in str(awa_trail)


def test_a_child_beyond_the_page_gets_no_entry(world: World) -> None:
    awa, issa = _two_cases(world)
    client = world.api("case_worker")
    page = client.get("/api/v1/cases", params={"limit": 1}).json()
    assert [row["reference"] for row in page] == [issa]  # newest first
    assert "case.list" in _actions(_trail(world, issa))
    assert "case.list" not in _actions(_trail(world, awa))


def test_the_children_list_and_record_reads_are_in_the_trail(world: World) -> None:
    awa, issa = _two_cases(world)
    supervisor = world.api("supervisor")
    page = supervisor.get("/api/v1/children", params={"limit": 1}).json()
    assert [row["reference"] for row in page] == [issa]
    assert supervisor.get(f"/api/v1/children/{awa}").status_code == 200
    supervisor_id = world.user_ids["supervisor"]

    assert _actions(_trail(world, awa), supervisor_id) == ["child.read"]
    assert _actions(_trail(world, issa), supervisor_id) == ["child.list"]


def test_the_trail_pages_backwards(world: World) -> None:
    awa, _ = _two_cases(world)
    client = world.api("case_worker")
    for _ in range(3):
        client.get(f"/api/v1/cases/{awa}")
    everything = _trail(world, awa, limit=1000)
    assert len(everything) >= 5
    # Each query is itself an entry about the child: page from before the first one.
    first = _trail(world, awa, limit=2, before_id=everything[0]["id"] + 1)
    second = _trail(world, awa, limit=2, before_id=first[-1]["id"])
    assert [e["id"] for e in first + second] == [e["id"] for e in everything[:4]]


def test_a_share_purpose_is_given_as_the_reason(world: World) -> None:
    awa, _ = _two_cases(world)
    response = world.api("case_worker").post(
        f"/api/v1/children/{awa}/shares",
        json={
            "organisation_id": world.organisation_ids["other"],
            "fields": ["age", "sex"],
            "purpose": "service_provision",
        },
    )
    assert response.status_code in (200, 201), response.text
    (share,) = [e for e in _trail(world, awa) if e["action"] == "child.share"]
    assert share["reason"] == "service_provision"


def test_only_the_data_protection_officer_may_ask(world: World) -> None:
    awa, _ = _two_cases(world)
    for role in Role:
        if role is Role.DATA_PROTECTION_OFFICER:
            continue
        response = world.api(role.value).get("/api/v1/audit", params={"child": awa})
        assert response.status_code == 403, role


def test_unknown_and_other_organisations_references_answer_404(world: World) -> None:
    theirs = create_case(world.api("other_case_worker"), given_name="Yonas")["reference"]
    dpo = world.api("data_protection_officer")
    for reference in (theirs, "NER-ZZZZZZZZ", "ITA-23456789"):
        response = dpo.get("/api/v1/audit", params={"child": reference})
        assert response.status_code == 404, reference
        assert response.json() == {"detail": "no child record with that reference"}
    assert dpo.get("/api/v1/audit", params={"child": "awa traoré"}).status_code == 422


def test_an_erased_childs_trail_outlives_the_identity(world: World) -> None:
    awa, _ = _two_cases(world)
    world.api("case_worker").get("/api/v1/cases")
    dpo = world.api("data_protection_officer")
    assert dpo.post(f"/api/v1/children/{awa}/erasure").status_code in (200, 204)
    actions = _actions(_trail(world, awa))
    assert "child.erase" in actions and "case.list" in actions
    assert actions.count("case.open") == 1  # hers, not Issa's


@pytest.mark.parametrize("tamper", ["delete", "insert"])
def test_hiding_or_planting_a_read_in_the_index_breaks_the_chain(world: World, tamper: str) -> None:
    """Deleting an index row would hide a read from the DPO; the child ids are under the MAC."""
    awa, issa = _two_cases(world)
    world.api("case_worker").post("/api/v1/cases/search", json={"name": "awa"})
    (search_id,) = (entry["id"] for entry in _trail(world, awa) if entry["action"] == "case.search")
    with world.deployment.database.transaction() as session:
        if tamper == "delete":
            session.execute(delete(AuditSubject).where(AuditSubject.entry_id == search_id))
        else:
            issa_id = session.execute(select(Child.id).where(Child.reference == issa)).scalar()
            session.execute(insert(AuditSubject).values(entry_id=search_id, child_id=issa_id))
    if tamper == "delete":  # what the attack buys: the DPO no longer sees the search
        assert "case.search" not in _actions(_trail(world, awa))
    result = run_cli(world.deployment, "audit", "verify")
    assert result.exit_code == 1
    assert f"edited: entry {search_id} was altered" in result.output


def test_referral_reads_and_lists_are_in_the_trail_while_they_name_the_case(world: World) -> None:
    add_shelter_organisation(world)
    referable = Referable(world, open_case(world), shelter(world))
    sent = world.api("case_worker").post("/api/v1/referrals", json=send(referable))
    assert sent.status_code == 201, sent.text
    referral_id = sent.json()["id"]
    shelter_api = world.api("shelter_worker")
    assert shelter_api.get("/api/v1/referrals").json()[0]["case"] == referable.case
    assert shelter_api.get(f"/api/v1/referrals/{referral_id}").status_code == 200
    shelter_user = world.user_ids["shelter_worker"]
    assert _actions(_trail(world, referable.case), shelter_user) == [
        "referral.read",
        "referral.list",
    ]
    for step in ("accept", "start", "complete"):
        assert shelter_api.post(f"/api/v1/referrals/{referral_id}/{step}").status_code == 200
    # Once ended, the shelter's list no longer names the case: nor does its entry the child.
    assert shelter_api.get("/api/v1/referrals").json()[0]["case"] is None
    assert _actions(_trail(world, referable.case), shelter_user)[:4] == [
        "referral.complete",
        "referral.start",
        "referral.accept",
        "referral.read",
    ]
