"""The deployment's secrets: versioned master keys plus the audit and blind-index keys (and
the linkage key derived from the latter).

Format (JSON)::

    {"active": "m2", "master_keys": {"m1": "<base64 32 bytes>", "m2": "..."},
     "audit_key": "<base64 32 bytes>", "index_key": "<base64 32 bytes>"}

Several master keys may be present during a rotation; new data keys are wrapped with the
active one, old ones are readable until `routecare keys rotate` has re-wrapped them. The data
keys themselves live in the key store (routecare.crypto.keystore), which an opened keyring is
bound to (`store`).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

if TYPE_CHECKING:
    from routecare.crypto.keystore import KeyStore

KEY_BYTES = 32


class KeyringError(RuntimeError):
    """The keyring is missing, malformed or lacks a key that data refers to."""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (ValueError, TypeError) as error:
        raise KeyringError(f"keyring: {name} is not valid base64") from error
    if len(raw) != KEY_BYTES:
        raise KeyringError(f"keyring: {name} must be {KEY_BYTES} bytes")
    return raw


@dataclass(frozen=True)
class Keyring:
    """Loaded secrets; never printed, never stored in the database."""

    active: str
    master_keys: dict[str, bytes] = field(repr=False)
    audit_key: bytes = field(repr=False)
    index_key: bytes = field(repr=False)
    # The key store holding the data keys these master keys wrap (bound by Deployment.open).
    store: KeyStore | None = field(default=None, compare=False, repr=False)

    @classmethod
    def generate(cls) -> Keyring:
        """A fresh keyring for a new deployment."""
        return cls(
            active="m1",
            master_keys={"m1": secrets.token_bytes(KEY_BYTES)},
            audit_key=secrets.token_bytes(KEY_BYTES),
            index_key=secrets.token_bytes(KEY_BYTES),
        )

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        try:
            data = json.loads(text)
            active = data["active"]
            masters = {
                kid: _unb64(v, f"master key {kid}") for kid, v in data["master_keys"].items()
            }
            keyring = cls(
                active=active,
                master_keys=masters,
                audit_key=_unb64(data["audit_key"], "audit_key"),
                index_key=_unb64(data["index_key"], "index_key"),
            )
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
            raise KeyringError(f"keyring is malformed: {error}") from error
        if active not in masters:
            raise KeyringError(f"keyring: active master key {active!r} is not in master_keys")
        return keyring

    def to_json(self) -> str:
        return json.dumps(
            {
                "active": self.active,
                "master_keys": {kid: _b64(k) for kid, k in self.master_keys.items()},
                "audit_key": _b64(self.audit_key),
                "index_key": _b64(self.index_key),
            },
            indent=2,
        )

    @property
    def linkage_key(self) -> bytes:
        """Secret of the encodings stored for matching at registration (routecare.linkage.store).
        Derived from the index key for its own purpose (HKDF), so it lives with the keyring and
        never in the database, and keyrings written before it existed need no new entry."""
        return HKDF(
            algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"routecare/linkage"
        ).derive(self.index_key)

    @property
    def second_factor_key(self) -> bytes:
        """Encrypts users' TOTP secrets (routecare.auth.second_factor), derived like the
        linkage key for its own purpose: a database copy alone yields no secret."""
        return HKDF(
            algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"routecare/second-factor"
        ).derive(self.index_key)

    def master_key(self, key_id: str) -> bytes:
        try:
            return self.master_keys[key_id]
        except KeyError as error:
            raise KeyringError(f"master key {key_id!r} is not in the keyring") from error

    def with_new_active_key(self) -> Keyring:
        """The same keyring plus a new master key that becomes active (first step of rotation)."""
        number = 1 + max(int(kid.lstrip("m")) for kid in self.master_keys if kid[1:].isdigit())
        new_id = f"m{number}"
        return replace(
            self,
            active=new_id,
            master_keys={**self.master_keys, new_id: secrets.token_bytes(KEY_BYTES)},
        )

    def without_master_key(self, key_id: str) -> Keyring:
        """The keyring less a retired master key: the last step of rotation, once a count
        over every table of wrapped keys finds none left under it."""
        if key_id == self.active:
            raise KeyringError("the active master key cannot be dropped")
        return replace(self, master_keys={k: v for k, v in self.master_keys.items() if k != key_id})

    def save(self, path: Path) -> None:
        """Write atomically with owner-only permissions."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(self.to_json())
        os.replace(temporary, path)


def load_keyring(inline: str | None, path: Path, *, create: bool = False) -> Keyring:
    """The keyring from the environment, else from its file (created when `create` is set)."""
    if inline:
        return Keyring.from_json(inline)
    if path.exists():
        return Keyring.from_json(path.read_text(encoding="utf-8"))
    if not create:
        raise KeyringError(f"the keyring {path} is missing (and ROUTECARE_KEYRING is not set)")
    keyring = Keyring.generate()
    keyring.save(path)
    return keyring
