"""Re-walking the chain to find edited, deleted, reordered or truncated entries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.audit.chain import GENESIS_MAC, entry_mac
from routecare.audit.models import AuditEntry, AuditHead


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    kind: str  # "edited", "deleted", "reordered", "truncated"
    message: str


def verify_chain(session: Session, audit_key: bytes) -> tuple[int, list[ChainProblem]]:
    """Check every entry; returns (entries checked, problems found in chain order)."""
    problems: list[ChainProblem] = []
    expected_id = 1
    previous_mac = GENESIS_MAC
    count = 0
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        count += 1
        if entry.id != expected_id:
            missing = (
                f"{expected_id}" if entry.id == expected_id + 1 else f"{expected_id}–{entry.id - 1}"
            )
            problems.append(
                ChainProblem(
                    entry.id, "deleted", f"entries {missing} are missing before entry {entry.id}"
                )
            )
        elif entry.previous_mac != previous_mac:
            problems.append(
                ChainProblem(
                    entry.id, "reordered", f"entry {entry.id} does not follow entry {entry.id - 1}"
                )
            )
        recomputed = entry_mac(
            audit_key,
            entry_id=entry.id,
            at=entry.at,
            actor_user_id=entry.actor_user_id,
            actor_organisation_id=entry.actor_organisation_id,
            action=entry.action,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            outcome=entry.outcome,
            detail=entry.detail,
            previous_mac=entry.previous_mac,
        )
        if recomputed != entry.mac:
            problems.append(ChainProblem(entry.id, "edited", f"entry {entry.id} was altered"))
        previous_mac = entry.mac
        expected_id = entry.id + 1
    head = session.get(AuditHead, 1)
    if head is not None and (
        head.last_entry_id != expected_id - 1 or head.last_mac != previous_mac
    ):
        problems.append(
            ChainProblem(
                head.last_entry_id,
                "truncated",
                f"the chain should end at entry {head.last_entry_id} but ends at {expected_id - 1}",
            )
        )
    return count, problems
