"""Possible matches at registration: the same child found with evidence, siblings not
suggested, a rejected pair not suggested again."""

from __future__ import annotations

from routecare.linkage.candidates import Decision, find_candidates
from tests.linkage.helpers import registration
from tests.linkage.route_data import generate


def _child(record_id: str, given: str, born: str) -> dict[str, str]:
    return {
        "record_id": record_id,
        "given_name": given,
        "father_name": "Ibrahima",
        "family_name": "Kourouma",
        "sex": "male",
        "birth_date": born,
        "age": "",
        "registered_on": "2025-04-01",
        "nationality": "GIN",
        "birth_place": "Kankan",
        "mother_name": "Hawa Conde",
    }


def _existing() -> list[dict[str, str]]:
    population, _, _ = generate(400, seed=8)
    return population + [
        _child("elder", "Sekou", "2010-03-02"),
        _child("younger", "Lansana", "2012-07-19"),
    ]


def test_the_same_child_is_found_with_evidence_and_his_brother_is_not() -> None:
    existing = [registration(row) for row in _existing()]
    new = registration(_child("new", "Lansana", "2012-07-19") | {"family_name": "Kouruma"})
    candidates = find_candidates(new, existing)
    assert candidates[0].record_id == "younger"
    assert candidates[0].band == "probable"
    assert candidates[0].evidence["given"] == "agrees"
    assert candidates[0].evidence["birth_date"] == "agrees"
    assert "elder" not in {c.record_id for c in candidates}


def test_a_rejected_pair_is_not_suggested_again() -> None:
    existing = [registration(row) for row in _existing()]
    new = registration(_child("new", "Lansana", "2012-07-19"))
    rejected = [Decision("new", "younger", same_child=False)]
    assert "younger" not in {c.record_id for c in find_candidates(new, existing, rejected)}
