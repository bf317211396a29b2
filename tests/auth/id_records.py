"""Records of one organisation, one per id a route can name, for the record-level matrix.

`ORGANISATIONS` are the home organisation of `world` (NER) and three more: `other` (ITA, the
world's second organisation), `neighbour` (NER, an NGO of the same country) and `partner` (NER,
a shelter operator that receives referrals). Each has one user per role, named
`<organisation>_<role>` (the home organisation's users are named by the role alone).

`FACTORIES` makes, for each integer id a route takes, a record of the home organisation through the
product's own actions and says which organisations are party to it. The matrix test fails on a
route whose id has no factory here, so a new id route cannot be left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from routecare.auth import actions as account_actions
from routecare.auth import queries as account_queries
from routecare.auth.roles import OrganisationKind, Role
from routecare.auth.schemas import UserIn
from routecare.cases.actions import create_case
from routecare.cases.documents import add_document
from routecare.cases.record_actions import add_task, record_consent
from routecare.cases.record_schemas import ConsentIn, TaskIn
from routecare.cases.schemas import CaseIn
from routecare.cases.vocabulary import DocumentKind
from routecare.children.actions import register_child, share_child
from routecare.children.models import Child
from routecare.children.schemas import ChildIn, ShareIn
from routecare.linkage.notices import add_notice
from routecare.placement.actions import request_placement, reserve_bed
from routecare.placement.schemas import PlacementRequestIn, ReservationIn
from routecare.referrals.actions import send_referral
from routecare.referrals.schemas import ReferralIn
from routecare.services.actions import publish_service
from routecare.services.schemas import ServiceIn
from tests.conftest import PASSWORD, World

HOME = "home"
ORGANISATIONS = {HOME: "NER", "other": "ITA", "neighbour": "NER", "partner": "NER"}


def username(organisation: str, role: Role) -> str:
    return role.value if organisation == HOME else f"{organisation}_{role.value}"


def add_organisations(world: World) -> None:
    """Every role in every organisation, and an open case in each organisation but home's
    (`world.organisation_ids` and `world.user_ids` are filled in)."""
    extra = {
        "neighbour": ("Niamey Child Rights", OrganisationKind.NGO),
        "partner": ("Agadez Shelter Operator", OrganisationKind.SHELTER_OPERATOR),
    }
    for key, (name, kind) in extra.items():
        world.organisation_ids[key] = account_actions.create_organisation(
            world.deployment, name=name, country=ORGANISATIONS[key], kind=kind
        )
    for organisation in ORGANISATIONS:
        for role in Role:
            name = username(organisation, role)
            if name in world.user_ids:
                continue
            world.user_ids[name] = account_actions.create_user(
                world.deployment,
                organisation_id=world.organisation_ids[organisation],
                user=UserIn(username=name, password=PASSWORD, role=role),
            )


def own_case(world: World, organisation: str, given_name: str = "Mamadou") -> str:
    """A case of `organisation`, opened by its case worker, with consent to refer."""
    principal = world.principal(username(organisation, Role.CASE_WORKER))
    values = {"given_name": given_name, "family_name": "Bah", "sex": "male", "age": 15}
    values |= {"nationality": "GIN", "unaccompanied": True}
    case = create_case(world.deployment, principal, CaseIn.model_validate(values), None)
    consent = ConsentIn(
        scope="referral", purpose="continuity_of_care", given_by="child", child_assent=True
    )
    record_consent(world.deployment, principal, case.reference, consent, None)
    return case.reference


@dataclass(frozen=True)
class Made:
    """A record of the home organisation: its id, the case it hangs on (if any), and the
    organisations party to it (their allowed roles reach it; everyone else must not)."""

    id: str
    reference: str | None
    parties: frozenset[str] = frozenset({HOME})


def _shelter(world: World, organisation: str = HOME) -> int:
    data = ServiceIn(
        name="Agadez Emergency House",
        kind="emergency_shelter",
        latitude=16.97,
        longitude=7.99,
        admin_area_pcode="NE001",
        languages=["fr", "ha"],
        beds_total=50,
        beds_free=40,
    )
    supervisor = world.principal(username(organisation, Role.SUPERVISOR))
    return publish_service(world.deployment, supervisor, data).id


def make_service(world: World) -> Made:
    return Made(str(_shelter(world)), None)


def make_reservation(world: World) -> Made:
    service = _shelter(world)
    held = reserve_bed(world.deployment, world.principal("case_worker"), service, ReservationIn())
    return Made(str(held.id), None)


def make_request(world: World) -> Made:
    data = PlacementRequestIn(latitude=16.97, longitude=7.99, age=15)
    made = request_placement(world.deployment, world.principal("screener"), data)
    return Made(str(made.id), None)


def make_referral(world: World) -> Made:
    """A referral from a home case to the partner's shelter: both organisations are party."""
    service = _shelter(world, "partner")
    reference = own_case(world, HOME)
    data = ReferralIn(case=reference, service_id=service, purpose="continuity_of_care")
    referral = send_referral(world.deployment, world.principal("case_worker"), data)
    return Made(str(referral.id), reference, frozenset({HOME, "partner"}))


