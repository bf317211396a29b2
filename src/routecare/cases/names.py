"""A child's names on the case: written encrypted, and findable only through the blind index.

Names taken down at a border post are often wrong (a misheard spelling, given and family name
swapped), so a case worker corrects them later. A correction re-encrypts the name and rebuilds
the child's tokens from scratch, so the old spelling stops finding the child at once; the
child's linkage encoding is remade too, so possible matches compare the corrected name.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from routecare.cases.blind_index import name_tokens
from routecare.cases.models import NameToken
from routecare.children.models import Child
from routecare.children.records import cipher_for
from routecare.crypto import Keyring
from routecare.linkage.store import reencode

INDEXED_NAMES = ("given_name", "family_name", "other_names")
CORRECTABLE_NAMES = frozenset({"given_name", "family_name"})


def index_names(session: Session, keyring: Keyring, child: Child) -> None:
    """Replace the child's blind-index tokens with those of the names now stored."""
    cipher = cipher_for(keyring, child)
    names = [cipher.decrypt(field, getattr(child, field)) for field in INDEXED_NAMES]
    session.execute(delete(NameToken).where(NameToken.child_id == child.id))
    session.add_all(
        NameToken(child_id=child.id, token=token)
        for token in sorted(name_tokens(keyring.index_key, names))
    )


def correct_names(
    session: Session, keyring: Keyring, child: Child, values: dict[str, str | None]
) -> list[str]:
    """Store the names in `values` that differ from the stored ones and re-index the child.
    Returns the fields changed (names only, never values: they go to the audit trail)."""
    cipher = cipher_for(keyring, child)
    changed = sorted(
        field
        for field, value in values.items()
        if value != cipher.decrypt(field, getattr(child, field))
    )
    for field in changed:
        setattr(child, field, cipher.encrypt(field, values[field]))
    if changed:
        index_names(session, keyring, child)
        reencode(session, keyring, child)
    return changed
