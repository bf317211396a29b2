"""This deployment's exchange keys: never in the database in clear, rotated without cutting
off what is in transit."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from routecare.crypto.keyring import Keyring, KeyringError
from routecare.errors import Conflict
from routecare.exchange.keys import create_keys, decryption_keys, rotate_keys, signing_key
from routecare.exchange.models import ExchangeKey
from routecare.exchange.receiving import receive_package
from routecare.exchange.sending import pack_case
from routecare.exchange.vocabulary import Purpose
from tests.database_copy import database_copy, stored_rows
from tests.exchange.conftest import Exchange, jwks_of, register

CONTINUITY = Purpose.CONTINUITY_OF_CARE.value


def test_a_database_copy_holds_no_private_key(exchange: Exchange, tmp_path: Path) -> None:
    """The private halves appear nowhere in a copy of the database, base64 or raw."""
    sender = exchange.sender
    with sender.database.transaction() as session:
        keys = [*decryption_keys(session, sender).keys, signing_key(session, sender)]
    secrets = [key.as_dict(private=True)["d"] for key in keys]
    with database_copy(sender, tmp_path) as engine:
        rows = stored_rows(engine)
    dump = b"".join(
        value if isinstance(value, bytes) else str(value).encode()
        for row in rows
        for value in row.values()
    )
    for secret in secrets:
        raw = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
        assert secret.encode() not in dump and raw not in dump
    assert all("d" not in key for key in jwks_of(sender)["keys"])

    """The key store's copy with another deployment's keyring yields no private key."""
    stolen = replace(Keyring.generate(), store=exchange.sender.keyring.store)
    other = replace(exchange.sender, keyring=stolen)
    with exchange.sender.database.transaction() as session, pytest.raises(KeyringError):
        decryption_keys(session, other)


def test_keys_are_created_once_then_rotated(exchange: Exchange) -> None:
    with pytest.raises(Conflict, match="rotate"):
        create_keys(exchange.receiver)
    in_transit = pack_case(exchange.sender, exchange.reference, "italy", CONTINUITY).token
    old = {key["kid"] for key in jwks_of(exchange.receiver)["keys"]}
    rotate_keys(exchange.receiver)
    published = jwks_of(exchange.receiver)["keys"]
    kids = {key["kid"] for key in published}
    old_signing = {kid for kid in old if kid.startswith("sig-")}
    # Old signing keys still verify; the retired encryption key is no longer offered.
    assert old_signing <= kids and not (old - old_signing) & kids
    assert len([k for k in published if k["use"] == "enc"]) == 1
    # A package encrypted to the retired key before rotation still opens.
    assert receive_package(exchange.receiver, in_transit, accept=True).reference
    with exchange.receiver.database.transaction() as session:
        retired = session.scalars(select(ExchangeKey).where(ExchangeKey.retired_at.isnot(None)))
        assert {row.kid for row in retired} == old
        rows = session.scalars(select(ExchangeKey))
        assert all("d" not in json.loads(row.public_jwk) for row in rows)
    # The sender re-registers the new JWKS; new packages go to the new key.
    register(exchange.sender, "italy-2026", exchange.receiver, [Purpose.CONTINUITY_OF_CARE])
    fresh = pack_case(exchange.sender, exchange.reference, "italy-2026", CONTINUITY).token
    header = json.loads(base64.urlsafe_b64decode(fresh.split(".")[0] + "=="))
    assert header["kid"] in kids - old