def make_task(world: World) -> Made:
    reference = own_case(world, HOME)
    task = TaskIn(title="call the guardian", due_at=datetime.now(UTC) + timedelta(days=3))
    made = add_task(world.deployment, world.principal("case_worker"), reference, task, None)
    return Made(str(made), reference)


def make_consent(world: World) -> Made:
    reference = own_case(world, HOME)
    consent = ConsentIn(
        scope="services", purpose="family_tracing", given_by="child", child_assent=True
    )
    principal = world.principal("case_worker")
    made = record_consent(world.deployment, principal, reference, consent, None)
    return Made(str(made), reference)


def make_document(world: World) -> Made:
    reference = own_case(world, HOME)
    made = add_document(
        world.deployment,
        world.principal("case_worker"),
        reference,
        kind=DocumentKind.LEGAL,
        filename="decision.pdf",
        declared_type="application/pdf",
        content=b"%PDF-1.4\n%%EOF\n",
        idempotency_key=None,
    )
    return Made(str(made), reference)


def make_share(world: World) -> Made:
    """A home child shared with `other`: the recipient sees the record, yet may not end the
    share (only the owner decides)."""
    child = register_child(
        world.deployment, world.principal("case_worker"), ChildIn(given_name="Shared")
    )
    grant = ShareIn(
        organisation_id=world.organisation_ids["other"],
        fields=["sex", "age"],
        purpose="continuity_of_care",
    )
    share = share_child(world.deployment, world.principal("case_worker"), child.reference, grant)
    return Made(str(share.id), child.reference)


def make_notice(world: World) -> Made:
    child = register_child(
        world.deployment, world.principal("case_worker"), ChildIn(given_name="Noticed")
    )
    with world.deployment.database.transaction() as session:
        row = session.execute(select(Child).where(Child.reference == child.reference)).scalar_one()
        notice = add_notice(session, row, "Partner deployment", "a1b2c3", 0.97, "probable")
        assert notice is not None
        return Made(str(notice.id), None)


TOKEN_OWNER = "case_worker"


def make_token(world: World) -> Made:
    """An API token of the home case worker: a record of one user, not of an organisation, so
    no organisation is party to it (its owner alone revokes it:
    test_access_matrix.test_an_api_token_by_id_is_its_owners_alone)."""
    account_actions.issue_api_token(world.deployment, TOKEN_OWNER)
    newest = account_queries.api_tokens(world.deployment, TOKEN_OWNER)[0]
    return Made(str(newest.id), None, frozenset())


def make_user(world: World) -> Made:
    """An account of the home organisation: its administrator alone manages it."""
    created = account_actions.create_user(
        world.deployment,
        organisation_id=world.organisation_ids[HOME],
        user=UserIn(
            username=f"managed_{len(world.user_ids)}", password=PASSWORD, role=Role.SCREENER
        ),
    )
    world.user_ids[f"managed_{created}"] = created
    return Made(str(created), None)


def make_organisation(world: World) -> Made:
    """A partner organisation in Niger: administrators of Niger's organisations run the
    country's registry (disable, re-enable); Italy's administrator gets 404."""
    created = account_actions.create_organisation(
        world.deployment,
        name=f"Tahoua Partner {len(world.organisation_ids)}-{datetime.now(UTC).timestamp()}",
        country="NER",
        kind=OrganisationKind.NGO,
    )
    return Made(str(created), None, frozenset({HOME, "neighbour", "partner"}))


FACTORIES: dict[str, Callable[[World], Made]] = {
    "service_id": make_service,
    "reservation_id": make_reservation,
    "request_id": make_request,
    "referral_id": make_referral,
    "task_id": make_task,
    "consent_id": make_consent,
    "document_id": make_document,
    "share_id": make_share,
    "notice_id": make_notice,
    "token_id": make_token,
    "user_id": make_user,
    "organisation_id": make_organisation,
}
