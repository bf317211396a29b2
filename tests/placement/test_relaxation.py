"""When no place fits, the request says which rule excludes which shelters and what is nearest
if that one rule were relaxed (placement/relaxation.py)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from routecare.children.schemas import Sex
from routecare.placement.relaxation import failures
from routecare.placement.schemas import PlacementRequestIn
from routecare.services.eligibility import ChildProfile, eligibility_problem
from routecare.services.models import Service
from routecare.services.schemas import Need
from tests.conftest import World
from tests.services.helpers import add_shelter_organisation, shelter

AGADEZ = {"latitude": 16.97, "longitude": 7.99}


def rules_of(body: dict[str, Any]) -> dict[tuple[str, str | None], dict[str, Any]]:
    return {(r["rule"], r["need"]): r for r in body["no_fit"]["rules"]}


def test_no_fit_names_each_rule_and_the_nearest_place_if_relaxed(world: World) -> None:
    add_shelter_organisation(world)
    girls = {"sexes": ["female"]}
    girls_near = shelter(world, name="Girls near", eligibility=girls)
    shelter(
        world, name="Girls far", latitude=13.51, longitude=2.11, eligibility={"sexes": ["female"]}
    )
    full = shelter(world, name="Full", latitude=17.5, beds_free=0)
    young = shelter(world, name="Young", latitude=18.0, eligibility={"min_age": 0, "max_age": 11})
    # Fails two rules (full and girls only): relaxing either one alone does not place the boy.
    shelter(
        world, name="Full girls", latitude=16.98, beds_free=0, eligibility={"sexes": ["female"]}
    )
    answer = world.api("case_worker").post(
        "/api/v1/placement/requests",
        json={**AGADEZ, "age": 15, "sex": "male", "needs": ["mother_and_baby"]},
    )
    body = answer.json()
    assert answer.status_code == 201 and body["status"] == "escalated", body
    assert body["no_fit"]["shelters"] == 5
    rules = rules_of(body)
    assert rules[("sex", None)]["excluded"] == 3
    assert (
        rules[("sex", None)]["nearest_if_relaxed"] is None
    )  # every girls' place fails the need too
    assert rules[("free_bed", None)]["excluded"] == 2
    assert rules[("age", None)]["excluded"] == 1
    assert rules[("need", "mother_and_baby")]["excluded"] == 5
    # Without the need, the nearest of each kind is offered once that rule alone is relaxed.
    again = world.api("case_worker").post(
        "/api/v1/placement/requests", json={**AGADEZ, "age": 15, "sex": "male"}
    )
    rules = rules_of(again.json())
    assert rules[("sex", None)]["nearest_if_relaxed"]["service"]["id"] == girls_near.id
    assert rules[("free_bed", None)]["nearest_if_relaxed"]["service"]["id"] == full.id
    assert rules[("age", None)]["nearest_if_relaxed"]["service"]["id"] == young.id
    assert ("need", "mother_and_baby") not in rules
    # The page explains it in the reader's language.
    browser = world.browser("case_worker")
    browser.cookies.set("routecare_lang", "fr")
    page = browser.get(f"/placement/requests/{again.json()['id']}")
    assert page.status_code == 200
    assert "Pourquoi aucune place ne convient" in page.text
    assert "Girls near" in page.text and "Tranche d&#39;âge" in page.text


def test_no_explanation_when_a_place_fits(world: World) -> None:
    add_shelter_organisation(world)
    shelter(world)
    body = world.api("case_worker").post("/api/v1/placement/requests", json=AGADEZ).json()
    assert body["status"] == "open" and body["no_fit"] is None


@settings(max_examples=150, deadline=None)
@given(
    beds_free=st.integers(0, 3),
    ages=st.tuples(st.integers(0, 17), st.integers(0, 17)).map(sorted),
    sexes=st.sets(st.sampled_from(["female", "male", "other"]), min_size=1),
    supported=st.sets(st.sampled_from(list(Need))),
    accepts_unaccompanied=st.booleans(),
    victims_only=st.booleans(),
    age=st.none() | st.integers(0, 20),
    sex=st.sampled_from(list(Sex)),
    needs=st.sets(st.sampled_from(list(Need)), max_size=2),
    unaccompanied=st.booleans(),
    victim=st.none() | st.booleans(),
)
def test_a_shelter_fails_no_rule_exactly_when_the_shared_eligibility_rule_and_the_search_admit(
    beds_free: int,
    ages: list[int],
    sexes: set[str],
    supported: set[Need],
    accepts_unaccompanied: bool,
    victims_only: bool,
    age: int | None,
    sex: Sex,
    needs: set[Need],
    unaccompanied: bool,
    victim: bool | None,
) -> None:
    """The explanation names the rules of the search and of services/eligibility.py, no other:
    a shelter it finds nothing against is one the search would offer, and the reverse."""
    service = Service(
        beds_free=beds_free,
        min_age=ages[0],
        max_age=ages[1],
        sexes=" ".join(sorted(sexes)),
        needs_supported=" ".join(sorted(n.value for n in supported)),
        accepts_unaccompanied=accepts_unaccompanied,
        victims_of_trafficking_only=victims_only,
    )
    request = PlacementRequestIn(
        **AGADEZ,
        age=age,
        sex=sex,
        needs=sorted(needs),
        unaccompanied=unaccompanied,
        victim_of_trafficking=victim,
    )
    profile = ChildProfile(age, sex.value, unaccompanied, victim)
    admitted = (
        beds_free > 0 and needs <= supported and eligibility_problem(service, profile) is None
    )
    assert (failures(service, request) == []) == admitted
