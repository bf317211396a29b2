"""Appending to the audit trail, always inside the caller's transaction.

Callers pass the session of the action they audit, so the entry and the change commit or roll
back together: a crash mid-write can never leave a change without its entry.

Appending locks the chain's head row until commit, which serialises every request that writes
an entry. So `record` only queues the entry on the session, and the queue joins the chain just
before the commit, after the action's own writes are flushed: the lock is then held for one
read of the head, the inserts and the commit, never while the action computes or renders.

Once the transaction has committed, the entries' MACs go to the witness file (`witness.py`);
the file is opened before the commit, so a witness that cannot be written stops the commit.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from routecare.audit.chain import GENESIS_MAC, entry_mac
from routecare.audit.models import AuditEntry, AuditHead, AuditSubject
from routecare.audit.witness import WITNESS, AuditWitness
from routecare.clock import utcnow

HEAD_ROW_ID = 1
PENDING = "routecare.audit.pending"  # key in Session.info
COMMITTING = "routecare.audit.committing"  # key in Session.info


@dataclass(frozen=True)
class _Pending:
    audit_key: bytes
    fields: dict[str, Any]
    children: tuple[int, ...]


@dataclass
class _Committing:
    """Entries joined to the chain, waiting for their transaction to commit to be witnessed."""

    witness: AuditWitness
    descriptor: int
    entries: list[tuple[int, bytes]] = field(default_factory=list)


def record(
    session: Session,
    audit_key: bytes,
    *,
    action: str,
    outcome: str = "ok",
    actor_user_id: int | None = None,
    actor_organisation_id: int | None = None,
    subject_type: str | None = None,
    subject_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
    children: Iterable[int] = (),
) -> None:
    """Append one entry when the transaction commits (nothing if it rolls back).
    `detail` must hold ids and codes only: it is stored in clear.

    `children`: the ids of every child the action touched or showed (a case's child, the rows
    of a list or search page), so `GET /api/v1/audit?child=` finds the entry; a `child`
    subject is included without being named here."""
    if PENDING not in session.info:
        session.info[PENDING] = []
        event.listen(session, "before_commit", _append_pending)
        event.listen(session, "after_commit", _witness_committed)
        event.listen(session, "after_rollback", _forget_pending)
    fields: dict[str, Any] = {
        "actor_user_id": actor_user_id,
        "actor_organisation_id": actor_organisation_id,
        "action": action,
        "subject_type": subject_type,
        "subject_id": None if subject_id is None else str(subject_id),
        "outcome": outcome,
        "detail": json.dumps(detail or {}, sort_keys=True, separators=(",", ":")),
    }
    touched = set(children)
    if subject_type == "child" and subject_id is not None:
        touched.add(int(subject_id))
    session.info[PENDING].append(_Pending(audit_key, fields, tuple(sorted(touched))))


def _append_pending(session: Session) -> None:
    queued: list[_Pending] = session.info.get(PENDING, [])
    if not queued:
        return
    witness: AuditWitness | None = session.info.get(WITNESS)
    if witness is None:
        raise RuntimeError("audit entries need a witness: open the database with Deployment.open")
    session.flush()  # the action's own writes first, outside the chain lock
    committing = _Committing(witness, witness.open())
    session.info[COMMITTING] = committing
    head = session.execute(
        select(AuditHead).where(AuditHead.id == HEAD_ROW_ID).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=HEAD_ROW_ID, last_entry_id=0, last_mac=GENESIS_MAC)
        session.add(head)
    for pending in queued:
        fields = {
            **pending.fields,
            "entry_id": head.last_entry_id + 1,
            "at": utcnow(),
            "previous_mac": head.last_mac,
        }
        mac = entry_mac(pending.audit_key, children=pending.children, **fields)
        entry_id = fields.pop("entry_id")
        session.add(AuditEntry(id=entry_id, mac=mac, **fields))
        session.add_all(AuditSubject(child_id=c, entry_id=entry_id) for c in pending.children)
        head.last_entry_id += 1
        head.last_mac = mac
        committing.entries.append((head.last_entry_id, mac))
    queued.clear()


def _witness_committed(session: Session) -> None:
    committing: _Committing | None = session.info.pop(COMMITTING, None)
    if committing is None:
        return
    try:
        committing.witness.append(committing.descriptor, committing.entries)
    finally:
        os.close(committing.descriptor)


def _forget_pending(session: Session) -> None:
    session.info.get(PENDING, []).clear()
    committing: _Committing | None = session.info.pop(COMMITTING, None)
    if committing is not None:
        os.close(committing.descriptor)  # nothing committed, nothing witnessed
