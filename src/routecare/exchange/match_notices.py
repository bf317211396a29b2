"""Match notices over the exchange channel, the sending side: this deployment's linkage
encodings for one partner (what `routecare linkage export` writes for it: re-encoded under the
secret agreed with that partner, each record sealed under it, record ids each child's id for
that partner) travel as packages of purpose `match_notice`, signed and encrypted like every
package. Only children whose case has a cross-border consent for `match_notice` in force are
in it; no name, date, reference or case field is. The partner's signed receipt names the
matches it found (our per-partner record id, its own, the score), each of which becomes a
notice in our coordinators' queue."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.children.models import Child
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Forbidden
from routecare.exchange.consents import consenting_children
from routecare.exchange.jose import JoseRefusal, seal
from routecare.exchange.keys import signing_key
from routecare.exchange.linkage_secrets import encoder_for
from routecare.exchange.models import ExchangePackage, ExchangePartner
from routecare.exchange.outbox import queue
from routecare.exchange.package_schema import SCHEMA_VERSION
from routecare.exchange.partners import encryption_key_of, sendable_partner
from routecare.exchange.sending import PACKAGE_LIFETIME, Packed
from routecare.exchange.vocabulary import Purpose
from routecare.linkage.encoded import SCHEME
from routecare.linkage.encoding import Encoder
from routecare.linkage.models import ChildEncoding, MatchNotice
from routecare.linkage.notices import add_notice
from routecare.linkage.partners import exported_id
from routecare.linkage.sealing import partner_seal
from routecare.linkage.store import registrations

NOTICE_TYP = "routecare-match-notice"
RECORDS_PER_PACKAGE = 200  # about 2 kB sealed each: a package stays well under the size limit
CARRIED = "linkage_encodings"  # the `fields` of a notice package: encodings, never identities
RECORD_ID_LENGTH = MatchNotice.partner_record_id.type.length


class NoticePackage(BaseModel):
    """The payload of a match-notice package (inside the JWS inside the JWE)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["match_notices"]
    package_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    purpose: Literal["match_notice"]
    schema_version: Literal["1.0"]
    issued_at: datetime
    expires_at: datetime
    scheme: str = Field(max_length=40)
    key_check: str = Field(max_length=200)
    records: list[str] = Field(max_length=RECORDS_PER_PACKAGE)


class NoticeMatch(BaseModel):
    """One match as a receipt names it: our record id for that partner, its own, the score."""

    model_config = ConfigDict(extra="forbid")

    record: str = Field(min_length=1, max_length=RECORD_ID_LENGTH)
    partner_record: str = Field(min_length=1, max_length=RECORD_ID_LENGTH)
    score: float = Field(ge=0, le=1)
    band: Literal["probable", "possible"]


def send_notices(
    deployment: Deployment,
    partner_name: str,
    *,
    outbox: bool = False,
    lifetime: timedelta = PACKAGE_LIFETIME,
) -> list[Packed]:
    """Our consenting children's encodings for the partner, as one or more match-notice
    packages (compact JWE), recorded and audited as sent; with `outbox`, queued for its
    inbox in the same transaction. Refused (Forbidden) before anything is read or built for
    a partner unregistered, suspended, expired or not allowed `match_notice`; without a
    linkage secret agreed with it; when no child's consent lets its encoding leave."""
    now = utcnow()
    with deployment.database.transaction() as session:
        partner = sendable_partner(session, partner_name, Purpose.MATCH_NOTICE.value, now)
        if outbox and not partner.base_url:
            raise Forbidden(f"refused: partner {partner.name} has no URL; send a file instead")
        encoder = encoder_for(session, deployment, partner)
        consenting = consenting_children(session, Purpose.MATCH_NOTICE, now)
        records = [
            replace(record, record_id=exported_id(encoder, record.record_id))
            for child, record in registrations(session, deployment.keyring)
            if child.id in consenting
        ]
        if not records:
            raise Forbidden(
                "refused: no case has a cross-border consent for match_notice in force: "
                "no encoding may leave"
            )
        encoded = encoder.encode_set(records)
        sealing = partner_seal(encoder.keys.secret)
        signer, recipient = signing_key(session, deployment), encryption_key_of(partner)
        packed = []
        for start in range(0, len(encoded), RECORDS_PER_PACKAGE):
            body = NoticePackage(
                type="match_notices",
                package_id=uuid.uuid4().hex,
                purpose="match_notice",
                schema_version=SCHEMA_VERSION,
                issued_at=now,
                expires_at=now + lifetime,
                scheme=SCHEME,
                key_check=encoded.key_check,
                records=[
                    sealing.seal(record)
                    for record in encoded.records(
                        start, min(start + RECORDS_PER_PACKAGE, len(encoded))
                    )
                ],
            )
            token = seal(body.model_dump_json().encode(), signer, recipient, typ=NOTICE_TYP)
            session.add(package_row(partner, body, "sent", "sent", now))
            if outbox:
                queue(session, partner, body.package_id, token, now)
            packed.append(Packed(package_id=body.package_id, token=token, fields=[CARRIED]))
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="exchange.notices.send",
            detail={
                "packages": [p.package_id for p in packed],
                "partner": partner.name,
                "purpose": Purpose.MATCH_NOTICE.value,
                "agreement": partner.agreement,
                "records": len(records),
                "fields": [CARRIED],
            },
        )
        return packed


def record_matches(
    session: Session, deployment: Deployment, sent: ExchangePackage, matches: object
) -> int:
    """The matches a partner's receipt names for a notice package we sent: a notice for each
    of our children among them (naming the partner and its record id); returns how many are
    new. JoseRefusal for a list that is not one of matches."""
    try:
        found = [NoticeMatch.model_validate(match) for match in _listed(matches)]
    except ValidationError as error:
        raise JoseRefusal("the receipt's matches are malformed") from error
    partner = session.get(ExchangePartner, sent.partner_id)
    assert partner is not None
    ours = children_by_exported_id(session, encoder_for(session, deployment, partner))
    created = 0
    for match in found:
        child = ours.get(match.record)
        if child is not None and add_notice(
            session, child, partner.name, match.partner_record, match.score, match.band
        ):
            created += 1
    audit.record(
        session,
        deployment.keyring.audit_key,
        action="exchange.notices.matched",
        detail={"package": sent.package_id, "partner": partner.name, "created": created},
    )
    return created


def children_by_exported_id(session: Session, encoder: Encoder) -> dict[str, Child]:
    """Our registered children under their record id for the partner of `encoder`."""
    rows = session.execute(
        select(Child, ChildEncoding.linkage_id)
        .join(ChildEncoding, ChildEncoding.child_id == Child.id)
        .where(Child.erased_at.is_(None))
    )
    return {exported_id(encoder, linkage_id): child for child, linkage_id in rows}


def _listed(matches: object) -> list[object]:
    if not isinstance(matches, list) or len(matches) > RECORDS_PER_PACKAGE:
        raise JoseRefusal("the receipt of a match-notice package names no list of matches")
    return matches


def package_row(
    partner: ExchangePartner, body: NoticePackage, direction: str, status: str, now: datetime
) -> ExchangePackage:
    """A notice package's trace, sent or received: ids and dates, no encoding (they are not
    kept)."""
    return ExchangePackage(
        package_id=body.package_id,
        direction=direction,
        partner_id=partner.id,
        purpose=body.purpose,
        schema_version=body.schema_version,
        fields=CARRIED,
        issued_at=body.issued_at,
        expires_at=body.expires_at,
        recorded_at=now,
        status=status,
    )
