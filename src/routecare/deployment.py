"""What every action needs from the running deployment: settings, database and keys.

Built once by `create_app` or by a CLI command, never at import time, so tests can run many
deployments side by side on fresh databases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from routecare.audit.witness import WITNESS, AuditWitness
from routecare.config import Settings
from routecare.crypto.keyring import Keyring, load_keyring
from routecare.linkage.index import LinkageIndex
from routecare.storage.database import Database


@dataclass
class Deployment:
    settings: Settings
    database: Database
    keyring: Keyring
    # Stored linkage encodings and their model, kept in memory between requests.
    linkage_index: LinkageIndex = field(default_factory=LinkageIndex, repr=False)

    @classmethod
    def open(cls, settings: Settings, *, create_keyring: bool = False) -> Deployment:
        """Connect to the database and load the keyring (creating it for a new deployment); every
        session carries the audit witness, so each committed audit entry reaches it."""
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        keyring = load_keyring(settings.keyring, settings.keyring_path, create=create_keyring)
        witness = AuditWitness(settings.audit_witness_path, keyring.audit_key)
        database = Database(settings.sqlalchemy_url, session_info={WITNESS: witness})
        return cls(settings=settings, database=database, keyring=keyring)

    @property
    def audit_witness(self) -> AuditWitness:
        """The append-only file that `audit verify` checks the chain against."""
        return AuditWitness(self.settings.audit_witness_path, self.keyring.audit_key)

    def close(self) -> None:
        self.database.dispose()
