"""Erasure that follows a child's encodings to the partners that exchanged match notices with
us. A partner holds no encoding of ours (they are matched on arrival, not kept), but its
notices name the child by its record id for that partner: an erased child, or a withdrawn
consent for `match_notice`, sends each such partner a signed erasure request naming that id,
and the partner deletes the notices that name it. The request goes through the same outbox
and files as every erasure request (`routecare.exchange.erasure`)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from routecare.cases.models import Case
from routecare.deployment import Deployment
from routecare.exchange.linkage_secrets import encoder_for, has_linkage_secret
from routecare.exchange.models import ExchangePackage, ExchangePartner
from routecare.exchange.vocabulary import Purpose
from routecare.linkage.models import ChildEncoding, MatchNotice
from routecare.linkage.partners import exported_id

MAX_RECORDS = 1000


def noticed_records(
    session: Session, deployment: Deployment, case_id: int
) -> list[tuple[ExchangePartner, str]]:
    """Each partner we exchanged match notices with (either way), and the case's child's
    record id for it: what a partner's notices would name the child by."""
    linkage_id = session.scalar(
        select(ChildEncoding.linkage_id)
        .join(Case, Case.child_id == ChildEncoding.child_id)
        .where(Case.id == case_id)
    )
    if linkage_id is None:
        return []
    exchanged = select(ExchangePackage.partner_id).where(
        ExchangePackage.purpose == Purpose.MATCH_NOTICE.value
    )
    partners = session.scalars(
        select(ExchangePartner)
        .where(ExchangePartner.id.in_(exchanged))
        .order_by(ExchangePartner.id)
    )
    return [
        (partner, exported_id(encoder_for(session, deployment, partner), linkage_id))
        for partner in partners
        if has_linkage_secret(session, partner)
    ]


def erase_noticed(session: Session, partners: list[ExchangePartner], records: object) -> list[str]:
    """Delete our notices that name one of `records` of the partner (any registration of the
    request's signer); the record ids the request named. ValueError if it named no list."""
    if not isinstance(records, list) or len(records) > MAX_RECORDS:
        raise ValueError("the request names no list of record ids")
    named = sorted({str(record)[:100] for record in records})
    if named:
        session.execute(
            delete(MatchNotice).where(
                MatchNotice.partner.in_([partner.name for partner in partners]),
                MatchNotice.partner_record_id.in_(named),
            )
        )
    return named
