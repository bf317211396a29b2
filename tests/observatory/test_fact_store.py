"""The fact store: built from the demo by `routecare observatory refresh`, incremental, and
holding nothing that names or dates a child or leads back to a case."""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select, update

from routecare.cases import actions as case_actions
from routecare.cases.demo import FAMILY_NAMES, GIVEN_NAMES
from routecare.cases.models import Case
from routecare.cases.schemas import CaseIn
from routecare.children.models import Child
from routecare.children.records import cipher_for
from routecare.children.schemas import Sex
from routecare.clock import utcnow
from routecare.crypto.keystore import cipher_of
from routecare.demo.seed import principal_of, seed_demo
from routecare.deployment import Deployment
from routecare.observatory.facts import BUCKETS
from routecare.observatory.store import connect, facts_dir
from routecare.screening.catalogue import DEFAULT_CATALOGUE
from routecare.screening.engines import engine_for
from routecare.screening.models import Screening
from tests.cases.helpers import create_case, patch
from tests.cli_runner import run_cli
from tests.conftest import World

IDENTITY_FIELDS = ("given_name", "family_name", "other_names", "birth_date", "contact")


def identifying_values(deployment: Deployment) -> set[str]:
    """Every name, reference, uid and date of birth of the deployment's children and
    screenings, decrypted: what must never reach the fact store."""
    values: set[str] = set(GIVEN_NAMES) | set(FAMILY_NAMES)
    with deployment.database.transaction() as session:
        for child in session.scalars(select(Child)):
            values |= {child.reference, child.uid}
            cipher = cipher_for(deployment.keyring, child)
            for field in IDENTITY_FIELDS:
                plain = cipher.decrypt(field, getattr(child, field))
                if plain:
                    values.add(plain)
                    if field == "birth_date":  # the date in the forms a file might hold it
                        born = date.fromisoformat(plain)
                        values |= {born.strftime("%d/%m/%Y"), born.strftime("%Y%m%d")}
        values |= set(session.scalars(select(Case.reference)))
        for screening in session.scalars(select(Screening)):
            values |= {screening.reference, screening.uid}
            cipher = cipher_of(deployment.keyring, screening.uid)
            for field in ("location", "no_case_reason"):  # free text
                plain = cipher.decrypt(field, getattr(screening, field))
                if plain and len(plain) > 3:  # the demo's locations are country codes
                    values.add(plain)
    # The answers themselves: only categories derived from them may be stored.
    values |= set(engine_for(deployment.settings.data_dir, DEFAULT_CATALOGUE).catalogue.by_id)
    return values


# Seeding the demo takes half a minute: once, on SQLite (the incremental test covers both).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_demo_facts_hold_no_name_reference_or_birth_date(deployment: Deployment) -> None:
    seed_demo(deployment, "demo password long enough")
    worker = principal_of(deployment, "caseworker")
    born = CaseIn(
        given_name="Mariama",
        family_name="Keita",
        birth_date=date(2011, 3, 14),
        sex=Sex.FEMALE,
        nationality="GIN",
        unaccompanied=True,
    )
    case_actions.create_case(deployment, worker, born, "facts-birth-date")
    result = run_cli(deployment, "observatory", "refresh")
    assert result.exit_code == 0, result.output
    assert "full refresh" in result.output
    secrets = identifying_values(deployment)
    assert "2011-03-14" in secrets and "Mariama" in secrets
    files = sorted(facts_dir(deployment).glob("*.parquet"))
    assert files
    for path in files:
        raw = path.read_bytes()
        cells = "\n".join(
            str(value) for column in pq.read_table(path).to_pydict().values() for value in column
        )
        leaked = [s for s in secrets if s.encode() in raw or s in cells or s.lower() in cells]
        assert not leaked, f"{path.name} holds {leaked}"
    with connect(deployment) as facts:
        events = dict(facts.execute("SELECT event, count(*) FROM facts GROUP BY 1").fetchall())
        ages = {row[0] for row in facts.execute("SELECT DISTINCT age_band FROM facts").fetchall()}
        screened = set(
            facts.execute(
                "SELECT admin_area, transit_countries, means_of_control, recruitment_type "
                "FROM facts WHERE event = 'screened'"
            ).fetchall()
        )
    with deployment.database.transaction() as session:
        cases = len(session.scalars(select(Case.id)).all())
    assert events["identified"] == cases
    assert {"referred", "case_closed"} <= set(events)
    assert ages <= {"0-4", "5-11", "12-17", "18+", "unknown"}
    # The demo's screenings carry the dimensions issue 17 asked for (demo/queues.py).
    assert ("IT-82", "MLI>NER>LBY", "WithholdsDocuments", "none") in screened
    assert (
        "NE-1",
        "MLI",
        "DebtBondage",
        "ThroughFamilyOrFamilyEvents",
    ) in screened


def identified(deployment: Deployment) -> list[tuple[str, str]]:
    with connect(deployment) as facts:
        rows = facts.execute(
            "SELECT nationality, trafficking_status FROM facts WHERE event = 'identified' "
            "ORDER BY 1, 2"
        ).fetchall()
    return [(nationality, status) for nationality, status in rows]


def test_refresh_rebuilds_only_what_changed_and_drops_erased_children(world: World) -> None:
    deployment = world.deployment
    worker = world.api("case_worker")
    first = create_case(worker, nationality="MLI")
    assert run_cli(deployment, "observatory", "refresh").exit_code == 0
    assert identified(deployment) == [("MLI", "unknown")]

    second = create_case(worker, nationality="GIN")
    patch(worker, first["reference"], '"1"', victim_status="PossibleVictimOfTrafficking")
    result = run_cli(deployment, "observatory", "refresh")
    assert result.exit_code == 0, result.output
    # Only the buckets of the two children changed were rebuilt, not the whole store.
    with deployment.database.transaction() as session:
        ids = session.scalars(
            select(Child.id).where(Child.reference.in_([first["reference"], second["reference"]]))
        ).all()
    changed = len({child_id % BUCKETS for child_id in ids})
    assert f"incremental refresh: {changed} buckets rebuilt" in result.output
    assert identified(deployment) == [("GIN", "unknown"), ("MLI", "PossibleVictimOfTrafficking")]

    # An hour later, an age assessment moves the child to another band without touching the
    # case record: the refresh must still see the child changed.
    an_hour_ago = utcnow() - timedelta(hours=1)
    with deployment.database.transaction() as session:
        session.execute(update(Case).values(updated_at=an_hour_ago, opened_at=an_hour_ago))
        session.execute(update(Child).values(created_at=an_hour_ago))
    assert run_cli(deployment, "observatory", "refresh").exit_code == 0
    assessed = worker.post(
        f"/api/v1/cases/{first['reference']}/age-assessments",
        json={"method": "interview", "minimum_age": 8, "maximum_age": 9},
    )
    assert assessed.status_code == 201, assessed.text
    assert run_cli(deployment, "observatory", "refresh").exit_code == 0
    with connect(deployment) as facts:
        bands = facts.execute(
            "SELECT nationality, age_band FROM facts WHERE event = 'identified' ORDER BY 1"
        ).fetchall()
    assert bands == [("GIN", "12-17"), ("MLI", "5-11")]

    erased = world.api("data_protection_officer").post(
        f"/api/v1/children/{second['reference']}/erasure"
    )
    assert erased.status_code == 204, erased.text
    assert run_cli(deployment, "observatory", "refresh").exit_code == 0
    assert identified(deployment) == [("MLI", "PossibleVictimOfTrafficking")]
