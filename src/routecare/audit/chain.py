"""The MAC that links each audit entry to its predecessor."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import datetime

GENESIS_MAC = bytes(32)


def entry_mac(
    audit_key: bytes,
    *,
    entry_id: int,
    at: datetime,
    actor_user_id: int | None,
    actor_organisation_id: int | None,
    action: str,
    subject_type: str | None,
    subject_id: str | None,
    outcome: str,
    detail: str,
    previous_mac: bytes,
    children: Sequence[int] = (),
) -> bytes:
    """HMAC-SHA256 over the entry's canonical form and the previous entry's MAC.

    `children` (ascending ids) joins the canonical form only when there are some, so entries
    written before children were recorded keep their MACs."""
    fields: list[object] = [
        entry_id,
        at.isoformat(timespec="microseconds"),
        actor_user_id,
        actor_organisation_id,
        action,
        subject_type,
        subject_id,
        outcome,
        detail,
        previous_mac.hex(),
    ]
    if children:
        fields.append(list(children))
    canonical = json.dumps(
        fields,
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode("ascii")
    return hmac.new(audit_key, canonical, hashlib.sha256).digest()
