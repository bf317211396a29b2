"""Appending to the audit trail, always inside the caller's transaction.

Callers pass the session of the action they audit, so the entry and the change commit or roll
back together: a crash mid-write can never leave a change without its entry.

Appending locks the chain's head row until commit, which serialises every request that writes
an entry. So `record` only queues the entry on the session, and the queue joins the chain just
before the commit, after the action's own writes are flushed: the lock is then held for one
read of the head, the inserts and the commit, never while the action computes or renders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from routecare.audit.chain import GENESIS_MAC, entry_mac
from routecare.audit.models import AuditEntry, AuditHead
from routecare.clock import utcnow

HEAD_ROW_ID = 1
PENDING = "routecare.audit.pending"  # key in Session.info


@dataclass(frozen=True)
class _Pending:
    audit_key: bytes
    fields: dict[str, Any]


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
) -> None:
    """Append one entry when the transaction commits (nothing if it rolls back).
    `detail` must hold ids and codes only: it is stored in clear."""
    if PENDING not in session.info:
        session.info[PENDING] = []
        event.listen(session, "before_commit", _append_pending)
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
    session.info[PENDING].append(_Pending(audit_key, fields))


def _append_pending(session: Session) -> None:
    queued: list[_Pending] = session.info.get(PENDING, [])
    if not queued:
        return
    session.flush()  # the action's own writes first, outside the chain lock
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
        mac = entry_mac(pending.audit_key, **fields)
        session.add(AuditEntry(id=fields.pop("entry_id"), mac=mac, **fields))
        head.last_entry_id += 1
        head.last_mac = mac
    queued.clear()


def _forget_pending(session: Session) -> None:
    session.info.get(PENDING, []).clear()
