"""What every action needs from the running deployment: settings, database and keys.

Built once by `create_app` or by a CLI command, never at import time, so tests can run many
deployments side by side on fresh databases.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from routecare.audit.witness import WITNESS, AuditWitness
from routecare.config import Settings
from routecare.crypto.key_check import open_keys
from routecare.crypto.keyring import Keyring
from routecare.linkage.index import LinkageIndex
from routecare.storage.database import Database


@dataclass
class Deployment:
    settings: Settings
    database: Database
    keyring: Keyring
    # Stored linkage encodings and their model, kept in memory between requests.
    linkage_index: LinkageIndex = field(init=False, repr=False)
    # Password checks running at once (auth.passwords.check_password): each needs 64 MiB.
    password_checks: threading.BoundedSemaphore = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.linkage_index = LinkageIndex(self.keyring)
        self.password_checks = threading.BoundedSemaphore(self.settings.password_check_concurrency)

    @classmethod
    def open(cls, settings: Settings, *, create_keyring: bool = False) -> Deployment:
        """Connect to the database and open the keys that read it, or refuse (KeyringError)
        when they are missing, different or damaged. `create_keyring`: an empty database gets
        the keys of a new deployment (keyring, key store, key check value). Every session then
        carries the audit witness, so each committed audit entry reaches it."""
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        database = Database(settings.sqlalchemy_url)
        try:
            keyring = open_keys(settings, database, create=create_keyring)
        except BaseException:
            database.dispose()
            raise
        witness = AuditWitness(settings.audit_witness_path, keyring.audit_key)
        database.carry_in_sessions(WITNESS, witness)
        return cls(settings=settings, database=database, keyring=keyring)

    @property
    def audit_witness(self) -> AuditWitness:
        """The append-only file that `audit verify` checks the chain against."""
        return AuditWitness(self.settings.audit_witness_path, self.keyring.audit_key)

    def close(self) -> None:
        self.database.dispose()
        if self.keyring.store is not None:
            self.keyring.store.close()
