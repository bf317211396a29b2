"""A case of the home organisation (with or without consent) and a shelter to refer it to."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from routecare.cases.actions import create_case
from routecare.cases.record_actions import record_consent
from routecare.cases.record_schemas import ConsentIn
from routecare.cases.schemas import CaseIn
from routecare.services.schemas import ServiceOut
from tests.conftest import World
from tests.services.helpers import add_shelter_organisation, shelter


@dataclass
class Referable:
    world: World
    case: str
    service: ServiceOut


def open_case(world: World, *, consent: bool = True, **fields: object) -> str:
    values: dict[str, object] = {
        "given_name": "Mamadou",
        "family_name": "Bah",
        "sex": "male",
        "age": 15,
        "nationality": "GIN",
        "unaccompanied": True,
        "narrative": "Held in a connection house in Agadez",
    }
    values.update(fields)
    principal = world.principal("case_worker")
    case = create_case(world.deployment, principal, CaseIn.model_validate(values), None)
    if consent:
        record_consent(
            world.deployment,
            principal,
            case.reference,
            ConsentIn(
                scope="referral",
                purpose="continuity_of_care",
                given_by="child",
                child_assent=True,
            ),
            None,
        )
    return case.reference


@pytest.fixture
def referable(world: World) -> Referable:
    add_shelter_organisation(world)
    return Referable(world, open_case(world), shelter(world))


def send(referable: Referable, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "case": referable.case,
        "service_id": referable.service.id,
        "purpose": "continuity_of_care",
    }
    body.update(overrides)
    return body
