"""Appending to the audit trail, always inside the caller's transaction.

Callers pass the session of the action they audit, so the entry and the change commit or roll
back together: a crash mid-write can never leave a change without its entry.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.audit.chain import GENESIS_MAC, entry_mac
from routecare.audit.models import AuditEntry, AuditHead
from routecare.clock import utcnow

HEAD_ROW_ID = 1


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
) -> AuditEntry:
    """Append one entry. `detail` must hold ids and codes only: it is stored in clear."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == HEAD_ROW_ID).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=HEAD_ROW_ID, last_entry_id=0, last_mac=GENESIS_MAC)
        session.add(head)
    fields: dict[str, Any] = {
        "entry_id": head.last_entry_id + 1,
        "at": utcnow(),
        "actor_user_id": actor_user_id,
        "actor_organisation_id": actor_organisation_id,
        "action": action,
        "subject_type": subject_type,
        "subject_id": None if subject_id is None else str(subject_id),
        "outcome": outcome,
        "detail": json.dumps(detail or {}, sort_keys=True, separators=(",", ":")),
        "previous_mac": head.last_mac,
    }
    mac = entry_mac(audit_key, **fields)
    entry = AuditEntry(id=fields.pop("entry_id"), mac=mac, **fields)
    session.add(entry)
    head.last_entry_id = entry.id
    head.last_mac = mac
    session.flush()
    return entry
