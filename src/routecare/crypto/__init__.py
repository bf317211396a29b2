"""Envelope encryption of children's identities: a data key per child (and per screening)
under a master key.

The master keys live outside the database (keyring file or environment), the wrapped data keys
in the key store, outside it too. Destroying a data key erases every encrypted field about its
owner at once (crypto-shredding), in the database and in every backup of it.
"""

from routecare.crypto.envelope import ChildCipher
from routecare.crypto.keyring import Keyring, KeyringError

__all__ = ["ChildCipher", "Keyring", "KeyringError"]
