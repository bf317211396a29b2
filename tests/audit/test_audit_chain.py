"""Tampering with the audit table directly is detected by `routecare audit verify`."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import delete, select, text, update

from routecare.audit.models import AuditEntry
from routecare.children.actions import register_child
from routecare.children.queries import read_child
from routecare.children.schemas import ChildIn
from tests.audit.faults import refuse_audit_entries
from tests.cli_runner import run_cli
from tests.conftest import World


def _activity(world: World) -> None:
    principal = world.principal("case_worker")
    for name in ("Awa", "Issa", "Yonas"):
        child = register_child(world.deployment, principal, ChildIn(given_name=name))
        read_child(world.deployment, principal, child.reference)


def test_an_untouched_chain_verifies(world: World) -> None:
    _activity(world)
    result = run_cli(world.deployment, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_reads_writes_and_logins_are_recorded_with_ids_only(world: World) -> None:
    _activity(world)
    world.browser("supervisor")
    with world.deployment.database.transaction() as session:
        actions = session.execute(select(AuditEntry.action)).scalars().all()
        details = " ".join(session.execute(select(AuditEntry.detail)).scalars())
    assert actions.count("child.register") == 3 and actions.count("child.read") == 3
    assert "login" in actions
    assert "Awa" not in details and "Yonas" not in details


def test_an_edited_entry_is_reported(world: World) -> None:
    _activity(world)
    with world.deployment.database.transaction() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == 12).values(actor_user_id=999))
    result = run_cli(world.deployment, "audit", "verify")
    assert result.exit_code == 1
    assert "edited: entry 12 was altered" in result.output


def test_a_deleted_entry_is_reported(world: World) -> None:
    _activity(world)
    with world.deployment.database.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id == 11))
    result = run_cli(world.deployment, "audit", "verify")
    assert result.exit_code == 1
    assert "deleted: entries 11 are missing before entry 12" in result.output


def test_reordered_entries_are_reported(world: World) -> None:
    _activity(world)
    with world.deployment.database.transaction() as session:
        # Swap two entries' positions in the chain by exchanging their ids.
        session.execute(update(AuditEntry).where(AuditEntry.id == 11).values(id=-1))
        session.execute(update(AuditEntry).where(AuditEntry.id == 12).values(id=11))
        session.execute(update(AuditEntry).where(AuditEntry.id == -1).values(id=12))
    result = run_cli(world.deployment, "audit", "verify")
    assert result.exit_code == 1
    assert "reordered: entry 11 does not follow entry 10" in result.output


def test_a_cut_tail_is_reported(world: World) -> None:
    _activity(world)
    with world.deployment.database.transaction() as session:
        last = session.execute(select(AuditEntry.id).order_by(AuditEntry.id.desc())).scalar()
        session.execute(delete(AuditEntry).where(AuditEntry.id == last))
    result = run_cli(world.deployment, "audit", "verify")
    assert result.exit_code == 1
    assert "truncated" in result.output


def test_a_failing_audit_write_leaves_no_record_behind(world: World) -> None:
    """Fault injection in the database itself: the audit insert fails mid-transaction."""
    client = world.api("case_worker")
    client = TestClient(
        world.app,
        base_url="https://testserver",
        raise_server_exceptions=False,
        headers=dict(client.headers),
    )
    database = world.deployment.database
    refuse_audit_entries(database)
    response = client.post("/api/v1/children", json={"given_name": "Halfsaved"})
    assert response.status_code == 500
    assert "Halfsaved" not in response.text
    with database.transaction() as session:
        assert session.execute(text("SELECT count(*) FROM children")).scalar_one() == 0
