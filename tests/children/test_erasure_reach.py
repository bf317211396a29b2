"""Erasure reaches every record that can identify the child: an attacker with a copy of the
database and the deployment's keyring gets back nothing of what was recorded about them."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from sqlalchemy import or_, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from routecare.cases.models import NameToken
from routecare.children.erasure import scrub_child
from routecare.children.models import Child
from routecare.linkage.models import ChildEncoding, LinkageDecision, MatchNotice
from routecare.screening.actions import link_case
from routecare.screening.models import Screening
from tests.conftest import World
from tests.database_copy import Secret, database_copy, recovered
from tests.linkage.registrations import (
    NEIGHBOUR,
    add_neighbour,
    register_population,
    share_with_home,
)
from tests.linkage.registrations import open_case as open_linkage_case
from tests.screening.test_score_cli import strong_child_purpose
from tests.services.helpers import add_shelter_organisation, shelter

IDENTITY = {
    "given_name": "Zaynabou",
    "family_name": "Kourouma-Tembely",
    "other_names": "Zaynab Tembeli",
    "birth_date": "2011-03-17",
    "contact": "+224 620 55 01 77",
    "narrative": "Met near the Agadez bus station by a man called Ousmane Kiari",
}
CASE_TEXT = {
    "guardian_name": "Mariama Sow-Guardian",
    "assessment_summary": "Assessment: debt bondage to the Tchirozerine gold site",
    "best_interests_assessment": "BIA: mother traced to Kankan, Quartier Timbo",
    "care_plan": "Care plan: specialised shelter, Hausa-speaking counsellor Halima",
    "services_summary": "Services: hospital Agadez ward 3 since October",
    "follow_up_summary": "Follow-up: visits every Tuesday at the Dagmanet hostel",
    "best_interests_determination": "BID: family reunification in Kankan approved",
}
NOTE = "Uncle Boubacar Kourouma phoned from Arlit, number +227 96 11 22 33"
TASK = "Call the Kankan social services about Zaynabou's mother"
DOCUMENT = b"%PDF-1.4\n% birth certificate of Zaynabou Kourouma-Tembely, Kankan register 4411\n"
SCREENING_LOCATION = "Bilma oasis checkpoint, truck from Dirkou"
REQUESTED_AT = {"latitude": 17.0543216, "longitude": 8.0765432}  # stays open (escalated)
PLACED_FROM = {"latitude": 16.9123457, "longitude": 7.9345671}  # resolved by a reservation


def _record_everything(world: World) -> tuple[str, dict[str, Secret]]:
    """A child with distinctive values in every kind of record; returns its reference and the
    secrets an attacker must not get back after erasure."""
    add_shelter_organisation(world)
    place = shelter(world, needs_supported=["medical_care"])
    api = world.api("case_worker")
    created = api.post(
        "/api/v1/cases",
        json={**IDENTITY, **CASE_TEXT, "sex": "female", "age": 13, "nationality": "GIN"},
    )
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    records = f"/api/v1/cases/{reference}"
    sibling = api.post("/api/v1/cases", json={"given_name": "Fanta", "sex": "female"})
    for path, body in [
        ("notes", {"body": NOTE}),
        ("tasks", {"title": TASK, "due_at": "2030-01-01T00:00:00Z"}),
        ("age-assessments", {"method": "medical", "minimum_age": 12, "maximum_age": 14}),
        ("links", {"other_reference": sibling.json()["reference"], "relation": "sibling"}),
        (
            "consents",
            {
                "scope": "referral",
                "purpose": "continuity_of_care",
                "given_by": "child",
                "child_assent": True,
            },
        ),
    ]:
        assert api.post(f"{records}/{path}", json=body).status_code == 201, path
    uploaded = api.post(
        f"{records}/documents",
        files={"file": ("zaynabou-birth-certificate.pdf", DOCUMENT, "application/pdf")},
        data={"kind": "identity_document"},
    )
    assert uploaded.status_code == 201, uploaded.text
    answers = strong_child_purpose()
    screened = world.api("screener").post(
        "/api/v1/screenings",
        json={"age": 13, "answers": answers, "location": SCREENING_LOCATION},
    )
    assert screened.status_code == 201, screened.text
    link_case(
        world.deployment, world.principal("screener"), screened.json()["reference"], reference
    )
    referral = api.post(
        "/api/v1/referrals",
        json={"case": reference, "service_id": place.id, "purpose": "continuity_of_care"},
    )
    assert referral.status_code == 201, referral.text
    profile = {"age": 13, "sex": "female", "language": "ha", "case": reference}
    placed = api.post(
        "/api/v1/placement/requests",
        json={**PLACED_FROM, **profile, "needs": ["medical_care"]},
    )
    assert placed.json()["places"], placed.text
    held = api.post(
        f"/api/v1/services/{place.id}/reservations",
        json={"placement_request": placed.json()["id"]},
    )
    assert held.status_code == 201, held.text
    waiting = api.post(
        "/api/v1/placement/requests",
        json={**REQUESTED_AT, **profile, "needs": ["mother_and_baby", "high_security"]},
    )
    assert waiting.json()["status"] == "escalated", waiting.text
    secrets: dict[str, Secret] = {**IDENTITY, **CASE_TEXT, "note": NOTE, "task": TASK}
    secrets |= {"document": DOCUMENT, "document name": "zaynabou-birth-certificate"}
    secrets |= {"screening location": SCREENING_LOCATION}
    secrets |= {"screening answers": json.dumps(answers, sort_keys=True)}
    secrets |= {"requested latitude": REQUESTED_AT["latitude"]}
    secrets |= {"requested longitude": REQUESTED_AT["longitude"]}
    secrets |= {"requested needs": "mother_and_baby"}  # no place in the deployment has it
    with world.deployment.database.transaction() as session:
        child_id = session.scalars(select(Child.id).where(Child.reference == reference)).one()
        encoding = session.scalars(
            select(ChildEncoding.encoding).where(ChildEncoding.child_id == child_id)
        ).one()
        tokens = session.scalars(select(NameToken.token).where(NameToken.child_id == child_id))
        secrets |= {"linkage encoding": encoding}
        secrets |= {f"name token {i}": token for i, token in enumerate(tokens)}
    return reference, secrets


def test_a_database_copy_and_the_keyring_give_back_nothing_of_an_erased_child(
    world: World, tmp_path: Path
) -> None:
    reference, secrets = _record_everything(world)
    keyring = world.deployment.keyring
    with database_copy(world.deployment, tmp_path) as before:
        assert recovered(before, keyring, secrets) == set(secrets)  # the attack does read it all
    erased = world.api("data_protection_officer").post(f"/api/v1/children/{reference}/erasure")
    assert erased.status_code == 204, erased.text
    with database_copy(world.deployment, tmp_path) as after:
        assert recovered(after, keyring, secrets) == set()
    assert world.api("case_worker").get(f"/api/v1/cases/{reference}").status_code == 404
    with world.deployment.database.transaction() as session:
        screening = session.scalars(
            select(Screening.reference)
            .join(Child, Child.id == Screening.child_id)
            .where(Child.reference == reference)
        ).one()
    assert world.api("screener").get(f"/api/v1/screenings/{screening}").status_code == 404


def test_a_copy_of_the_sqlite_files_taken_right_after_erasure_holds_nothing_erased(
    world: World,
) -> None:
    """Read as raw bytes, free pages and the write-ahead log included: neither the erased rows
    nor the destroyed data keys linger in pages SQLite has not overwritten yet."""
    if not world.deployment.database.is_sqlite:
        pytest.skip("the raw files are SQLite's; a PostgreSQL copy is read in the test above")
    reference, secrets = _record_everything(world)
    erased = world.api("data_protection_officer").post(f"/api/v1/children/{reference}/erasure")
    assert erased.status_code == 204
    path = Path(str(make_url(world.deployment.settings.sqlalchemy_url).database))
    raw = b"".join(file.read_bytes() for file in path.parent.glob(path.name + "*"))
    assert reference.encode() in raw  # the files are read while the deployment runs
    assert {name for name, secret in secrets.items() if _raw(secret) in raw} == set()


def _raw(secret: Secret) -> bytes:
    """How SQLite stores the value: UTF-8 text, bytes, or a big-endian IEEE 754 double."""
    if isinstance(secret, float):
        return struct.pack(">d", secret)
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def test_replaying_an_erasure_on_a_restored_copy_removes_the_same(
    world: World, tmp_path: Path
) -> None:
    """A backup taken before an erasure and restored later: `scrub_child` (no principal, run
    again as often as wanted) removes from it what the erasure removed from the live database."""
    reference, secrets = _record_everything(world)
    keyring = world.deployment.keyring
    with database_copy(world.deployment, tmp_path) as backup:
        erased = world.api("data_protection_officer").post(f"/api/v1/children/{reference}/erasure")
        assert erased.status_code == 204
        for _ in range(2):
            with Session(backup) as session, session.begin():
                child = session.scalars(select(Child).where(Child.reference == reference)).one()
                scrub_child(session, keyring, child)
        assert recovered(backup, keyring, secrets) == set()


def test_erasure_takes_the_childs_match_decisions_and_notices(world: World) -> None:
    """A confirmed match across organisations left a decision and a notice on each side: the
    erased child's go, the other child's notice stays for the coordinator."""
    register_population(world, size=60)
    neighbour = world.api(add_neighbour(world))
    theirs = open_linkage_case(neighbour, "Abdoulaye", "Diallo", "Ibrahima")
    share_with_home(world, neighbour, theirs)
    api = world.api("case_worker")
    ours = open_linkage_case(api, "Abdulai", "Jallow", "Ibrahima")
    matches = api.get(f"/api/v1/cases/{ours}/possible-matches").json()["matches"]
    match = next(m for m in matches if m["organisation"] == NEIGHBOUR)
    decided = api.post(
        f"/api/v1/cases/{ours}/possible-matches/{match['id']}/decision", json={"same_child": True}
    )
    assert decided.json()["notices"] == 2
    erased = world.api("data_protection_officer").post(f"/api/v1/children/{ours}/erasure")
    assert erased.status_code == 204
    notices = world.api("coordinator").get("/api/v1/linkage/notices").json()
    assert [n["case_reference"] for n in notices] == [theirs]
    with world.deployment.database.transaction() as session:
        child_id = session.scalars(select(Child.id).where(Child.reference == ours)).one()
        about_the_child = [
            session.scalars(select(MatchNotice.id).where(MatchNotice.child_id == child_id)).all(),
            session.scalars(
                select(LinkageDecision.id).where(
                    or_(
                        LinkageDecision.child_id == child_id,
                        LinkageDecision.other_child_id == child_id,
                    )
                )
            ).all(),
        ]
    assert about_the_child == [[], []]
