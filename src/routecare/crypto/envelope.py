"""AES-GCM envelope encryption: data keys wrapped by master keys, fields under data keys.

Every ciphertext is bound (as associated data) to its owner (a child or a screening) and the
field it belongs to, so a value copied into another row or another column fails to decrypt
instead of leaking. A wrapped data key is bound to its owner the same way.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from routecare.crypto.keyring import Keyring, KeyringError

NONCE_BYTES = 12
DATA_KEY_BYTES = 32


def _wrap_aad(owner_uid: str) -> bytes:
    return f"routecare/data-key/{owner_uid}".encode()


def new_data_key() -> bytes:
    """A fresh random AES-256 data key (kept in clear only in memory)."""
    return AESGCM.generate_key(bit_length=DATA_KEY_BYTES * 8)


def wrap_data_key(keyring: Keyring, data_key: bytes, owner_uid: str) -> tuple[str, bytes]:
    """The data key wrapped by the active master key: (master key id, wrapped)."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    master = AESGCM(keyring.master_key(keyring.active))
    return keyring.active, nonce + master.encrypt(nonce, data_key, _wrap_aad(owner_uid))


def unwrap_data_key(keyring: Keyring, key_id: str, wrapped: bytes, owner_uid: str) -> bytes:
    master = AESGCM(keyring.master_key(key_id))
    try:
        return master.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _wrap_aad(owner_uid))
    except InvalidTag as error:
        raise KeyringError(f"data key of {owner_uid} does not open with {key_id}") from error


def rewrap_data_key(
    keyring: Keyring, key_id: str, wrapped: bytes, owner_uid: str
) -> tuple[str, bytes]:
    """The same data key wrapped again by the active master key (key rotation)."""
    return wrap_data_key(keyring, unwrap_data_key(keyring, key_id, wrapped, owner_uid), owner_uid)


class ChildCipher:
    """Encrypts and decrypts one owner's fields (a child's, or a screening's) with its data key."""

    def __init__(self, data_key: bytes, owner_uid: str) -> None:
        self._child_uid = owner_uid
        self._aead = AESGCM(data_key)

    def _aad(self, field: str) -> bytes:
        return f"routecare/field/{self._child_uid}/{field}".encode()

    def encrypt(self, field: str, value: str | None) -> bytes | None:
        if value is None:
            return None
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, value.encode("utf-8"), self._aad(field))

    def decrypt(self, field: str, blob: bytes | None) -> str | None:
        if blob is None:
            return None
        try:
            plain = self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], self._aad(field))
        except InvalidTag as error:
            raise KeyringError(
                f"field {field} of child {self._child_uid} fails to decrypt"
            ) from error
        return plain.decode("utf-8")

    def encrypt_bytes(self, field: str, value: bytes) -> bytes:
        """For uploads: the same scheme over raw bytes."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, value, self._aad(field))

    def decrypt_bytes(self, field: str, blob: bytes) -> bytes:
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], self._aad(field))
        except InvalidTag as error:
            raise KeyringError(
                f"field {field} of child {self._child_uid} fails to decrypt"
            ) from error
