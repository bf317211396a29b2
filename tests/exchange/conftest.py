"""Two deployments that exchange: `sender` (the `deployment` fixture, on SQLite and
PostgreSQL) and `receiver` (a second data directory), each with its keys and the other
registered as a partner; `sender_case` is a case with cross-border consent for continuity of
care covering every field of that purpose."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from routecare.auth import actions as account_actions
from routecare.auth.principal import Principal
from routecare.auth.roles import OrganisationKind, Role
from routecare.auth.schemas import UserIn
from routecare.cases import actions as case_actions
from routecare.cases import record_actions
from routecare.cases.record_schemas import ConsentIn
from routecare.cases.schemas import CaseIn
from routecare.cases.vocabulary import ConsentScope, GivenBy
from routecare.config import Settings
from routecare.crypto.keyring import Keyring
from routecare.crypto.keystore import store_of
from routecare.demo.seed import principal_of
from routecare.deployment import Deployment
from routecare.exchange.actions import record_consented_fields, register_partner
from routecare.exchange.keys import create_keys, public_jwks
from routecare.exchange.package_schema import PURPOSE_FIELDS
from routecare.exchange.schemas import PartnerIn
from routecare.exchange.vocabulary import Purpose
from routecare.storage.metadata import all_tables_metadata
from routecare.storage.migrate import upgrade

PASSWORD = "correct horse battery staple"
CHILD = {
    "given_name": "Mamadou Aliou",
    "family_name": "Bah",
    "other_names": "Momo",
    "birth_date": "2011-03-04",
    "sex": "male",
    "age": 15,
    "nationality": "GIN",
    "unaccompanied": True,
    "risk_level": "high",
    "victim_status": "PossibleVictimOfTrafficking",
    "victim_decision_org": "NGO",
    "exploitation_forms": ["ForcedLabour"],
    "family_tracing_status": "in_progress",
    "guardian_name": "Aissata Barry",
    "best_interests_assessment": "Needs a guardian and schooling.",
    "durable_solution": "family_reunification",
    "narrative": "Met near the bus station; a man took his papers.",
    "contact": "+227 90 00 00 00",
}
AUDIT_TABLES = {"audit_entries", "audit_head", "audit_subjects"}


def open_deployment_in(data_dir: Path, template: Path) -> Deployment:
    """A fresh SQLite deployment of its own in `data_dir` (its database copied from the
    migrated template, which saves running every migration again)."""
    data_dir.mkdir(parents=True)
    shutil.copy(template, data_dir / "routecare.sqlite3")
    Keyring.generate().save(data_dir / "keyring.json")
    opened = Deployment.open(
        Settings(data_dir=data_dir, two_factor_required=False), create_keyring=True
    )
    upgrade(opened.database)
    return opened


def staff(deployment: Deployment, country: str, username: str, role: Role) -> Principal:
    """One user of `role` in an organisation of `country` (the first of the country's)."""
    organisation = account_actions.create_organisation(
        deployment, name=f"Child Protection {country}", country=country, kind=OrganisationKind.NGO
    )
    account_actions.create_user(
        deployment,
        organisation_id=organisation,
        user=UserIn(username=username, password=PASSWORD, role=role),
    )
    return principal_of(deployment, username)


def jwks_of(deployment: Deployment) -> dict[str, object]:
    with deployment.database.transaction() as session:
        return public_jwks(session)


def register(
    deployment: Deployment, name: str, other: Deployment, purposes: list[Purpose], **extra: object
) -> None:
    register_partner(
        deployment,
        PartnerIn.model_validate(
            {
                "name": name,
                "jwks": jwks_of(other),
                "purposes": purposes,
                "agreement": "DSA-2026-07",
                **extra,
            }
        ),
    )


@dataclass
class Exchange:
    sender: Deployment
    receiver: Deployment
    worker: Principal
    reference: str
    consent_id: int

    def consent(self, fields: list[str], purpose: Purpose = Purpose.CONTINUITY_OF_CARE) -> int:
        """A new cross-border consent of the case for `purpose`, covering `fields`."""
        consent_id = record_actions.record_consent(
            self.sender,
            self.worker,
            self.reference,
            ConsentIn(
                scope=ConsentScope.CROSS_BORDER,
                purpose=purpose.value,
                given_by=GivenBy.GUARDIAN,
                child_assent=True,
            ),
            None,
        )
        record_consented_fields(self.sender, self.worker, self.reference, consent_id, fields)
        return consent_id


def row_counts(deployment: Deployment) -> dict[str, int]:
    """Rows per table, the audit trail aside, in the database and in the key store."""
    counts = {}
    with deployment.database.transaction() as session:
        for table in all_tables_metadata().sorted_tables:
            if table.name not in AUDIT_TABLES:
                counts[table.name] = session.scalar(select(func.count()).select_from(table))
    store = store_of(deployment.keyring)
    with store.database.transaction() as session:
        from routecare.crypto.keystore import KeyStoreBase

        for table in KeyStoreBase.metadata.sorted_tables:
            counts[f"keystore.{table.name}"] = session.scalar(
                select(func.count()).select_from(table)
            )
    return counts


@pytest.fixture
def receiver(tmp_path: Path, sqlite_template: Path) -> Iterator[Deployment]:
    opened = open_deployment_in(tmp_path / "receiver", sqlite_template)
    yield opened
    opened.close()


@pytest.fixture
def unkeyed(deployment: Deployment, receiver: Deployment) -> Exchange:
    """Sender and receiver with staff and a consented case, but no keys and no partners."""
    worker = staff(deployment, "NER", "worker", Role.CASE_WORKER)
    staff(receiver, "ITA", "coordinator", Role.COORDINATOR)
    case = case_actions.create_case(deployment, worker, CaseIn.model_validate(CHILD), None)
    built = Exchange(deployment, receiver, worker, case.reference, 0)
    built.consent_id = built.consent(list(PURPOSE_FIELDS[Purpose.CONTINUITY_OF_CARE]))
    return built


@pytest.fixture
def exchange(unkeyed: Exchange) -> Exchange:
    """`unkeyed`, with keys and each registered as the other's partner."""
    sender, receiver = unkeyed.sender, unkeyed.receiver
    create_keys(sender)
    create_keys(receiver)
    register(sender, "italy", receiver, [Purpose.CONTINUITY_OF_CARE, Purpose.FAMILY_TRACING])
    register(receiver, "niger", sender, [Purpose.CONTINUITY_OF_CARE, Purpose.FAMILY_TRACING])
    return unkeyed


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[[str, object], Path]:
    def write(name: str, value: object) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(value), encoding="utf-8")
        return path

    return write
