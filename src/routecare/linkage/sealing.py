"""Encodings sealed with AES-256-GCM, in files for partners and at rest in the database.

Hardened Bloom filters that anyone can compare cannot keep names from a keyless attacker: the
records of one file compared with each other cluster by name, and the clusters' similarities,
matched to the similarities of a public name list, name them (`bench/linkage/attacks`,
measured in docs/linkage.md: 96 % of given names under scheme 2; randomized response strong
enough to stop it leaves no linkage). So an encoding is never readable without a key:
- a file for a partner is sealed under a key derived (HKDF) from the secret agreed with that
  partner, which `match` and `notices-from` need to read it;
- a child's stored encoding is sealed under a key derived from the deployment's linkage key
  (keyring), which never enters the database.
Whoever holds the key can encode a name list under it and compare (a dictionary attack): the
key holders are the partners, who know their own children anyway. Each record is sealed on its
own with a random nonce, so equal encodings give unequal sealed texts.
"""

from __future__ import annotations

import base64
import binascii
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from routecare.linkage.encoded import SCHEME
from routecare.linkage.encoding import Keys
from routecare.linkage.records import LinkageInputError

NONCE_BYTES = 12
FOR_PARTNERS = "seal/partner-file"
AT_REST = "seal/at-rest"


class Seal:
    """Seals and opens records' encodings under one key derived from a secret for `purpose`
    (FOR_PARTNERS or AT_REST): a key for one purpose opens nothing sealed for the other."""

    def __init__(self, secret: bytes, purpose: str) -> None:
        keys = Keys(secret)
        self._aead = AESGCM(keys.key(purpose))
        self._context = f"{SCHEME} {purpose}".encode()
        self.key_check = keys.check_value()

    def seal(self, record: dict[str, object]) -> str:
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(record, separators=(",", ":")).encode()
        return base64.b64encode(nonce + self._aead.encrypt(nonce, plain, self._context)).decode()

    def open(self, text: str, where: str) -> dict[str, object]:
        """The record sealed in `text`; a clear error naming `where` if another key sealed it
        or it was changed."""
        try:
            raw = base64.b64decode(text, validate=True)
            plain = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], self._context)
        except (InvalidTag, ValueError, binascii.Error) as error:
            raise LinkageInputError(
                f"{where}: cannot be opened with this secret (sealed under another key, or changed)"
            ) from error
        record = json.loads(plain)
        if not isinstance(record, dict):
            raise LinkageInputError(f"{where}: not an encoding")
        return record


def partner_seal(secret: bytes) -> Seal:
    """The seal of files exchanged with the partner who shares `secret`."""
    return Seal(secret, FOR_PARTNERS)


def stored_seal(linkage_key: bytes) -> Seal:
    """The seal of the encodings stored in this deployment's database."""
    return Seal(linkage_key, AT_REST)
