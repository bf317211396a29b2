"""AES-GCM field encryption under per-child data keys.

Every ciphertext is bound (as associated data) to the child and the field it belongs to, so a
value copied into another child's row or another column fails to decrypt instead of leaking.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from routecare.crypto.keyring import Keyring, KeyringError

NONCE_BYTES = 12
DATA_KEY_BYTES = 32


def _wrap_aad(child_uid: str) -> bytes:
    return f"routecare/data-key/{child_uid}".encode()


def new_wrapped_data_key(keyring: Keyring, child_uid: str) -> tuple[str, bytes]:
    """A fresh data key for a child, wrapped by the active master key: (key id, wrapped)."""
    data_key = AESGCM.generate_key(bit_length=DATA_KEY_BYTES * 8)
    nonce = secrets.token_bytes(NONCE_BYTES)
    master = AESGCM(keyring.master_key(keyring.active))
    return keyring.active, nonce + master.encrypt(nonce, data_key, _wrap_aad(child_uid))


def unwrap_data_key(keyring: Keyring, key_id: str, wrapped: bytes, child_uid: str) -> bytes:
    master = AESGCM(keyring.master_key(key_id))
    try:
        return master.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _wrap_aad(child_uid))
    except InvalidTag as error:
        raise KeyringError(f"data key of child {child_uid} does not open with {key_id}") from error


def rewrap_data_key(
    keyring: Keyring, key_id: str, wrapped: bytes, child_uid: str
) -> tuple[str, bytes]:
    """The same data key wrapped again by the active master key (key rotation)."""
    data_key = unwrap_data_key(keyring, key_id, wrapped, child_uid)
    nonce = secrets.token_bytes(NONCE_BYTES)
    master = AESGCM(keyring.master_key(keyring.active))
    return keyring.active, nonce + master.encrypt(nonce, data_key, _wrap_aad(child_uid))


class ChildCipher:
    """Encrypts and decrypts one child's fields with that child's data key."""

    def __init__(self, keyring: Keyring, child_uid: str, key_id: str, wrapped_key: bytes) -> None:
        self._child_uid = child_uid
        self._aead = AESGCM(unwrap_data_key(keyring, key_id, wrapped_key, child_uid))

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
