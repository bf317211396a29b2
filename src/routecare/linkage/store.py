"""Children's records as linkage registrations, and their encodings stored at registration.

Each child is encoded once, when registered, under the deployment's linkage key (kept in the
keyring, never in the database) and the encoding sealed under a key derived from it
(`linkage/sealing.py`), so matching a new registration reads stored encodings instead of
decrypting and re-encoding everyone. Exports to a partner re-encode from the records under
the secret agreed with that partner; only the child's random `linkage_id` goes with them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from datetime import date

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from routecare.auth.models import Organisation
from routecare.children.models import Child
from routecare.children.records import cipher_for
from routecare.clock import utcnow
from routecare.crypto import Keyring
from routecare.linkage.encoding import Encoder
from routecare.linkage.models import ChildEncoding, LinkageDecision, MatchNotice
from routecare.linkage.records import SEXES, Registration
from routecare.linkage.sealing import stored_seal

NAME_FIELDS = ("given_name", "family_name", "other_names", "birth_date")


def registration_of(
    record_id: str, child: Child, identity: Mapping[str, str | None]
) -> Registration:
    """The child as the linkage engine reads a registration. A record has no father's or
    mother's name nor birth place: its other names stand in the father's name field (where
    clerks along the route write them), and the order-free name set compares them anyway."""
    birth_date = identity.get("birth_date")
    return Registration(
        record_id=record_id,
        given_name=identity.get("given_name") or "",
        father_name=identity.get("other_names") or "",
        family_name=identity.get("family_name") or "",
        sex=SEXES.get(child.sex, ""),
        birth_date=date.fromisoformat(birth_date) if birth_date else None,
        age=child.age,
        registered_on=child.created_at.date(),
        nationality=child.nationality or "",
        birth_place="",
        mother_name="",
    )


def store_encoding(
    session: Session,
    keyring: Keyring,
    child: Child,
    identity: Mapping[str, str | None],
    linkage_id: str | None = None,
) -> ChildEncoding:
    """Encode a child just registered (plaintext `identity` at hand) and store the encoding,
    sealed under a key derived from the linkage key (a database copy shows no filter)."""
    linkage_id = linkage_id or secrets.token_hex(12)
    encoder = Encoder(keyring.linkage_key)
    record = encoder.encode_set([registration_of(linkage_id, child, identity)]).record(0)
    row = ChildEncoding(
        child_id=child.id,
        linkage_id=linkage_id,
        encoding=stored_seal(keyring.linkage_key).seal(record),
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def reencode(session: Session, keyring: Keyring, child: Child) -> None:
    """After a correction of the child's names the stored encoding follows, under the same
    `linkage_id` (partners' notices keep pointing at the child), as a new row: the in-memory
    index reads rows newer than it has seen, so the corrected spelling is searched at once."""
    old = session.execute(
        select(ChildEncoding).where(ChildEncoding.child_id == child.id)
    ).scalar_one_or_none()
    linkage_id = old.linkage_id if old is not None else None
    if old is not None:
        session.delete(old)
        session.flush()
    store_encoding(session, keyring, child, decrypted_identity(keyring, child), linkage_id)


def renew_unsealed(session: Session, keyring: Keyring) -> int:
    """Encodings stored in clear by scheme 2 (before sealing): re-encoded under this scheme
    and sealed, each keeping its `linkage_id` (partners' notices point at it). Returns how
    many. A migration cannot do it: it has no key to decrypt the identities."""
    children = session.execute(
        select(Child)
        .join(ChildEncoding, ChildEncoding.child_id == Child.id)
        .where(ChildEncoding.encoding.startswith("{"))
    ).scalars()
    count = 0
    for child in list(children):
        reencode(session, keyring, child)
        count += 1
    return count


def forget_linkage(session: Session, child_id: int) -> None:
    """On erasure: the encoding, decisions and notices about the child go with its identity."""
    session.execute(delete(ChildEncoding).where(ChildEncoding.child_id == child_id))
    session.execute(
        delete(LinkageDecision).where(
            or_(LinkageDecision.child_id == child_id, LinkageDecision.other_child_id == child_id)
        )
    )
    session.execute(delete(MatchNotice).where(MatchNotice.child_id == child_id))


def decrypted_identity(keyring: Keyring, child: Child) -> dict[str, str | None]:
    cipher = cipher_for(keyring, child)
    return {field: cipher.decrypt(field, getattr(child, field)) for field in NAME_FIELDS}


def encode_missing(session: Session, keyring: Keyring) -> int:
    """Encode the children registered before encodings were stored (on first use after the
    upgrade: a migration cannot decrypt). Returns how many were encoded."""
    missing = session.execute(
        select(Child)
        .outerjoin(ChildEncoding, ChildEncoding.child_id == Child.id)
        .where(ChildEncoding.id.is_(None), Child.erased_at.is_(None))
    ).scalars()
    count = 0
    for child in missing:
        store_encoding(session, keyring, child, decrypted_identity(keyring, child))
        count += 1
    return count


def registrations(
    session: Session, keyring: Keyring, country: str | None = None
) -> Iterator[tuple[Child, Registration]]:
    """Every registered (not erased) child as a registration under its `linkage_id`, for an
    export to a partner or a match against one. `country` keeps the children of that
    country's organisations: a deployment serves one country, so only a database holding
    several (the demo's) needs it."""
    encode_missing(session, keyring)
    query = (
        select(Child, ChildEncoding.linkage_id)
        .join(ChildEncoding, ChildEncoding.child_id == Child.id)
        .where(Child.erased_at.is_(None))
        .order_by(Child.id)
    )
    if country is not None:
        query = query.join(Organisation, Organisation.id == Child.owner_organisation_id).where(
            Organisation.country == country
        )
    rows = session.execute(query)
    for child, linkage_id in rows:
        yield child, registration_of(linkage_id, child, decrypted_identity(keyring, child))
