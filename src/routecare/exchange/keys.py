"""This deployment's exchange key pairs: Ed25519 to sign packages and receipts, X25519 to be
encrypted to. The public halves form the JWKS partners register; each private half is stored
as AES-GCM ciphertext under its own data key in the key store, so a database copy holds none
and master-key rotation re-wraps them like every other data key."""

from __future__ import annotations

import json
import secrets
from typing import Any, Literal

from joserfc.jwk import KeySet, OKPKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.clock import utcnow
from routecare.crypto.keystore import cipher_of, new_cipher
from routecare.deployment import Deployment
from routecare.errors import Conflict, NotFound
from routecare.exchange.models import ExchangeKey
from routecare.exchange.vocabulary import SIGNING_ALGORITHM, KeyUse

CURVES: dict[KeyUse, Literal["Ed25519", "X25519"]] = {
    KeyUse.SIGNING: "Ed25519",
    KeyUse.ENCRYPTION: "X25519",
}
PRIVATE_FIELD = "exchange.private_jwk"


def key_owner(kid: str) -> str:
    """The key store owner uid of one key pair's data key."""
    return f"exchange-{kid}"


def _new_pair(session: Session, deployment: Deployment, use: KeyUse) -> str:
    kid = f"{use.value}-{secrets.token_hex(8)}"
    parameters: dict[str, Any] = {"kid": kid, "use": use.value}
    if use is KeyUse.SIGNING:
        parameters["alg"] = SIGNING_ALGORITHM
    key = OKPKey.generate_key(CURVES[use], parameters=parameters)  # type: ignore[arg-type]
    cipher = new_cipher(deployment.keyring, key_owner(kid))
    session.add(
        ExchangeKey(
            kid=kid,
            use=use.value,
            public_jwk=json.dumps(key.as_dict(private=False)),
            private_jwk=cipher.encrypt(PRIVATE_FIELD, json.dumps(key.as_dict(private=True))),
            created_at=utcnow(),
        )
    )
    return kid


def _active(session: Session) -> list[ExchangeKey]:
    return list(session.scalars(select(ExchangeKey).where(ExchangeKey.retired_at.is_(None))))


def create_keys(deployment: Deployment) -> list[str]:
    """The deployment's first signing and encryption pairs; refused once it has keys (rotate
    them instead, so partners holding the old JWKS are not silently cut off)."""
    with deployment.database.transaction() as session:
        if _active(session):
            raise Conflict("this deployment already has exchange keys; rotate them instead")
        kids = [_new_pair(session, deployment, use) for use in KeyUse]
        _audit(session, deployment, "exchange.keys.create", {"kids": kids})
        return kids


def rotate_keys(deployment: Deployment) -> list[str]:
    """New active pairs; the old ones are retired: kept to verify and decrypt what was made
    under them, never used to sign, and the retired encryption key leaves the JWKS."""
    with deployment.database.transaction() as session:
        current = _active(session)
        if not current:
            raise NotFound("this deployment has no exchange keys yet: `exchange keys create`")
        now = utcnow()
        for key in current:
            key.retired_at = now
        kids = [_new_pair(session, deployment, use) for use in KeyUse]
        _audit(session, deployment, "exchange.keys.rotate", {"kids": kids})
        return kids


def public_jwks(session: Session) -> dict[str, Any]:
    """What partners register: every signing key (retired ones verify old receipts) and the
    active encryption key only (nothing new is encrypted to a retired one)."""
    rows = session.scalars(select(ExchangeKey).order_by(ExchangeKey.created_at)).all()
    keys = [
        json.loads(row.public_jwk)
        for row in rows
        if row.use == KeyUse.SIGNING.value or row.retired_at is None
    ]
    if not keys:
        raise NotFound("this deployment has no exchange keys yet: `exchange keys create`")
    return {"keys": keys}


def _private(deployment: Deployment, row: ExchangeKey) -> OKPKey:
    plain = cipher_of(deployment.keyring, key_owner(row.kid)).decrypt(
        PRIVATE_FIELD, row.private_jwk
    )
    return OKPKey.import_key(json.loads(plain or "{}"))


def signing_key(session: Session, deployment: Deployment) -> OKPKey:
    """The active private signing key."""
    for row in _active(session):
        if row.use == KeyUse.SIGNING.value:
            return _private(deployment, row)
    raise NotFound("this deployment has no exchange keys yet: `exchange keys create`")


def decryption_keys(session: Session, deployment: Deployment) -> KeySet:
    """Every private encryption key, retired ones included (packages still in transit)."""
    rows = session.scalars(
        select(ExchangeKey).where(ExchangeKey.use == KeyUse.ENCRYPTION.value)
    ).all()
    return KeySet([_private(deployment, row) for row in rows])


def _audit(
    session: Session, deployment: Deployment, action: str, detail: dict[str, object]
) -> None:
    audit.record(session, deployment.keyring.audit_key, action=action, detail=detail)
