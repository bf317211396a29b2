"""The case contract partners script: create with an idempotency key, ETag/If-Match edits."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from routecare.cases.models import Case
from tests.cases.helpers import CHILD, create_case, patch
from tests.conftest import World


def _case_count(world: World) -> int:
    with world.deployment.database.transaction() as session:
        return session.execute(select(func.count()).select_from(Case)).scalar_one()


def test_create_read_and_etag(world: World) -> None:
    client = world.api("case_worker")
    response = client.post("/api/v1/cases", json=CHILD, headers={"Idempotency-Key": "k1"})
    assert response.status_code == 201
    case = response.json()
    assert response.headers["ETag"] == '"1"'
    assert case["reference"].startswith("NER-")
    assert case["stage"] == "identification"
    assert case["status"] == "Active"
    assert case["child"]["given_name"] == "Abdoulaye"
    assert case["next_step"] == {"stage": "registration", "missing": ["risk_level"]}
    read = client.get(f"/api/v1/cases/{case['reference']}")
    assert read.status_code == 200
    assert read.headers["ETag"] == '"1"'
    assert [t["kind"] for t in read.json()["tasks"]] == ["appoint_guardian"]


def test_same_idempotency_key_creates_one_case(world: World) -> None:
    client = world.api("case_worker")
    first = create_case(client, key="retry-1")
    second = create_case(client, key="retry-1")
    assert first["reference"] == second["reference"]
    assert _case_count(world) == 1


def test_concurrent_creates_with_one_key_create_one_case(world: World) -> None:
    clients = [world.api("case_worker") for _ in range(6)]

    def send(index: int) -> str:
        response = clients[index].post(
            "/api/v1/cases", json=CHILD, headers={"Idempotency-Key": "sync-42"}
        )
        assert response.status_code in (200, 201), response.text
        return str(response.json()["reference"])

    with ThreadPoolExecutor(max_workers=6) as pool:
        references = set(pool.map(send, range(6)))
    assert len(references) == 1
    assert _case_count(world) == 1


def test_patch_needs_if_match(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client)["reference"]
    response = client.patch(f"/api/v1/cases/{reference}", json={"risk_level": "high"})
    assert response.status_code == 428


def test_conflicting_patches_one_412_nothing_lost(world: World) -> None:
    first, second = world.api("case_worker"), world.api("supervisor")
    reference = create_case(first)["reference"]
    etag = first.get(f"/api/v1/cases/{reference}").headers["ETag"]
    ok = patch(first, reference, etag, risk_level="high")
    assert ok.status_code == 200
    assert ok.headers["ETag"] == '"2"'
    stale = patch(second, reference, etag, risk_level="low", family_tracing_status="in_progress")
    assert stale.status_code == 412
    case = second.get(f"/api/v1/cases/{reference}").json()
    assert case["risk_level"] == "high"
    assert case["family_tracing_status"] is None
    merged = patch(second, reference, '"2"', family_tracing_status="in_progress")
    assert merged.status_code == 200
    assert merged.json()["risk_level"] == "high"


def test_victim_status_and_exploitation_forms(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client)["reference"]
    refused = patch(client, reference, '"1"', victim_status="ActualVictimOfTrafficking")
    assert refused.status_code == 422
    updated = patch(
        client,
        reference,
        '"1"',
        victim_status="ActualVictimOfTrafficking",
        victim_decision_org="CourtOrProsecution",
        exploitation_forms=["ForcedLabour", "ForcedBegging"],
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["exploitation_forms"] == ["ForcedBegging", "ForcedLabour"]
    assert patch(client, reference, '"2"', exploitation_forms=["Smuggling"]).status_code == 422


def test_guardian_recorded_closes_the_guardian_task(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client)["reference"]
    patch(client, reference, '"1"', guardian_name="Maria Rossi")
    tasks = client.get(f"/api/v1/cases/{reference}").json()["tasks"]
    assert tasks[0]["done_at"] is not None


def test_open_case_for_a_screened_child(world: World) -> None:
    client = world.api("case_worker")
    child = client.post("/api/v1/children", json={"given_name": "Awa", "unaccompanied": False})
    reference = child.json()["reference"]
    opened = client.post(f"/api/v1/children/{reference}/case", json={"risk_level": "medium"})
    assert opened.status_code == 201
    assert opened.json()["reference"] == reference
    again = client.post(f"/api/v1/children/{reference}/case", json={})
    assert again.status_code == 422


def test_openapi_documents_the_contract(world: World) -> None:
    schema = world.api("case_worker").get("/openapi.json").json()
    patch_doc = schema["paths"]["/api/v1/cases/{reference}"]["patch"]
    assert {"404", "412", "428"} <= set(patch_doc["responses"])
    create_doc = schema["paths"]["/api/v1/cases"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in create_doc["parameters"])


def test_simultaneous_patches_with_one_etag_one_wins_one_412(world: World) -> None:
    clients = [world.api("case_worker"), world.api("supervisor")]
    reference = create_case(clients[0])["reference"]
    edits = [{"risk_level": "high"}, {"risk_level": "low", "family_tracing_status": "in_progress"}]

    def send(index: int) -> int:
        return patch(clients[index], reference, '"1"', **edits[index]).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(send, range(2)))
    assert statuses == [200, 412]
    case = clients[0].get(f"/api/v1/cases/{reference}")
    assert case.headers["ETag"] == '"2"'
    body = case.json()
    winner = edits[0] if body["risk_level"] == "high" else edits[1]
    assert all(body[field] == value for field, value in winner.items())
