"""Children registered in a test deployment: a realistic population for the model to learn
from (route data), and the named children each test is about."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from routecare.auth import actions as auth_actions
from routecare.auth.roles import OrganisationKind, Role
from routecare.auth.schemas import UserIn
from routecare.children.actions import register_child
from routecare.children.schemas import ChildIn
from tests.conftest import PASSWORD, World
from tests.linkage.route_data import generate

NEIGHBOUR = "Niamey Child Rights"  # a second organisation in the home country (NER)


def register_population(world: World, size: int = 150, seed: int = 11) -> None:
    """Registrations of the home organisation (both sides of generated route data, so the
    deployment holds namesakes, relatives and duplicates like a real one)."""
    left, right, _ = generate(size, seed=seed)
    principal = world.principal("case_worker")
    for row in left + right:
        age = int(row["age"]) if row["age"] else None
        register_child(
            world.deployment,
            principal,
            ChildIn(
                given_name=row["given_name"] or "x",
                family_name=row["family_name"] or None,
                other_names=row["father_name"] or None,
                birth_date=date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
                sex=row["sex"],
                age=min(max(age, 0), 30) if age is not None else None,
                nationality=row["nationality"],
            ),
        )


def add_neighbour(world: World) -> str:
    """A second organisation in the home country, with a case worker; returns the username."""
    organisation = auth_actions.create_organisation(
        world.deployment, name=NEIGHBOUR, country="NER", kind=OrganisationKind.NGO
    )
    auth_actions.create_user(
        world.deployment,
        organisation_id=organisation,
        user=UserIn(username="neighbour_case_worker", password=PASSWORD, role=Role.CASE_WORKER),
    )
    return "neighbour_case_worker"


def open_case(api: TestClient, given: str, family: str, father: str, age: int = 15) -> str:
    """Register a boy from Guinea and open his case through the API; returns the reference."""
    response = api.post(
        "/api/v1/cases",
        json={
            "given_name": given,
            "family_name": family,
            "other_names": father,
            "sex": "male",
            "age": age,
            "nationality": "GIN",
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["reference"])


def share_with_home(
    world: World, owner: TestClient, reference: str, fields: tuple[str, ...] = ("sex", "age")
) -> None:
    """The owner shares part of the child's record with the home organisation, so a match with
    it is shown to the home case worker instead of going to the coordinator for review."""
    response = owner.post(
        f"/api/v1/children/{reference}/shares",
        json={
            "organisation_id": world.organisation_ids["home"],
            "fields": list(fields),
            "purpose": "continuity_of_care",
        },
    )
    assert response.status_code == 201, response.text
