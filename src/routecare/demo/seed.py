"""Seeding the demo through the same actions the product uses, so the demo shows real paths."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from routecare.auth import actions as account_actions
from routecare.auth.models import Organisation, User
from routecare.auth.principal import Principal
from routecare.auth.schemas import UserIn
from routecare.cases.demo import seed_cases
from routecare.children import actions as children_actions
from routecare.children.schemas import ChildIn, Sex, ShareIn
from routecare.demo.cross_border import seed_cross_border
from routecare.demo.fixtures import CHILDREN, FIRST_ORGANISATION_USERS, ORGANISATIONS, ROUTE_USERS
from routecare.demo.queues import seed_queues, write_care_plans
from routecare.deployment import Deployment
from routecare.exchange.demo import seed_consented_fields
from routecare.referrals.demo import seed_referrals
from routecare.services.demo import seed_services


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str
    country: str


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def is_seeded(deployment: Deployment) -> bool:
    with deployment.database.transaction() as session:
        return session.execute(select(User.id).limit(1)).first() is not None


def principal_of(deployment: Deployment, username: str) -> Principal:
    with deployment.database.transaction() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        return Principal.of(user)


def seed_demo(deployment: Deployment, password: str) -> list[DemoLogin]:
    """Create the demo route: organisations, staff for every role, children, shares."""
    organisation_ids = [
        account_actions.create_organisation(deployment, name=name, country=country, kind=kind)
        for name, country, kind in ORGANISATIONS
    ]
    accounts = [(u, 0, r) for u, r in FIRST_ORGANISATION_USERS] + ROUTE_USERS
    for username, index, role in accounts:
        account_actions.create_user(
            deployment,
            organisation_id=organisation_ids[index],
            user=UserIn(username=username, password=password, role=role),
        )
    seed_services(deployment, password, organisation_ids)
    references: list[str] = []
    for registrar, given, family, sex, age, nationality, unaccompanied in CHILDREN:
        child = children_actions.register_child(
            deployment,
            principal_of(deployment, registrar),
            ChildIn(
                given_name=given,
                family_name=family,
                sex=Sex(sex),
                age=age,
                nationality=nationality,
                unaccompanied=unaccompanied,
            ),
        )
        references.append(child.reference)
    # The Agadez NGO shares its first child's identity with the Agadez shelter for placement.
    children_actions.share_child(
        deployment,
        principal_of(deployment, "caseworker"),
        references[0],
        ShareIn(
            organisation_id=organisation_ids[3],
            purpose="continuity_of_care",
            fields=["given_name", "family_name", "sex", "age", "nationality", "unaccompanied"],
        ),
    )
    write_care_plans(deployment, seed_cases(deployment))
    seed_consented_fields(deployment)
    seed_referrals(deployment, references)
    seed_queues(deployment)
    seed_cross_border(deployment)
    return demo_logins(deployment)


def demo_logins(deployment: Deployment) -> list[DemoLogin]:
    with deployment.database.transaction() as session:
        rows = session.execute(
            select(User, Organisation).join(Organisation).order_by(Organisation.id, User.id)
        ).all()
        return [
            DemoLogin(user.username, user.role.value, organisation.name, organisation.country)
            for user, organisation in rows
        ]
