"""Every route of the app × every role (and nobody), including other organisations' records.

`EXPECTED` is written here independently of `routecare.auth.policy`, so a policy change that
widens access shows up as a failing row. A route the app serves but this table (or the policy)
does not know fails the test: new routes must be placed in the matrix deliberately.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.routing import Mount, Route

from routecare.audit.models import AuditEntry
from routecare.auth.policy import ROUTES, Access
from routecare.auth.roles import Role
from routecare.children.actions import register_child
from routecare.children.schemas import ChildIn
from tests.auth.id_records import (
    FACTORIES,
    HOME,
    ORGANISATIONS,
    TOKEN_OWNER,
    Made,
    add_organisations,
    make_token,
    own_case,
    username,
)
from tests.conftest import World, https_client

PUBLIC = "public"
PARTNER = "partner_signature"  # no user: a partner deployment's signed package (exchange inbox)
SIGNED_IN = "signed_in"
R = Role
CHILD_READERS = {R.SCREENER, R.CASE_WORKER, R.SUPERVISOR, R.COORDINATOR}
CHILD_REGISTRARS = {R.SCREENER, R.CASE_WORKER, R.SUPERVISOR}
CHILD_SHARERS = {R.CASE_WORKER, R.SUPERVISOR}
SERVICE_READERS = {
    R.SCREENER,
    R.CASE_WORKER,
    R.SUPERVISOR,
    R.COORDINATOR,
    R.ANALYST,
    R.ADMINISTRATOR,
}
SERVICE_PUBLISHERS = {R.SUPERVISOR, R.ADMINISTRATOR}
CAPACITY_UPDATERS = {R.CASE_WORKER, R.SUPERVISOR, R.ADMINISTRATOR}
PLACERS = {R.SCREENER, R.CASE_WORKER, R.SUPERVISOR, R.COORDINATOR}
REFERRERS = {R.CASE_WORKER, R.SUPERVISOR}  # send, answer, read their organisation's referrals
FLOW_READERS = {R.COORDINATOR, R.SUPERVISOR}
CASE_READERS = {R.CASE_WORKER, R.SUPERVISOR, R.COORDINATOR}
CASE_WRITERS = {R.CASE_WORKER, R.SUPERVISOR}
CASE_APPROVERS = {R.SUPERVISOR}
SCREENERS = {R.SCREENER, R.CASE_WORKER, R.SUPERVISOR}  # record their organisation's screenings
SCREENING_READERS = SCREENERS | {R.COORDINATOR}
MATCH_REVIEWERS = {R.CASE_WORKER, R.SUPERVISOR}  # possible matches of their own cases
NOTICE_READERS = {R.COORDINATOR}  # match notices of their country
AGGREGATE_READERS = {R.COORDINATOR, R.ANALYST}  # observatory tables, never a case

# (method, path) -> PUBLIC, SIGNED_IN, or the set of roles allowed.
EXPECTED: dict[tuple[str, str], str | set[Role]] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/static"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("GET", "/language/{code}"): PUBLIC,
    ("GET", "/api/v1/exchange/schemas/{purpose}/{version}"): PUBLIC,
    ("GET", "/api/v1/exchange/jwks"): PUBLIC,
    ("POST", "/api/v1/exchange/inbox"): PARTNER,
    ("POST", "/api/v1/exchange/receipts"): PARTNER,
    ("POST", "/api/v1/exchange/erasures"): PARTNER,
    ("GET", "/api/v1/cases/{reference}/exchange"): CASE_READERS,
    ("GET", "/exchange/received"): {R.COORDINATOR},
    ("GET", "/exchange/received/{package_id}"): {R.COORDINATOR},
    ("POST", "/exchange/received/{package_id}/accept"): {R.COORDINATOR},
    ("POST", "/exchange/received/{package_id}/decline"): {R.COORDINATOR},
    ("GET", "/exchange/oversight"): {R.DATA_PROTECTION_OFFICER},
    ("POST", "/exchange/partners/{name}/suspension"): {R.DATA_PROTECTION_OFFICER},
    ("POST", "/logout"): SIGNED_IN,
    ("GET", "/login/code"): SIGNED_IN,
    ("POST", "/login/code"): SIGNED_IN,
    ("GET", "/account/two-factor"): SIGNED_IN,
    ("POST", "/account/two-factor"): SIGNED_IN,
    ("GET", "/account/preferences"): SIGNED_IN,
    ("POST", "/account/preferences"): SIGNED_IN,
    ("GET", "/api/v1/me/tokens"): SIGNED_IN,
    ("DELETE", "/api/v1/me/tokens/{token_id}"): SIGNED_IN,
    ("GET", "/"): SIGNED_IN,
    ("GET", "/children/{reference}"): CHILD_READERS,
    ("GET", "/api/v1/me"): SIGNED_IN,
    ("GET", "/screening"): SCREENERS,
    ("POST", "/screening"): SCREENERS,
    ("GET", "/screenings/{reference}"): SCREENING_READERS,
    ("POST", "/screenings/{reference}/case"): SCREENERS,
    ("POST", "/screenings/{reference}/no-case"): SCREENERS,
    ("GET", "/api/v1/screening/indicators"): SCREENING_READERS,
    ("POST", "/api/v1/screening/score"): SCREENING_READERS,
    ("POST", "/api/v1/screenings"): SCREENERS,
    ("GET", "/api/v1/screenings/{reference}"): SCREENING_READERS,
    ("POST", "/api/v1/screenings/{reference}/no-case"): SCREENERS,
    ("GET", "/api/v1/children"): CHILD_READERS,
    ("POST", "/api/v1/children"): CHILD_REGISTRARS,
    ("GET", "/api/v1/children/{reference}"): CHILD_READERS,
    ("POST", "/api/v1/children/{reference}/shares"): CHILD_SHARERS,
    ("DELETE", "/api/v1/children/{reference}/shares/{share_id}"): CHILD_SHARERS,
    ("POST", "/api/v1/children/{reference}/erasure"): {R.DATA_PROTECTION_OFFICER},
    ("GET", "/api/v1/users"): {R.ADMINISTRATOR},
    ("POST", "/api/v1/users"): {R.ADMINISTRATOR},
    ("GET", "/api/v1/audit"): {R.DATA_PROTECTION_OFFICER},
    ("GET", "/admin/users"): {R.ADMINISTRATOR},
    ("POST", "/admin/users"): {R.ADMINISTRATOR},
    ("POST", "/admin/users/{user_id}/active"): {R.ADMINISTRATOR},
    ("POST", "/admin/organisations/{organisation_id}/active"): {R.ADMINISTRATOR},
    ("POST", "/admin/users/{user_id}/role"): {R.ADMINISTRATOR},
    ("POST", "/admin/users/{user_id}/password"): {R.ADMINISTRATOR},
    ("POST", "/admin/users/{user_id}/second-factor"): {R.ADMINISTRATOR},
    ("GET", "/admin/organisations"): {R.ADMINISTRATOR},
    ("POST", "/admin/organisations"): {R.ADMINISTRATOR},
    ("GET", "/audit"): {R.DATA_PROTECTION_OFFICER},
    # Services directory and emergency placement.
    ("GET", "/services"): SERVICE_READERS,
    ("GET", "/services/{service_id}"): SERVICE_READERS,
    ("POST", "/services/{service_id}/capacity"): CAPACITY_UPDATERS,
    ("POST", "/services/{service_id}/reservations"): PLACERS,
    ("GET", "/placement"): PLACERS,
    ("POST", "/placement"): PLACERS,
    ("GET", "/placement/requests/{request_id}"): PLACERS,
    ("GET", "/placement/queue"): {R.COORDINATOR},
    ("POST", "/reservations/{reservation_id}/arrival"): PLACERS,
    ("POST", "/reservations/{reservation_id}/release"): PLACERS,
    ("GET", "/api/v1/services"): SERVICE_READERS,
    ("POST", "/api/v1/services"): SERVICE_PUBLISHERS,
    ("GET", "/api/v1/services/{service_id}"): SERVICE_READERS,
    ("PUT", "/api/v1/services/{service_id}/capacity"): CAPACITY_UPDATERS,
    ("POST", "/api/v1/services/{service_id}/reservations"): PLACERS,
    ("GET", "/api/v1/reservations"): PLACERS,
    ("POST", "/api/v1/reservations/{reservation_id}/arrival"): PLACERS,
    ("POST", "/api/v1/reservations/{reservation_id}/release"): PLACERS,
    ("POST", "/api/v1/placement/requests"): PLACERS,
    ("GET", "/api/v1/placement/requests/{request_id}"): PLACERS,
    ("GET", "/api/v1/placement/queue"): {R.COORDINATOR},
    # Referrals.
    ("GET", "/referrals"): REFERRERS,
    ("POST", "/referrals"): REFERRERS,
    ("GET", "/referrals/flows"): FLOW_READERS,
    ("GET", "/referrals/{referral_id}"): REFERRERS,
    ("POST", "/referrals/{referral_id}/accept"): REFERRERS,
    ("POST", "/referrals/{referral_id}/decline"): REFERRERS,
    ("POST", "/referrals/{referral_id}/start"): REFERRERS,
    ("POST", "/referrals/{referral_id}/complete"): REFERRERS,
    ("POST", "/referrals/{referral_id}/withdraw"): REFERRERS,
    ("POST", "/api/v1/referrals"): REFERRERS,
    ("GET", "/api/v1/referrals"): REFERRERS,
    ("GET", "/api/v1/referrals/flows"): FLOW_READERS,
    ("GET", "/api/v1/referrals/{referral_id}"): REFERRERS,
    ("POST", "/api/v1/referrals/{referral_id}/accept"): REFERRERS,
    ("POST", "/api/v1/referrals/{referral_id}/decline"): REFERRERS,
    ("POST", "/api/v1/referrals/{referral_id}/start"): REFERRERS,
    ("POST", "/api/v1/referrals/{referral_id}/complete"): REFERRERS,
    ("POST", "/api/v1/referrals/{referral_id}/withdraw"): REFERRERS,
    # Cases.
    ("GET", "/cases"): CASE_READERS,
    ("POST", "/cases/search"): CASE_READERS,
    ("GET", "/cases/new"): CASE_WRITERS,
    ("POST", "/cases"): CASE_WRITERS,
    ("GET", "/cases/{reference}"): CASE_READERS,
    ("GET", "/cases/{reference}/edit"): CASE_WRITERS,
    ("GET", "/cases/{reference}/summary"): CASE_READERS,
    ("GET", "/cases/{reference}/summary.pdf"): CASE_READERS,
    ("POST", "/cases/{reference}/edit"): CASE_WRITERS,
    ("POST", "/cases/{reference}/stage"): CASE_WRITERS,
    ("POST", "/cases/{reference}/approvals"): CASE_APPROVERS,
    ("POST", "/cases/{reference}/notes"): CASE_WRITERS,
    ("POST", "/cases/{reference}/corrections"): CASE_WRITERS,
    ("POST", "/cases/{reference}/tasks"): CASE_WRITERS,
    ("POST", "/cases/{reference}/tasks/{task_id}/done"): CASE_WRITERS,
    ("POST", "/cases/{reference}/consents"): CASE_WRITERS,
    ("POST", "/cases/{reference}/consents/{consent_id}/withdrawal"): CASE_WRITERS,
    ("POST", "/cases/{reference}/documents"): CASE_WRITERS,
    ("GET", "/cases/{reference}/documents/{document_id}"): CASE_READERS,
    ("GET", "/api/v1/cases"): CASE_READERS,
    ("POST", "/api/v1/cases"): CASE_WRITERS,
    ("POST", "/api/v1/cases/search"): CASE_READERS,
    ("POST", "/api/v1/children/{reference}/case"): CASE_WRITERS,
    ("GET", "/api/v1/cases/{reference}"): CASE_READERS,
    ("PATCH", "/api/v1/cases/{reference}"): CASE_WRITERS,
    ("POST", "/api/v1/cases/{reference}/stage"): CASE_WRITERS,
    ("POST", "/api/v1/cases/{reference}/approvals"): CASE_APPROVERS,
    ("POST", "/api/v1/cases/{reference}/notes"): CASE_WRITERS,
    ("POST", "/api/v1/cases/{reference}/tasks"): CASE_WRITERS,
    ("POST", "/api/v1/cases/{reference}/tasks/{task_id}/done"): CASE_WRITERS,
    ("POST", "/api/v1/cases/{reference}/consents"): CASE_WRITERS,
    ("POST", "/api/v1/cases/{reference}/consents/{consent_id}/withdrawal"): CASE_WRITERS,
    ("POST", "/api/v1/cases/{reference}/age-assessments"): CASE_WRITERS,
    ("POST", "/api/v1/cases/{reference}/corrections"): CASE_WRITERS,
    ("POST", "/api/v1/cases/{reference}/links"): CASE_WRITERS,
    ("POST", "/api/v1/cases/{reference}/documents"): CASE_WRITERS,
    ("GET", "/api/v1/cases/{reference}/documents/{document_id}"): CASE_READERS,
    # Possible matches at registration and match notices.
    ("GET", "/api/v1/cases/{reference}/possible-matches"): MATCH_REVIEWERS,
    ("POST", "/api/v1/cases/{reference}/possible-matches/{match_id}/decision"): MATCH_REVIEWERS,
    ("POST", "/cases/{reference}/possible-matches/{match_id}/decision"): MATCH_REVIEWERS,
    ("GET", "/linkage/notices"): NOTICE_READERS,
    ("POST", "/linkage/notices/{notice_id}/review"): NOTICE_READERS,
    ("GET", "/api/v1/linkage/notices"): NOTICE_READERS,
    ("POST", "/api/v1/linkage/notices/{notice_id}/review"): NOTICE_READERS,
    ("POST", "/api/v1/linkage/notices/{notice_id}/referral"): NOTICE_READERS,
    # Observatory.
    ("GET", "/observatory"): AGGREGATE_READERS,
    ("GET", "/api/v1/observatory/crosstab"): AGGREGATE_READERS,
    ("GET", "/api/v1/observatory/crosstab/download"): AGGREGATE_READERS,
    ("GET", "/api/v1/observatory/identification-rates"): AGGREGATE_READERS,
}


# Valid bodies, so record-level checks are reached rather than stopped by validation.
BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("POST", "/api/v1/screenings/{reference}/no-case"): {"reason": "moved on before referral"},
    ("POST", "/api/v1/children/{reference}/shares"): {
        "organisation_id": 1,
        "fields": ["sex"],
        "purpose": "continuity_of_care",
    },
    ("POST", "/api/v1/children/{reference}/case"): {},
    ("PATCH", "/api/v1/cases/{reference}"): {},
    ("POST", "/api/v1/cases/{reference}/stage"): {"to": "registration"},
    ("POST", "/api/v1/cases/{reference}/approvals"): {"stage": "care_plan"},
    ("POST", "/api/v1/cases/{reference}/notes"): {"body": "note"},
    ("POST", "/api/v1/cases/{reference}/tasks"): {"title": "t", "due_at": "2030-01-01T00:00:00Z"},
    ("POST", "/api/v1/linkage/notices/{notice_id}/referral"): {"purpose": "continuity_of_care"},
    ("POST", "/api/v1/cases/{reference}/consents"): {
        "scope": "services",
        "purpose": "continuity_of_care",
        "given_by": "child",
        "child_assent": True,
    },
    ("POST", "/api/v1/cases/{reference}/age-assessments"): {
        "method": "interview",
        "minimum_age": 15,
        "maximum_age": 16,
    },
    ("POST", "/api/v1/cases/{reference}/corrections"): {"sex": "female", "reason": "misread"},
    ("POST", "/api/v1/cases/{reference}/links"): {
        "other_reference": "NER-AAAAAAAA",
        "relation": "sibling",
    },
    ("POST", "/api/v1/cases/{reference}/possible-matches/{match_id}/decision"): {
        "same_child": True
    },
    ("POST", "/cases/{reference}/stage"): {"to": "registration"},
    ("POST", "/cases/{reference}/approvals"): {"stage": "care_plan"},
    ("POST", "/cases/{reference}/notes"): {"body": "note"},
    ("POST", "/cases/{reference}/corrections"): {"sex": "female", "reason": "misread"},
    ("POST", "/cases/{reference}/tasks"): {"title": "t", "due_date": "2030-01-01"},
    ("POST", "/cases/{reference}/consents"): {
        "scope": "services",
        "purpose": "continuity_of_care",
        "given_by": "child",
    },
}


def app_routes(world: World) -> list[tuple[str, str]]:
    found = []
    for route in world.app.routes:
        if isinstance(route, Mount):
            found.append(("GET", route.path))
        elif isinstance(route, APIRoute | Route):
            found += [(m, route.path) for m in sorted(route.methods or ()) if m != "HEAD"]
    return found


def fill(path: str, reference: str) -> str:
    path = path.replace("{reference}", reference).replace("{code}", "ar")
    return re.sub(r"\{[a-z_]+\}", "1", path) + ("/routecare.css" if path == "/static" else "")


def test_every_route_is_in_the_policy_and_the_matrix(world: World) -> None:
    routes = app_routes(world)
    missing_from_policy = [r for r in routes if r not in ROUTES]
    missing_from_matrix = [r for r in routes if r not in EXPECTED]
    assert not missing_from_policy, f"routes without a policy entry: {missing_from_policy}"
    assert not missing_from_matrix, f"routes without an expected row: {missing_from_matrix}"
    assert not [r for r in ROUTES if r not in routes], "policy names routes the app lacks"


def test_policy_matches_expected_public_routes() -> None:
    for key, expected in EXPECTED.items():
        assert (ROUTES[key] is Access.PUBLIC) == (expected == PUBLIC), key
        assert (ROUTES[key] is Access.PARTNER_SIGNATURE) == (expected == PARTNER), key


@pytest.fixture
def references(world: World) -> dict[str, str]:
    own = register_child(
        world.deployment, world.principal("case_worker"), ChildIn(given_name="Own")
    )
    foreign = register_child(
        world.deployment, world.principal("other_case_worker"), ChildIn(given_name="Foreign")
    )
    return {"own": own.reference, "foreign": foreign.reference}


# Pages' forms, sent form-encoded like a browser does.
FORMS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/screenings/{reference}/case"): {"given_name": "Awa", "sex": "female"},
    ("POST", "/screenings/{reference}/no-case"): {"reason": "moved on before referral"},
    ("POST", "/cases/{reference}/possible-matches/{match_id}/decision"): {"same_child": "true"},
}


def _call(client: TestClient, method: str, path: str, reference: str) -> int:
    url = fill(path, reference)
    if (method, path) in FORMS:
        response = client.request(method, url, data=FORMS[method, path], follow_redirects=False)
    else:
        response = client.request(
            method, url, json=BODIES.get((method, path)), follow_redirects=False
        )
    return response.status_code


def test_roles_against_every_route(world: World, references: dict[str, str]) -> None:
    clients = {role: world.api(role.value) for role in Role}
    nobody = https_client(world.app)
    failures = []
    for (method, path), expected in EXPECTED.items():
        status = _call(nobody, method, path, references["own"])
        if expected in (PUBLIC, PARTNER):
            if status in (401, 403):
                failures.append(f"anonymous {method} {path}: {status}, expected access")
        elif status not in (401, 303):
            failures.append(f"anonymous {method} {path}: {status}, expected 401/303")
        if method == "POST" and path == "/logout":
            continue  # a bearer 'logout' has no session to end; covered in test_sessions
        if method == "DELETE" and path == "/api/v1/me/tokens/{token_id}":
            continue  # token 1 is the screener client's own: covered in test_tokens
        for role, client in clients.items():
            status = _call(client, method, path, references["own"])
            allowed = (
                expected in (PUBLIC, PARTNER, SIGNED_IN) or role in expected  # type: ignore[operator]
            )
            if allowed and status in (401, 403):
                failures.append(f"{role.value} {method} {path}: {status}, expected access")
            if not allowed and status != 403:
                failures.append(f"{role.value} {method} {path}: {status}, expected 403")
    assert not failures, "\n".join(failures)


def test_other_organisations_records_answer_404(world: World, references: dict[str, str]) -> None:
    failures = []
    for (method, path), expected in EXPECTED.items():
        if "{reference}" not in path or not isinstance(expected, set):
            continue
        for role in expected:
            status = _call(world.api(role.value), method, path, references["foreign"])
            if status != 404:
                failures.append(f"{role.value} {method} {path} on another's record: {status}")
    assert not failures, "\n".join(failures)


def test_refusals_are_audited(world: World) -> None:
    assert world.api("analyst").get("/api/v1/children").status_code == 403
    with world.deployment.database.transaction() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "access.refused")
        ).scalar_one()
    assert entry.actor_user_id == world.user_ids["analyst"]
    assert entry.subject_id == "GET /api/v1/children"


# Record-level matrix: every route naming a record by id, with a record of the home
# organisation, called by every role of every organisation (tests/auth/id_records.py).

RECEIVER_STEPS = {"accept", "decline", "start", "complete"}
# The services directory is shared across organisations by design: any reader sees a service,
# any placer may hold a bed in it.
OPEN_TO_ALL = {
    ("GET", "/services/{service_id}"),
    ("GET", "/api/v1/services/{service_id}"),
    ("POST", "/services/{service_id}/reservations"),
    ("POST", "/api/v1/services/{service_id}/reservations"),
}
# Placement requests and match notices also go to the national coordinators of their country.
NATIONAL = {"request_id", "notice_id"}
BODIES |= {
    ("PUT", "/api/v1/services/{service_id}/capacity"): {"beds_total": 50, "beds_free": 30},
    ("POST", "/api/v1/services/{service_id}/reservations"): {},
    ("POST", "/api/v1/referrals/{referral_id}/decline"): {"reason": "no_capacity"},
}
FORMS |= {
    # Harmless to user 1 (the screener the role matrix calls with), whom these forms name.
    ("POST", "/admin/users/{user_id}/active"): {"active": "true"},
    ("POST", "/admin/organisations/{organisation_id}/active"): {"enabled": "true"},
    ("POST", "/admin/users/{user_id}/role"): {"role": "screener"},
    ("POST", "/services/{service_id}/capacity"): {"beds_total": "50", "beds_free": "30"},
    ("POST", "/referrals/{referral_id}/decline"): {"reason": "no_capacity"},
}


MISSING_ID = "999999"  # no record has it in these tests
USERS_OWN = {"token_id"}  # records of one user rather than of an organisation


def id_routes(world: World) -> list[tuple[str, str, str]]:
    """(method, path, id parameter) of every route of the app naming a record by integer id."""
    found = []
    for route in world.app.routes:
        if not isinstance(route, APIRoute):
            continue
        for parameter in route.dependant.path_params:
            if parameter.field_info.annotation is int:
                found += [(m, route.path, parameter.name) for m in sorted(route.methods)]
    return found


def acting(path: str, made: Made) -> set[str]:
    """Organisations that may act on the record through this route."""
    if "{referral_id}" in path:
        step = path.rsplit("/", 1)[1]
        if step in RECEIVER_STEPS:
            return {"partner"}
        if step == "withdraw":
            return {HOME}
    return set(made.parties)


def sees_anyway(method: str, path: str, organisation: str, role: Role) -> bool:
    if (method, path) in OPEN_TO_ALL:
        return True
    national = any(f"{{{name}}}" in path for name in NATIONAL)
    return national and role is Role.COORDINATOR and ORGANISATIONS[organisation] == "NER"


def _call_id(
    client: TestClient, method: str, path: str, made: Made, reference: str | None
) -> tuple[int, str]:
    url = re.sub(r"\{[a-z_]+_id\}", made.id, path.replace("{reference}", reference or ""))
    body = FORMS.get((method, path))
    if body is not None:
        response = client.request(method, url, data=body, follow_redirects=False)
    else:
        response = client.request(
            method, url, json=BODIES.get((method, path)), follow_redirects=False
        )
    return response.status_code, response.text


@pytest.fixture
def organisations(world: World) -> dict[str, str]:
    """Every role in four organisations; an own case in each organisation but home's."""
    add_organisations(world)
    return {org: own_case(world, org) for org in ORGANISATIONS if org != HOME}


