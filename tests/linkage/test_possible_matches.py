"""Possible matches at registration, through the API: a spelling variant is suggested with its
evidence, a sibling is not, a rejected pair never comes back, and another organisation's
case worker can neither see nor decide on them."""

from __future__ import annotations

from tests.conftest import World
from tests.linkage.registrations import open_case, register_population


def _matches(world: World, username: str, reference: str) -> list[dict[str, object]]:
    response = world.api(username).get(f"/api/v1/cases/{reference}/possible-matches")
    assert response.status_code == 200, response.text
    return list(response.json())


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
