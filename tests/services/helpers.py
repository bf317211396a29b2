"""Publishing services for tests through the product's own action."""

from __future__ import annotations

from typing import Any

from routecare.auth import actions as account_actions
from routecare.auth.roles import OrganisationKind, Role
from routecare.auth.schemas import UserIn
from routecare.services.actions import publish_service
from routecare.services.schemas import ServiceIn, ServiceOut
from tests.conftest import PASSWORD, World


def add_shelter_organisation(world: World, country: str = "NER") -> int:
    """A shelter operator in `country` with a case worker `shelter_worker` and a supervisor
    `shelter_supervisor` (who may publish services)."""
    organisation_id = account_actions.create_organisation(
        world.deployment,
        name=f"Test Shelter Operator {country}",
        country=country,
        kind=OrganisationKind.SHELTER_OPERATOR,
    )
    for username, role in (
        ("shelter_worker", Role.CASE_WORKER),
        ("shelter_supervisor", Role.SUPERVISOR),
    ):
        world.user_ids[username] = account_actions.create_user(
            world.deployment,
            organisation_id=organisation_id,
            user=UserIn(username=username, password=PASSWORD, role=role),
        )
    world.organisation_ids["shelter"] = organisation_id
    return organisation_id


def shelter(world: World, publisher: str = "shelter_supervisor", **overrides: Any) -> ServiceOut:
    """An emergency shelter near Agadez with 5 of 10 beds free unless overridden."""
    fields: dict[str, Any] = {
        "name": "Agadez Emergency House",
        "kind": "emergency_shelter",
        "latitude": 16.97,
        "longitude": 7.99,
        "admin_area_pcode": "NE001",
        "languages": ["fr", "ha"],
        "beds_total": 10,
        "beds_free": 5,
    }
    fields.update(overrides)
    return publish_service(world.deployment, world.principal(publisher), ServiceIn(**fields))
