"""Two deployments that exchange match notices: Niger (`sender`, SQLite and PostgreSQL) and
Italy (`receiver`), each with the other registered for `match_notice` and the linkage secret
they agreed; the same boy registered in both, spelled the Nigerien and the Italian way, each
with a cross-border consent for match notices; a girl only Niger registered, with consent, and
a boy only Italy registered, without."""

from __future__ import annotations

from dataclasses import dataclass

from routecare.auth import actions as account_actions
from routecare.auth.principal import Principal
from routecare.auth.roles import Role
from routecare.auth.schemas import UserIn
from routecare.cases import actions as case_actions
from routecare.cases import record_actions
from routecare.cases.record_schemas import ConsentIn
from routecare.cases.schemas import CaseIn
from routecare.cases.vocabulary import ConsentScope, GivenBy
from routecare.demo.seed import principal_of
from routecare.deployment import Deployment
from routecare.exchange.actions import record_consented_fields
from routecare.exchange.keys import create_keys
from routecare.exchange.linkage_secrets import record_linkage_secret
from routecare.exchange.package_schema import PURPOSE_FIELDS
from routecare.exchange.vocabulary import Purpose
from tests.exchange.conftest import PASSWORD, Exchange, register

URL = "https://italy.example.org"
SENDER_URL = "https://niger.example.org"
SECRET = b"the secret Niger and Italy agreed"
NIGER_BOY = {"given_name": "Abdoulaye", "family_name": "Diallo", "other_names": "Ibrahima"}
ITALY_BOY = {"given_name": "Abdulai", "family_name": "Jallow", "other_names": "Ibrahim"}
NIGER_GIRL = {"given_name": "Fatoumata", "family_name": "Sow", "other_names": "Hawa"}
ITALY_OTHER = {"given_name": "Chiara", "family_name": "Bianchi", "other_names": "Marco"}
IDENTITIES = [NIGER_BOY, ITALY_BOY, NIGER_GIRL, ITALY_OTHER]


@dataclass
class Noticing:
    exchange: Exchange
    niger_boy: str  # case references
    niger_boy_consent: int
    niger_girl: str
    italy_boy: str
    niger_coordinator: Principal
    italy_coordinator: Principal
    italy_worker: Principal

    @property
    def sender(self) -> Deployment:
        return self.exchange.sender

    @property
    def receiver(self) -> Deployment:
        return self.exchange.receiver


def colleague(deployment: Deployment, of: Principal, username: str, role: Role) -> Principal:
    account_actions.create_user(
        deployment,
        organisation_id=of.organisation_id,
        user=UserIn(username=username, password=PASSWORD, role=role),
    )
    return principal_of(deployment, username)


def open_case(
    deployment: Deployment,
    worker: Principal,
    names: dict[str, str],
    *,
    sex: str = "male",
    consent: bool = True,
) -> str:
    data = {**names, "sex": sex, "age": 15, "nationality": "GIN"}
    case = case_actions.create_case(deployment, worker, CaseIn.model_validate(data), None)
    if consent:
        consent_to_notices(deployment, worker, case.reference)
    return case.reference


def consent_to(deployment: Deployment, worker: Principal, reference: str, purpose: Purpose) -> int:
    """A guardian's cross-border consent for the purpose, with the child's assent."""
    return record_actions.record_consent(
        deployment,
        worker,
        reference,
        ConsentIn(
            scope=ConsentScope.CROSS_BORDER,
            purpose=purpose.value,
            given_by=GivenBy.GUARDIAN,
            child_assent=True,
        ),
        None,
    )


def consent_to_notices(deployment: Deployment, worker: Principal, reference: str) -> int:
    return consent_to(deployment, worker, reference, Purpose.MATCH_NOTICE)


def consent_to_every_field(
    deployment: Deployment, worker: Principal, reference: str, purpose: Purpose
) -> None:
    """Consent for the purpose that lets every field of its package go."""
    consent = consent_to(deployment, worker, reference, purpose)
    fields = list(PURPOSE_FIELDS[purpose])
    record_consented_fields(deployment, worker, reference, consent, fields)


def set_up(unkeyed: Exchange, *, allowed: bool = True) -> Noticing:
    sender, receiver = unkeyed.sender, unkeyed.receiver
    create_keys(sender)
    create_keys(receiver)
    purposes = [Purpose.CONTINUITY_OF_CARE] + ([Purpose.MATCH_NOTICE] if allowed else [])
    register(sender, "italy", receiver, purposes, base_url=URL)
    register(receiver, "niger", sender, purposes, base_url=SENDER_URL)
    record_linkage_secret(sender, "italy", SECRET)
    record_linkage_secret(receiver, "niger", SECRET)
    italy_coordinator = principal_of(receiver, "coordinator")
    italy_worker = colleague(receiver, italy_coordinator, "worker-it", Role.CASE_WORKER)
    niger_coordinator = colleague(sender, unkeyed.worker, "coordinator-ne", Role.COORDINATOR)
    open_case(receiver, italy_worker, ITALY_OTHER, consent=False)
    niger_boy = open_case(sender, unkeyed.worker, NIGER_BOY, consent=False)
    return Noticing(
        exchange=unkeyed,
        niger_boy=niger_boy,
        niger_boy_consent=consent_to_notices(sender, unkeyed.worker, niger_boy),
        niger_girl=open_case(sender, unkeyed.worker, NIGER_GIRL, sex="female"),
        italy_boy=open_case(receiver, italy_worker, ITALY_BOY),
        niger_coordinator=niger_coordinator,
        italy_coordinator=italy_coordinator,
        italy_worker=italy_worker,
    )
