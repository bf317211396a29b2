"""Envelope encryption of children's identities: a data key per child under a master key.

The master keys live outside the database (keyring file or environment). Destroying a child's
wrapped data key erases every encrypted field about that child at once (crypto-shredding).
"""

from routecare.crypto.envelope import ChildCipher, new_wrapped_data_key, rewrap_data_key
from routecare.crypto.keyring import Keyring, KeyringError

__all__ = ["ChildCipher", "Keyring", "KeyringError", "new_wrapped_data_key", "rewrap_data_key"]