def test_every_id_route_has_a_record_factory(world: World) -> None:
    routes = id_routes(world)
    missing = {name for _, _, name in routes if name not in FACTORIES}
    assert len(routes) > 30, routes
    assert not missing, f"id routes without a record factory in tests/auth/id_records.py: {missing}"


def test_records_by_id_across_organisations(world: World, organisations: dict[str, str]) -> None:
    """A record of one organisation, named by its id, answers 404 to every other organisation
    (word for word as a missing id does, also inside their own case), 403 to roles without the
    permission, and is reached by the allowed roles of the organisations party to it."""
    clients: dict[str, TestClient] = {}

    def client(organisation: str, role: Role) -> TestClient:
        name = username(organisation, role)
        if name not in clients:
            clients[name] = world.api(name)
        return clients[name]

    failures = []
    for method, path, name in id_routes(world):
        if name in USERS_OWN:
            continue  # one user's record: test_an_api_token_by_id_is_its_owners_alone
        expected = EXPECTED[method, path]
        assert isinstance(expected, set), (method, path)
        made = FACTORIES[name](world)
        parties = acting(path, made)
        for organisation in ORGANISATIONS:
            for role in Role:
                if organisation in parties and role in expected:
                    continue  # checked below, on a fresh record
                references = [made.reference]
                if made.reference is not None and organisation != HOME:
                    references.append(organisations[organisation])  # their own case, our id
                for reference in references:
                    caller = client(organisation, role)
                    status, text = _call_id(caller, method, path, made, reference)
                    who = f"{username(organisation, role)} {method} {path} ({reference})"
                    if role not in expected:
                        if status != 403:
                            failures.append(f"{who}: {status}, expected 403")
                    elif sees_anyway(method, path, organisation, role):
                        if status in (401, 403, 404) or status >= 500:
                            failures.append(f"{who}: {status}, expected access")
                    elif status != 404:
                        failures.append(f"{who}: {status}, expected 404: {text[:120]}")
                    elif path.startswith("/api/"):
                        missing = Made(MISSING_ID, made.reference, made.parties)
                        _, absent = _call_id(caller, method, path, missing, reference)
                        if text != absent:
                            failures.append(f"{who}: {text!r}, unlike a missing one: {absent!r}")
        for organisation in sorted(parties):
            for role in sorted(expected):
                fresh = made if method == "GET" else FACTORIES[name](world)
                caller = client(organisation, role)
                status, text = _call_id(caller, method, path, fresh, fresh.reference)
                if status in (401, 403, 404) or status >= 500:
                    who = f"{username(organisation, role)} {method} {path}"
                    failures.append(f"{who} on its own record: {status} {text[:120]}")
    assert not failures, "\n".join(failures)


def test_an_api_token_by_id_is_its_owners_alone(
    world: World, organisations: dict[str, str]
) -> None:
    """Every other user, of every role and organisation (the owner's own included), gets the
    same 404 for the owner's token as for a missing one (but for the id it echoes), and the
    token still works; the owner revokes it."""
    path = "/api/v1/me/tokens/{token_id}"
    made = make_token(world)
    failures = []
    for organisation in ORGANISATIONS:
        for role in Role:
            name = username(organisation, role)
            if name == TOKEN_OWNER:
                continue
            caller = world.api(name)
            status, text = _call_id(caller, "DELETE", path, made, None)
            _, absent = _call_id(caller, "DELETE", path, Made(MISSING_ID, None), None)
            if status != 404 or text.replace(made.id, MISSING_ID) != absent:  # the id echoed
                failures.append(f"{name}: {status} {text[:120]}, unlike a missing one: {absent}")
    assert not failures, "\n".join(failures)
    tokens = world.api(TOKEN_OWNER).get("/api/v1/me/tokens").json()
    assert not next(t for t in tokens if str(t["id"]) == made.id)["revoked"]
    status, _ = _call_id(world.api(TOKEN_OWNER), "DELETE", path, made, None)
    assert status == 204
