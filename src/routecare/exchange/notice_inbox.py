"""Match notices over the exchange channel, the receiving side: a partner's encodings are
opened (our key, its registered signing key, the purpose `match_notice` allowed, unexpired,
sealed under the secret agreed with it), matched one-to-one against our children whose case
has a cross-border consent for `match_notice` in force, at `possible` or above as `linkage
notices-from` does, and each link becomes a notice in our coordinators' queue. The encodings
are not kept. The answer is a signed receipt naming each match by the partner's record id, our
own record id for that partner and the score, never an identity. The package id is the key: a
second delivery creates nothing and answers the same matches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Forbidden
from routecare.exchange.consents import consenting_children
from routecare.exchange.jose import (
    JoseRefusal,
    header_typ,
    signer_kid,
    unseal,
    verified_payload,
)
from routecare.exchange.keys import decryption_keys
from routecare.exchange.linkage_secrets import encoder_for
from routecare.exchange.match_notices import (
    NOTICE_TYP,
    RECORD_ID_LENGTH,
    NoticePackage,
    children_by_exported_id,
    package_row,
)
from routecare.exchange.models import ExchangePackage, ExchangePartner
from routecare.exchange.partners import partner_keys, partners_of_kid, refusal
from routecare.exchange.receipts import sign_receipt
from routecare.exchange.receiving import PackageRefused, refusals_audited
from routecare.exchange.vocabulary import Purpose
from routecare.linkage.encoded import EncodedSet, from_encodings
from routecare.linkage.encoding import Encoder
from routecare.linkage.matching import THRESHOLDS, link
from routecare.linkage.models import MatchNotice
from routecare.linkage.notices import add_notice
from routecare.linkage.partners import exported_id
from routecare.linkage.records import LinkageInputError
from routecare.linkage.sealing import partner_seal
from routecare.linkage.session import check_compatible
from routecare.linkage.store import registrations

MATCHED = "matched"


@dataclass(frozen=True)
class NoticeReceipt:
    package_id: str
    status: str
    receipt: str  # compact JWS, the matches in its claims
    created: int  # notices new in our queue


def is_notice_package(token: str) -> bool:
    """Whether a JWE says (in its protected header) that it carries match notices."""
    return header_typ(token) == NOTICE_TYP


def receive_notices(
    deployment: Deployment, token: str, *, transport: str = "file"
) -> NoticeReceipt:
    """Open, match and answer one match-notice package (see the module docstring).
    PackageRefused, audited with its reason code and storing nothing else, for a package that
    does not open or verify, comes from a partner not registered, suspended, expired or not
    allowed `match_notice`, has expired, or was sealed under another secret."""
    with refusals_audited(deployment, "exchange.notices.receive", transport):
        return _receive(deployment, token, transport)


def _receive(deployment: Deployment, token: str, transport: str) -> NoticeReceipt:
    now = utcnow()
    with deployment.database.transaction() as session:
        partner, body = _verified(session, deployment, token, now)
        encoder = _encoder(session, deployment, partner)
        theirs = _opened(encoder, body)
        earlier = session.scalars(
            select(ExchangePackage).where(
                ExchangePackage.direction == "received",
                ExchangePackage.package_id == body.package_id,
            )
        ).first()
        if earlier is not None:
            matches, created = _noticed(session, encoder, partner, theirs), 0
            action = "exchange.notices.repeat"
        else:
            matches, created = _match(session, deployment, encoder, partner, theirs, now)
            session.add(package_row(partner, body, "received", MATCHED, now))
            action = "exchange.notices.receive"
        audit.record(
            session,
            deployment.keyring.audit_key,
            action=action,
            detail={
                "package": body.package_id,
                "partner": partner.name,
                "purpose": Purpose.MATCH_NOTICE.value,
                "agreement": partner.agreement,
                "records": len(theirs),
                "matches": len(matches),
                "created": created,
                "transport": transport,
            },
        )
        receipt = sign_receipt(session, deployment, body.package_id, MATCHED, matches=matches)
        return NoticeReceipt(body.package_id, MATCHED, receipt, created)


def _verified(
    session: Session, deployment: Deployment, token: str, now: datetime
) -> tuple[ExchangePartner, NoticePackage]:
    try:
        signed = unseal(token, decryption_keys(session, deployment))
        if header_typ(signed) != NOTICE_TYP:
            raise PackageRefused("malformed", "refused: not a match-notice package")
        registrations_of_sender = partners_of_kid(session, signer_kid(signed))
        if not registrations_of_sender:
            raise PackageRefused(
                "unknown_sender", "refused: the package is signed by no registered partner"
            )
        payload = verified_payload(signed, partner_keys(registrations_of_sender[0]))
    except JoseRefusal as error:
        raise PackageRefused("unverified", f"refused: {error}") from error
    try:
        body = NoticePackage.model_validate_json(payload)
    except ValidationError as error:
        raise PackageRefused(
            "malformed", "refused: the package does not match its schema"
        ) from error
    purpose = Purpose.MATCH_NOTICE.value
    allowed = [p for p in registrations_of_sender if refusal(p, purpose, now) is None]
    if not allowed:
        reason = refusal(registrations_of_sender[0], purpose, now)
        raise PackageRefused(
            "partner", f"refused: the sender {registrations_of_sender[0].name} {reason}"
        )
    if body.expires_at <= now:
        raise PackageRefused("expired", "refused: the package has expired")
    return allowed[0], body


def _encoder(session: Session, deployment: Deployment, partner: ExchangePartner) -> Encoder:
    try:
        return encoder_for(session, deployment, partner)
    except Forbidden as error:
        raise PackageRefused("no_secret", str(error)) from error


def _opened(encoder: Encoder, body: NoticePackage) -> EncodedSet:
    """The partner's encodings, opened under the secret agreed with it."""
    sealing = partner_seal(encoder.keys.secret)
    if body.key_check != sealing.key_check:
        raise PackageRefused(
            "other_secret", "refused: the encodings were made under another secret"
        )
    try:
        records = [
            sealing.open(record, f"record {row}") for row, record in enumerate(body.records, 1)
        ]
        theirs = from_encodings(records, body.key_check, "the package")
    except LinkageInputError as error:
        raise PackageRefused("malformed", f"refused: {error}") from error
    if any(not i or len(i) > RECORD_ID_LENGTH for i in theirs.ids):
        raise PackageRefused("malformed", "refused: the package's record ids are unusable")
    return theirs


