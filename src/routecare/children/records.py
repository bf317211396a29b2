"""Loading a child's record and deciding (through the policy) how much of it a user sees.

Shared by the children's actions and queries so that every path to a record goes through
the same visibility check and the same decryption.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.auth.policy import IDENTITY_FIELDS, PROFILE_FIELDS, ShareGrant, child_fields_visible
from routecare.auth.principal import Principal
from routecare.children.models import Child, ChildShare
from routecare.children.schemas import ChildOut
from routecare.crypto import ChildCipher, Keyring
from routecare.crypto.keystore import cipher_of, ciphers_of
from routecare.errors import NotFound

NOT_FOUND_MESSAGE = "no child record with that reference"


def grants_by_child(session: Session, child_ids: Iterable[int]) -> dict[int, list[ShareGrant]]:
    """The shares of many children in one query (lists decide visibility row by row)."""
    grants: dict[int, list[ShareGrant]] = {child_id: [] for child_id in child_ids}
    if not grants:
        return grants
    rows = session.execute(select(ChildShare).where(ChildShare.child_id.in_(grants))).scalars()
    for row in rows:
        grants[row.child_id].append(
            ShareGrant(
                organisation_id=row.organisation_id,
                fields=frozenset(row.fields.split()),
                ends_at=row.ends_at,
                revoked_at=row.revoked_at,
            )
        )
    return grants


def grants_of(session: Session, child_id: int) -> list[ShareGrant]:
    """The shares of one child."""
    return grants_by_child(session, [child_id])[child_id]


def visible_child(
    session: Session, principal: Principal, reference: str, now: datetime
) -> tuple[Child, frozenset[str]]:
    """The record and the fields this user may see, or NotFound (also when hidden from them)."""
    child = session.execute(select(Child).where(Child.reference == reference)).scalar()
    if child is None or child.erased_at is not None:
        raise NotFound(NOT_FOUND_MESSAGE)
    fields = child_fields_visible(
        principal, child.owner_organisation_id, grants_of(session, child.id), now
    )
    if not fields:
        raise NotFound(NOT_FOUND_MESSAGE)
    return child, fields


def cipher_for(keyring: Keyring, child: Child) -> ChildCipher:
    """The child's cipher, its data key read from the key store (a NotFound once erased)."""
    return cipher_of(keyring, child.uid)


def ciphers_for(keyring: Keyring, children: Iterable[Child]) -> dict[int, ChildCipher]:
    """The ciphers of a page of children by child id, their keys read in one batch."""
    uids = {child.uid: child.id for child in children}
    return {uids[uid]: cipher for uid, cipher in ciphers_of(keyring, uids).items()}


def present(keyring: Keyring, child: Child, fields: frozenset[str]) -> ChildOut:
    """Decrypt only the identity fields the reader may see."""
    values: dict[str, object] = {}
    wanted_identity = fields & IDENTITY_FIELDS
    if wanted_identity:
        cipher = cipher_for(keyring, child)
        for field in wanted_identity:
            plain = cipher.decrypt(field, getattr(child, field))
            values[field] = date.fromisoformat(plain) if field == "birth_date" and plain else plain
    for field in fields & PROFILE_FIELDS:  # case fields are presented by routecare.cases
        values[field] = getattr(child, field)
    return ChildOut(
        reference=child.reference,
        owner_organisation_id=child.owner_organisation_id,
        created_at=child.created_at,
        **values,
    )
