"""Filling a PostgreSQL deployment with a country's worth of data, fast, through COPY.

Identities are encrypted for real (each child its own data key, names under it, blind-index
tokens from the product's own function), so case lists decrypt exactly as in production. Note
and task bodies reuse a pool of random ciphertext-sized blobs: lists never decrypt them.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from routecare.auth import actions as account_actions
from routecare.auth.roles import OrganisationKind, Role
from routecare.auth.schemas import UserIn
from routecare.cases.blind_index import name_tokens
from routecare.crypto.keystore import new_ciphers
from routecare.deployment import Deployment
from routecare.services.schemas import ServiceKind

GIVEN = [
    "Mamadou",
    "Fatoumata",
    "Ibrahima",
    "Aminata",
    "Seydou",
    "Moussa",
    "Ousmane",
    "Kadiatou",
    "Abdoulaye",
    "Hawa",
    "Mariama",
    "Lansana",
    "Awa",
    "Alhassane",
    "Abdulai",
    "Djénéba",
    "Aïssatou",
    "Issa",
    "Yonas",
    "Semhar",
    "Adam",
    "Blessing",
    "Binta",
    "Sekou",
    "Oumou",
]
FAMILY = [
    "Bah",
    "Sow",
    "Kourouma",
    "Traoré",
    "Coulibaly",
    "Keïta",
    "Barry",
    "Camara",
    "Diallo",
    "Condé",
    "Baldé",
    "Soumah",
    "Konaté",
    "Touré",
    "Jallow",
    "Sangaré",
    "Kanté",
    "Okafor",
    "Ouédraogo",
    "Tesfay",
    "Abakar",
    "Cissé",
    "Sylla",
    "Fofana",
    "Kaba",
]
NATIONALITIES = ["GIN", "MLI", "CIV", "NGA", "SDN", "ERI", "BFA", "SEN", "GMB", "CMR"]
STAGES = ["identification", "registration", "assessment", "care_plan", "services", "follow_up"]
COUNTRY = "NER"
BENCH_ORGANISATIONS = 10
SERVICE_ORGANISATIONS = 40
BENCH_USERS = 20
PASSWORD = "benchmark password, not for production"
START = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Sizes:
    cases: int
    notes: int
    tasks: int
    services: int


@dataclass
class Population:
    tokens: list[str]  # API tokens of the bench case workers
    coordinator_token: str
    search_names: list[str]


def populate(deployment: Deployment, sizes: Sizes, progress: Any = print) -> Population:
    rng = random.Random(7)
    organisations = [
        account_actions.create_organisation(
            deployment, name=f"Bench NGO {i}", country=COUNTRY, kind=OrganisationKind.NGO
        )
        for i in range(BENCH_ORGANISATIONS)
    ]
    providers = [
        account_actions.create_organisation(
            deployment,
            name=f"Bench provider {i}",
            country=COUNTRY,
            kind=OrganisationKind.SHELTER_OPERATOR,
        )
        for i in range(SERVICE_ORGANISATIONS)
    ]
    users = [f"bench.worker{i}" for i in range(BENCH_USERS)]
    for username in users:
        account_actions.create_user(
            deployment,
            organisation_id=organisations[0],
            user=UserIn(username=username, password=PASSWORD, role=Role.CASE_WORKER),
        )
    account_actions.create_user(
        deployment,
        organisation_id=organisations[0],
        user=UserIn(username="bench.coordinator", password=PASSWORD, role=Role.COORDINATOR),
    )
    author = 1
    progress(f"encrypting {sizes.cases} identities")
    children, cases, tokens = _children_and_cases(
        deployment, rng, sizes.cases, organisations, author
    )
    raw = deployment.database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        _copy(cursor, "children", CHILD_COLUMNS, children)
        _copy(cursor, "cases", CASE_COLUMNS, cases)
        _copy(cursor, "child_name_tokens", ("child_id", "token"), tokens)
        progress(f"copying {sizes.notes} notes and {sizes.tasks} tasks")
        blobs = [secrets.token_bytes(rng.randint(60, 400)) for _ in range(2000)]
        _copy(
            cursor,
            "case_notes",
            ("case_id", "body", "created_at", "author_user_id"),
            (
                (
                    rng.randint(1, sizes.cases),
                    rng.choice(blobs),
                    START + timedelta(minutes=i),
                    author,
                )
                for i in range(sizes.notes)
            ),
        )
        _copy(
            cursor,
            "case_tasks",
            ("case_id", "kind", "title", "due_at", "created_at", "created_by_user_id", "done_at"),
            (
                (
                    rng.randint(1, sizes.cases),
                    "custom",
                    rng.choice(blobs),
                    START + timedelta(days=rng.randint(0, 900)),
                    START,
                    author,
                    None if rng.random() < 0.3 else START,
                )
                for _ in range(sizes.tasks)
            ),
        )
        progress(f"copying {sizes.services} services")
        _copy(cursor, "services", SERVICE_COLUMNS, _services(rng, sizes.services, providers))
        for table in ("children", "cases"):
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            cursor.execute(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))")
        raw.commit()
    finally:
        raw.close()
    # A live database has been through autovacuum: statistics, and the visibility map that
    # lets search answer from the (token, child_id) index alone. COPY leaves neither.
    engine = deployment.database.engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    return Population(
        tokens=[account_actions.issue_api_token(deployment, u) for u in users],
        coordinator_token=account_actions.issue_api_token(deployment, "bench.coordinator"),
        search_names=[f"{g} {f}" for g in GIVEN[:8] for f in FAMILY[:8]],
    )


CHILD_COLUMNS = (
    "id",
    "uid",
    "reference",
    "owner_organisation_id",
    "given_name",
    "family_name",
    "sex",
    "age",
    "nationality",
    "unaccompanied",
    "created_at",
    "created_by_user_id",
)
CASE_COLUMNS = (
    "id",
    "child_id",
    "reference",
    "version",
    "stage",
    "status",
    "opened_at",
    "opened_by_user_id",
    "updated_at",
    "exploitation_forms",
)
SERVICE_COLUMNS = (
    "organisation_id",
    "name",
    "kind",
    "country",
    "admin_area_pcode",
    "latitude",
    "longitude",
    "min_age",
    "max_age",
    "sexes",
    "accepts_unaccompanied",
    "victims_of_trafficking_only",
    "languages",
    "needs_supported",
    "opening_hours",
    "beds_total",
    "beds_free",
    "capacity_updated_at",
    "is_active",
    "created_at",
)


def _children_and_cases(
    deployment: Deployment,
    rng: random.Random,
    count: int,
    organisations: Sequence[int],
    author: int,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[int, str]]]:
    keyring = deployment.keyring
    token_cache: dict[tuple[str, str], set[str]] = {}
    children, cases, tokens = [], [], []
    ciphers = new_ciphers(keyring, [uuid.uuid4().hex for _ in range(count)])
    for i, (uid, cipher) in enumerate(ciphers.items(), start=1):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        # Organisation 0 (the bench users') owns 30%; the rest share the remainder.
        owner = organisations[0] if rng.random() < 0.3 else rng.choice(organisations[1:])
        reference = f"{COUNTRY}-B{i:07d}"
        opened = START + timedelta(minutes=7 * i)
        children.append(
            (
                i,
                uid,
                reference,
                owner,
                cipher.encrypt("given_name", given),
                cipher.encrypt("family_name", family),
                rng.choice(["male", "female"]),
                rng.randint(8, 17),
                rng.choice(NATIONALITIES),
                rng.random() < 0.8,
                opened,
                author,
            )
        )
        cases.append((i, i, reference, 1, rng.choice(STAGES), "Active", opened, author, opened, ""))
        names = (given, family)
        if names not in token_cache:
            token_cache[names] = name_tokens(keyring.index_key, names)
        tokens.extend((i, token) for token in token_cache[names])
    return children, cases, tokens


def _services(
    rng: random.Random, count: int, providers: Sequence[int]
) -> Iterable[tuple[Any, ...]]:
    kinds = list(ServiceKind)
    for i in range(count):
        kind = kinds[i % len(kinds)]
        beds = kind in (ServiceKind.EMERGENCY_SHELTER, ServiceKind.LONG_TERM_SHELTER)
        total = rng.randint(4, 40) if beds else None
        yield (
            rng.choice(providers),
            f"Bench {kind.value} {i}",
            kind.value,
            COUNTRY,
            f"NE00{rng.randint(1, 8)}",
            rng.uniform(12.0, 23.0),
            rng.uniform(0.5, 15.5),
            0,
            17,
            "female male other unknown" if rng.random() < 0.8 else "female",
            True,
            rng.random() < 0.1,
            "fr ha",
            "",
            "24/7",
            total,
            rng.randint(0, total) if total else None,
            START if beds else None,
            True,
            START,
        )


def _copy(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
