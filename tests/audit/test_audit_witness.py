"""Attacks on the audit trail through the database alone: the witness file exposes each one.

The attacker holds the database (SQL on the live tables) but neither the audit key nor the
application server's filesystem: whatever they delete, edit or reorder, even with `audit_head`
rewritten to match, `routecare audit verify` exits 1.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, func, select, update

from routecare import audit
from routecare.audit.models import AuditEntry, AuditHead
from routecare.children.actions import register_child
from routecare.children.queries import read_child
from routecare.children.schemas import ChildIn
from tests.audit.faults import refuse_audit_entries
from tests.cli_runner import run_cli
from tests.conftest import World


def _activity(world: World) -> int:
    """Some committed entries; returns the last seq."""
    principal = world.principal("case_worker")
    for name in ("Awa", "Issa", "Yonas"):
        child = register_child(world.deployment, principal, ChildIn(given_name=name))
        read_child(world.deployment, principal, child.reference)
    with world.deployment.database.transaction() as session:
        return session.execute(select(func.max(AuditEntry.id))).scalar_one()


def _verify(world: World, *args: str) -> tuple[int, str]:
    result = run_cli(world.deployment, "audit", "verify", *args)
    return result.exit_code, result.output


def _witness_lines(world: World) -> list[str]:
    return world.deployment.settings.audit_witness_path.read_text().splitlines()


def test_every_committed_entry_is_witnessed_and_verifies(world: World) -> None:
    last = _activity(world)
    assert [int(line.split()[0]) for line in _witness_lines(world)] == list(range(1, last + 1))
    exit_code, output = _verify(world)
    assert exit_code == 0, output
    assert f"intact: {last} entries" in output


def test_a_cut_tail_with_a_rewritten_head_is_detected(world: World) -> None:
    """The attack the chain alone let through: drop the last entries, point the head at the
    entry before them (its MAC is in the table, no key needed)."""
    last = _activity(world)
    kept = last - 3
    with world.deployment.database.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id > kept))
        kept_mac = session.execute(select(AuditEntry.mac).where(AuditEntry.id == kept)).scalar()
        session.execute(update(AuditHead).values(last_entry_id=kept, last_mac=kept_mac))
    exit_code, output = _verify(world)
    assert exit_code == 1
    assert f"truncated: witnessed entries {kept + 1}–{last} are missing after entry {kept}" in (
        output
    )


def test_deleting_every_entry_and_the_head_is_detected(world: World) -> None:
    last = _activity(world)
    with world.deployment.database.transaction() as session:
        session.execute(delete(AuditEntry))
        session.execute(delete(AuditHead))
    exit_code, output = _verify(world)
    assert exit_code == 1
    assert f"truncated: witnessed entries 1–{last} are missing after entry 0" in output


def test_a_deleted_middle_entry_is_detected_by_the_witness(world: World) -> None:
    _activity(world)
    with world.deployment.database.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id == 7))
    exit_code, output = _verify(world)
    assert exit_code == 1
    assert "deleted: witnessed entries 7 are missing" in output


def test_an_entry_replaced_by_another_is_detected(world: World) -> None:
    """Edit an entry and give it a MAC taken from elsewhere: it no longer matches the witness."""
    _activity(world)
    with world.deployment.database.transaction() as session:
        other = session.execute(select(AuditEntry).where(AuditEntry.id == 5)).scalar_one()
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.id == 9)
            .values(action=other.action, mac=other.mac, previous_mac=other.previous_mac)
        )
    exit_code, output = _verify(world)
    assert exit_code == 1
    assert "edited: entry 9 is not the entry witnessed at commit" in output


def test_reordered_entries_are_detected_by_the_witness(world: World) -> None:
    _activity(world)
    with world.deployment.database.transaction() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == 8).values(id=-1))
        session.execute(update(AuditEntry).where(AuditEntry.id == 9).values(id=8))
        session.execute(update(AuditEntry).where(AuditEntry.id == -1).values(id=9))
    exit_code, output = _verify(world)
    assert exit_code == 1
    assert "edited: entry 8 is not the entry witnessed at commit" in output
    assert "edited: entry 9 is not the entry witnessed at commit" in output


def test_a_rolled_back_transaction_writes_nothing_to_the_witness(world: World) -> None:
    _activity(world)
    before = _witness_lines(world)
    with (
        pytest.raises(RuntimeError, match="changed my mind"),
        world.deployment.database.transaction() as session,
    ):
        audit.record(session, world.deployment.keyring.audit_key, action="child.read")
        raise RuntimeError("changed my mind")
    assert _witness_lines(world) == before
    assert _verify(world)[0] == 0


def test_an_entry_whose_insert_fails_at_commit_is_not_witnessed(world: World) -> None:
    """Fault injection in the database: the entry joins the chain, then the commit fails."""
    _activity(world)
    before = _witness_lines(world)
    database = world.deployment.database
    refuse_audit_entries(database)
    principal = world.principal("case_worker")
    with pytest.raises(Exception, match="disk full"):
        register_child(world.deployment, principal, ChildIn(given_name="Halfsaved"))
    assert _witness_lines(world) == before


def test_an_unwitnessed_entry_is_reported_and_repaired_only_when_alone(world: World) -> None:
    """A crash between commit and witness write leaves the last entry unwitnessed: verify says
    so, and `--repair-witness` adds it because its chain MAC proves the application wrote it."""
    last = _activity(world)
    path = world.deployment.settings.audit_witness_path
    path.write_text("".join(line + "\n" for line in _witness_lines(world)[:-1]))
    exit_code, output = _verify(world)
    assert exit_code == 1
    assert f"unwitnessed: entries {last} are not in the witness" in output
    exit_code, output = _verify(world, "--repair-witness")
    assert exit_code == 0, output
    assert "witness repaired: 1 entries added" in output
    assert _verify(world)[0] == 0


def test_repair_refuses_when_entries_were_also_deleted(world: World) -> None:
    last = _activity(world)
    path = world.deployment.settings.audit_witness_path
    path.write_text("".join(line + "\n" for line in _witness_lines(world)[:-1]))
    with world.deployment.database.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id == 4))
    witness_before = path.read_text()
    exit_code, output = _verify(world, "--repair-witness")
    assert exit_code == 1
    assert "repaired" not in output
    assert "deleted: witnessed entries 4 are missing" in output
    assert f"unwitnessed: entries {last}" in output
    assert path.read_text() == witness_before


def test_a_witness_line_forged_without_the_audit_key_is_reported(world: World) -> None:
    last = _activity(world)
    path = world.deployment.settings.audit_witness_path
    with path.open("a") as witness:
        witness.write(f"{last + 1} {'ab' * 32} {'cd' * 32}\n")
    exit_code, output = _verify(world)
    assert exit_code == 1
    assert f"line {last + 1} of the witness is not authentic" in output


def test_parallel_commits_are_all_witnessed(world: World) -> None:
    """Several writers at once (threads here, processes in production) append whole lines."""
    principal = world.principal("case_worker")
    errors: list[BaseException] = []

    def register_some(worker: int) -> None:
        try:
            for number in range(4):
                register_child(
                    world.deployment, principal, ChildIn(given_name=f"Child {worker}-{number}")
                )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=register_some, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    seqs = sorted(int(line.split()[0]) for line in _witness_lines(world))
    assert seqs == list(range(1, len(seqs) + 1))
    exit_code, output = _verify(world)
    assert exit_code == 0, output