def _match(
    session: Session,
    deployment: Deployment,
    encoder: Encoder,
    partner: ExchangePartner,
    theirs: EncodedSet,
    now: datetime,
) -> tuple[list[dict[str, object]], int]:
    """Our consenting children linked with the partner's encodings: a notice per link not
    noticed before, and each link as the receipt names it."""
    consenting = consenting_children(session, Purpose.MATCH_NOTICE, now)
    children = {
        record.record_id: (child, record)
        for child, record in registrations(session, deployment.keyring)
        if child.id in consenting
    }
    if not children or not len(theirs):
        return [], 0
    ours = encoder.encode_set([record for _, record in children.values()])
    try:
        check_compatible(ours, theirs, "this deployment's encodings", "the package")
    except LinkageInputError as error:
        raise PackageRefused("other_secret", f"refused: {error}") from error
    matches, created = [], 0
    for found in link(ours, theirs, THRESHOLDS["possible"]):
        child, _ = children[found.left_id]
        if add_notice(session, child, partner.name, found.right_id, found.score, found.band):
            created += 1
        matches.append(_named(encoder, found.left_id, found.right_id, found.score, found.band))
    return matches, created


def _noticed(
    session: Session, encoder: Encoder, partner: ExchangePartner, theirs: EncodedSet
) -> list[dict[str, object]]:
    """The matches a package delivered before gave, as its notices hold them."""
    by_child = children_by_exported_id(session, encoder)
    ours = {child.id: record_id for record_id, child in by_child.items()}
    notices = session.scalars(
        select(MatchNotice).where(
            MatchNotice.partner == partner.name,
            MatchNotice.partner_record_id.in_(theirs.ids),
        )
    )
    return [
        {
            "record": notice.partner_record_id,
            "partner_record": ours[notice.child_id],
            "score": notice.score,
            "band": notice.band,
        }
        for notice in notices
        if notice.child_id in ours
    ]


def _named(
    encoder: Encoder, linkage_id: str, theirs: str, score: float, band: str
) -> dict[str, object]:
    return {
        "record": theirs,
        "partner_record": exported_id(encoder, linkage_id),
        "score": score,
        "band": band,
    }
