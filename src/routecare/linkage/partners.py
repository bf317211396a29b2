"""Exchanging encodings with partner deployments (as files until the exchange issue carries
them over the network): exporting ours, and turning a partner's into match notices.

Both re-encode this deployment's children from their records under the secret agreed with the
partner. An export's record ids are each child's id for that partner (`exported_id`): no name,
date or reference leaves, and two partners cannot join the files they received on an id.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from routecare import audit
from routecare.deployment import Deployment
from routecare.linkage.encoded import EncodedSet, write_encoded
from routecare.linkage.encoding import Encoder
from routecare.linkage.matching import THRESHOLDS, link
from routecare.linkage.models import MatchNotice
from routecare.linkage.notices import add_notice
from routecare.linkage.records import LinkageInputError
from routecare.linkage.sealing import partner_seal
from routecare.linkage.session import check_compatible
from routecare.linkage.store import registrations

MAX_PARTNER_RECORD_ID = MatchNotice.partner_record_id.type.length
MAX_PARTNER_NAME = MatchNotice.partner.type.length


def exported_id(encoder: Encoder, linkage_id: str) -> str:
    """A child's record id in files for the partner who shares the encoder's secret: a keyed
    hash of its `linkage_id`, the same in every export to that partner (its notices keep
    pointing at the child), unrelated between partners."""
    key = encoder.keys.key("export-id")
    return hmac.new(key, linkage_id.encode(), hashlib.sha256).hexdigest()[:24]


def export_encodings(
    deployment: Deployment, encoder: Encoder, output: Path, *, country: str | None = None
) -> int:
    """Write every registered child's encoding under the partners' secret to `output` (the
    format of `routecare linkage encode`, sealed for that partner, record ids from
    `exported_id`); returns how many. Audited. `country`: see `store.registrations`."""
    with deployment.database.transaction() as session:
        records = [
            replace(record, record_id=exported_id(encoder, record.record_id))
            for _, record in registrations(session, deployment.keyring, country)
        ]
        write_encoded(output, encoder.encode_set(records), partner_seal(encoder.keys.secret))
        _audit(session, deployment, "linkage.export", {"records": len(records)})
    return len(records)


def notices_from_partner(
    deployment: Deployment,
    encoder: Encoder,
    partner_set: EncodedSet,
    partner: str,
    source: str,
    *,
    country: str | None = None,
) -> tuple[int, int]:
    """Match our children against a partner's encodings (one-to-one, at `possible` or above)
    and create a match notice for each link not noticed before. Returns (links, new notices).
    Refuses a partner file made with another secret or with unusable record ids, saving
    nothing. `country`: see `store.registrations`."""
    partner = partner.strip()
    if not partner or len(partner) > MAX_PARTNER_NAME:
        raise LinkageInputError(f"the partner name must be 1 to {MAX_PARTNER_NAME} characters")
    too_long = [i for i in partner_set.ids if not i or len(i) > MAX_PARTNER_RECORD_ID]
    if too_long:
        raise LinkageInputError(
            f"{source}: record ids must be 1 to {MAX_PARTNER_RECORD_ID} characters "
            f"({len(too_long)} are not)"
        )
    with deployment.database.transaction() as session:
        children = dict(
            (record.record_id, (child, record))
            for child, record in registrations(session, deployment.keyring, country)
        )
        ours = encoder.encode_set([record for _, record in children.values()])
        check_compatible(ours, partner_set, "this deployment's encodings", source)
        links = link(ours, partner_set, THRESHOLDS["possible"]) if len(ours) else []
        created = 0
        for found in links:
            child, _ = children[found.left_id]
            if add_notice(session, child, partner, found.right_id, found.score, found.band):
                created += 1
        _audit(
            session,
            deployment,
            "linkage.notices.import",
            {"partner": partner, "links": len(links), "created": created},
        )
    return len(links), created


def _audit(
    session: Session, deployment: Deployment, action: str, detail: dict[str, object]
) -> None:
    """Batch commands run as the deployment's operator, not as a user."""
    audit.record(session, deployment.keyring.audit_key, action=action, detail=detail)
