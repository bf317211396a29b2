"""Standard JOSE around a package: a compact JWS (Ed25519) nested in a compact JWE
(ECDH-ES+A256KW, A256GCM), so any JOSE library verifies and opens it with the right keys.
Every call names the algorithms it accepts: no `alg` from a package header chooses one."""

from __future__ import annotations

import base64
import json
from typing import Any

from joserfc import jwe, jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OKPKey

from routecare.exchange.vocabulary import CONTENT_ALGORITHM, KEY_ALGORITHM, SIGNING_ALGORITHM

SIGNING = [SIGNING_ALGORITHM]
ENCRYPTION = [KEY_ALGORITHM, CONTENT_ALGORITHM]
MAX_PACKAGE_BYTES = 1_000_000


class JoseRefusal(ValueError):
    """A package that does not open, does not verify or is not JOSE at all."""


def seal(payload: bytes, signer: OKPKey, recipient: Any, typ: str = "JWT") -> str:
    """Sign with our key, then encrypt to the recipient's public key: compact JWE text. A
    `typ` other than JWT (match notices) is named in both headers: the JWE's is protected
    (authenticated by AES-GCM), so it routes a package before it is opened and cannot be
    changed unnoticed."""
    signed = jws.serialize_compact(
        {"alg": SIGNING_ALGORITHM, "kid": signer.kid, "typ": typ}, payload, signer, SIGNING
    )
    header = {"alg": KEY_ALGORITHM, "enc": CONTENT_ALGORITHM, "kid": recipient.kid, "cty": "JWT"}
    if typ != "JWT":
        header["typ"] = typ
    return jwe.encrypt_compact(header, signed, recipient, algorithms=ENCRYPTION)


def header_typ(token: str) -> str | None:
    """The `typ` of a compact JWS or JWE's protected header (None when absent or unreadable):
    which kind of message it says it is, to be checked again once it is opened."""
    try:
        segment = token.strip().split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
        typ = header.get("typ")
    except (ValueError, AttributeError, TypeError):
        return None
    return typ if isinstance(typ, str) else None


def unseal(token: str, decryption_keys: KeySet) -> str:
    """The signed inner JWS, if the package opens with one of our keys (an altered byte or a
    package encrypted to anyone else does not)."""
    if len(token) > MAX_PACKAGE_BYTES:
        raise JoseRefusal("the package is larger than any package can be")
    try:
        opened = jwe.decrypt_compact(token.strip(), decryption_keys, algorithms=ENCRYPTION)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise JoseRefusal(
            "the package does not open with this deployment's keys (altered, damaged, or "
            "encrypted for someone else)"
        ) from error
    return (opened.plaintext or b"").decode("ascii", errors="replace")


def signer_kid(signed: str) -> str:
    """The `kid` the inner JWS names (not yet verified: it only says which key to try)."""
    try:
        segment = signed.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
        return str(header["kid"])
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise JoseRefusal("the package's signature names no key") from error


def verified_payload(signed: str, sender_keys: KeySet) -> bytes:
    """The payload, if the signature verifies under one of the sender's keys."""
    try:
        return jws.deserialize_compact(signed, sender_keys, algorithms=SIGNING).payload
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise JoseRefusal("the package's signature does not verify") from error
