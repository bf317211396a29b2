"""Possible matches at registration, through the API: a spelling variant is suggested with its
evidence, a sibling is not, a rejected pair never comes back, and another organisation's
case worker can neither see nor decide on them."""

from __future__ import annotations

from sqlalchemy import select

from routecare.audit.models import AuditEntry
from routecare.children.models import Child
from routecare.linkage.models import ChildEncoding, LinkageDecision
from tests.conftest import World
from tests.linkage.registrations import open_case, register_population


def _matches(world: World, username: str, reference: str) -> list[dict[str, object]]:
    response = world.api(username).get(f"/api/v1/cases/{reference}/possible-matches")
    assert response.status_code == 200, response.text
    return list(response.json()["matches"])


def test_a_spelling_variant_is_suggested_and_a_sibling_is_not(world: World) -> None:
    register_population(world)
    api = world.api("case_worker")
    registered = open_case(api, "Abdoulaye", "Diallo", "Ibrahima")
    sibling = open_case(api, "Mamadou", "Diallo", "Ibrahima", age=13)
    new = open_case(api, "Abdulai", "Jallow", "Ibrahima")
    matches = _matches(world, "case_worker", new)
    assert [m["case_reference"] for m in matches][:1] == [registered]
    assert sibling not in {m["case_reference"] for m in matches}
    best = matches[0]
    assert best["band"] in ("possible", "probable")
    assert best["organisation"] == "Agadez Child Protection"
    assert best["evidence"]["sex"] == "agrees"
    assert best["evidence"]["given"] in ("similar", "agrees", "partly agrees")
    assert "Abdoulaye" not in str(matches)


def test_a_rejected_pair_is_not_suggested_again_and_the_decision_is_audited(
    world: World,
) -> None:
    register_population(world)
    api = world.api("case_worker")
    registered = open_case(api, "Abdoulaye", "Diallo", "Ibrahima")
    new = open_case(api, "Abdulai", "Jallow", "Ibrahima")
    match = _matches(world, "case_worker", new)[0]
    assert match["case_reference"] == registered
    decided = api.post(
        f"/api/v1/cases/{new}/possible-matches/{match['id']}/decision",
        json={"same_child": False},
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["notices"] == 0
    assert registered not in {m["case_reference"] for m in _matches(world, "case_worker", new)}
    # Nor the other way round, from the earlier case.
    assert new not in {m["case_reference"] for m in _matches(world, "case_worker", registered)}
    again = api.post(
        f"/api/v1/cases/{new}/possible-matches/{match['id']}/decision",
        json={"same_child": True},
    )
    assert again.status_code == 404
    with world.deployment.database.transaction() as session:
        actions = session.execute(select(AuditEntry.action)).scalars().all()
    assert "linkage.decide" in actions and "linkage.matches.read" in actions


def test_another_organisations_case_worker_neither_sees_nor_decides(world: World) -> None:
    register_population(world, size=60)
    api = world.api("case_worker")
    open_case(api, "Abdoulaye", "Diallo", "Ibrahima")
    new = open_case(api, "Abdulai", "Jallow", "Ibrahima")
    match = _matches(world, "case_worker", new)[0]
    outsider = world.api("other_case_worker")
    assert outsider.get(f"/api/v1/cases/{new}/possible-matches").status_code == 404
    refused = outsider.post(
        f"/api/v1/cases/{new}/possible-matches/{match['id']}/decision",
        json={"same_child": True},
    )
    assert refused.status_code == 404
    assert world.api("coordinator").get(f"/api/v1/cases/{new}/possible-matches").status_code == 403
    assert match["id"] in {m["id"] for m in _matches(world, "case_worker", new)}


def test_bad_decisions_are_refused_and_nothing_is_saved(world: World) -> None:
    api = world.api("case_worker")
    new = open_case(api, "Abdulai", "Jallow", "Ibrahima")
    path = f"/api/v1/cases/{new}/possible-matches"
    assert api.post(f"{path}/abc123/decision", json={"same_child": "perhaps"}).status_code == 422
    assert api.post(f"{path}/abc123/decision", json={}).status_code == 422
    assert api.post(f"{path}/NOT-HEX/decision", json={"same_child": True}).status_code == 422
    assert api.post(f"{path}/abc123/decision", json={"same_child": True}).status_code == 404
    with world.deployment.database.transaction() as session:
        assert session.execute(select(LinkageDecision)).first() is None


def test_a_registration_after_the_index_was_built_is_found_both_ways(world: World) -> None:
    register_population(world, size=60)
    api = world.api("case_worker")
    first = open_case(api, "Abdoulaye", "Diallo", "Ibrahima")
    assert _matches(world, "case_worker", first) == []  # the index is built here
    second = open_case(api, "Abdulai", "Jallow", "Ibrahima")
    assert first in {m["case_reference"] for m in _matches(world, "case_worker", second)}
    assert second in {m["case_reference"] for m in _matches(world, "case_worker", first)}


def test_other_countries_and_erased_children_are_not_suggested(world: World) -> None:
    register_population(world, size=60)
    open_case(world.api("other_case_worker"), "Abdoulaye", "Diallo", "Ibrahima")
    api = world.api("case_worker")
    erased = open_case(api, "Abdoulaye", "Diallo", "Ibrahima")
    new = open_case(api, "Abdulai", "Jallow", "Ibrahima")
    found = _matches(world, "case_worker", new)
    assert erased in {m["case_reference"] for m in found}
    assert "Sicily Minors Network" not in {m["organisation"] for m in found}
    dpo = world.api("data_protection_officer")
    assert dpo.post(f"/api/v1/children/{erased}/erasure").status_code in (200, 204)
    assert erased not in {m["case_reference"] for m in _matches(world, "case_worker", new)}
    with world.deployment.database.transaction() as session:
        encoded = set(session.execute(select(ChildEncoding.child_id)).scalars())
        kept = set(session.execute(select(Child.id).where(Child.erased_at.is_(None))).scalars())
    assert encoded == kept


def test_a_corrected_name_is_matched_as_corrected(world: World) -> None:
    """A clerk's misheard name corrected on the case: later registrations are compared with
    the corrected name, and the child keeps its linkage id."""
    register_population(world)
    api = world.api("case_worker")
    misheard = open_case(api, "Ousmane", "Kante", "Ibrahima")
    with world.deployment.database.transaction() as session:
        before = session.execute(select(ChildEncoding.linkage_id)).scalars().all()
    case = api.get(f"/api/v1/cases/{misheard}")
    corrected = api.patch(
        f"/api/v1/cases/{misheard}",
        json={"given_name": "Abdoulaye", "family_name": "Diallo"},
        headers={"If-Match": case.headers["ETag"]},
    )
    assert corrected.status_code == 200, corrected.text
    new = open_case(api, "Abdulai", "Jallow", "Ibrahima")
    assert misheard in [m["case_reference"] for m in _matches(world, "case_worker", new)][:1]
    with world.deployment.database.transaction() as session:
        after = session.execute(select(ChildEncoding.linkage_id)).scalars().all()
    assert sorted(after) == sorted([*before, *(set(after) - set(before))])
    assert len(set(after) - set(before)) == 1  # only the new registration's
