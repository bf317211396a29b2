"""The SOP stage machine: required fields, BIA/BID for unaccompanied children, supervisor
approvals, closure and reopening. A refused move saves nothing."""

from __future__ import annotations

from tests.cases.helpers import create_case, fill_case, move_stage
from tests.conftest import World


def test_missing_fields_refused_with_their_names_and_nothing_saved(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client)["reference"]
    refused = move_stage(client, reference, "registration")
    assert refused.status_code == 422
    assert "risk_level" in refused.json()["detail"]
    case = client.get(f"/api/v1/cases/{reference}")
    assert case.json()["stage"] == "identification"
    assert case.headers["ETag"] == '"1"'
    assert move_stage(client, reference, "assessment").status_code == 422  # no skipping


def test_full_path_with_bia_approvals_closure_and_reopening(world: World) -> None:
    worker, supervisor = world.api("case_worker"), world.api("supervisor")
    reference = create_case(worker)["reference"]
    fill_case(worker, reference, risk_level="high")
    assert move_stage(worker, reference, "registration").status_code == 200
    fill_case(worker, reference, family_tracing_status="in_progress")
    assert move_stage(worker, reference, "assessment").status_code == 200
    fill_case(worker, reference, assessment_summary="Initial and comprehensive assessment done")
    refused = move_stage(worker, reference, "care_plan")
    assert refused.status_code == 422
    assert "best_interests_assessment" in refused.json()["detail"]  # unaccompanied child
    fill_case(worker, reference, best_interests_assessment="BIA by trained staff")
    assert move_stage(worker, reference, "care_plan").status_code == 200
    fill_case(worker, reference, care_plan="Shelter, guardian, schooling")
    assert "care_plan_approved_at" in move_stage(worker, reference, "services").json()["detail"]
    path = f"/api/v1/cases/{reference}/approvals"
    assert worker.post(path, json={"stage": "care_plan"}).status_code == 403
    assert supervisor.post(path, json={"stage": "care_plan"}).status_code == 200
    assert move_stage(worker, reference, "services").status_code == 200
    fill_case(worker, reference, services_summary="Referred to shelter and legal aid")
    assert move_stage(worker, reference, "follow_up").json()["status"] == "FollowUp"
    fill_case(worker, reference, follow_up_summary="Visited weekly")
    assert move_stage(worker, reference, "durable_solution").status_code == 200
    fill_case(
        worker, reference, durable_solution="family_reunification", closure_reason="transferred"
    )
    missing = move_stage(worker, reference, "closure").json()["detail"]
    assert "best_interests_determination" in missing and "closure_approved_at" in missing
    fill_case(worker, reference, best_interests_determination="BID panel: reunification")
    assert supervisor.post(path, json={"stage": "closure"}).status_code == 200
    closed = move_stage(worker, reference, "closure")
    assert closed.status_code == 200
    assert closed.json()["status"] == "ClosedReferred"
    reopened = move_stage(worker, reference, "assessment")
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "Active"
    assert reopened.json()["closure_reason"] is None


def test_editing_an_approved_care_plan_withdraws_the_approval(world: World) -> None:
    worker, supervisor = world.api("case_worker"), world.api("supervisor")
    reference = create_case(worker, unaccompanied=False)["reference"]
    for field, value, stage in [
        ("risk_level", "low", "registration"),
        ("family_tracing_status", "not_needed", "assessment"),
        ("assessment_summary", "Done", "care_plan"),
    ]:
        fill_case(worker, reference, **{field: value})
        assert move_stage(worker, reference, stage).status_code == 200
    fill_case(worker, reference, care_plan="Plan A")
    supervisor.post(f"/api/v1/cases/{reference}/approvals", json={"stage": "care_plan"})
    fill_case(worker, reference, care_plan="Plan B")
    assert move_stage(worker, reference, "services").status_code == 422


def test_stale_if_match_on_a_stage_move_is_412(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client, risk_level="low")["reference"]
    fill_case(client, reference, family_tracing_status="not_started")
    moved = client.post(
        f"/api/v1/cases/{reference}/stage", json={"to": "registration"}, headers={"If-Match": '"1"'}
    )
    assert moved.status_code == 412
