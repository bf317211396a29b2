"""What every action needs from the running deployment: settings, database and keys.

Built once by `create_app` or by a CLI command, never at import time, so tests can run many
deployments side by side on fresh databases.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

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
    # Password checks running at once (auth.passwords.check_password): each needs 64 MiB.
    password_checks: threading.BoundedSemaphore = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.password_checks = threading.BoundedSemaphore(self.settings.password_check_concurrency)

    @classmethod
    def open(cls, settings: Settings, *, create_keyring: bool = False) -> Deployment:
        """Connect to the database and load the keyring (creating it for a new deployment)."""
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        keyring = load_keyring(settings.keyring, settings.keyring_path, create=create_keyring)
        return cls(settings=settings, database=Database(settings.sqlalchemy_url), keyring=keyring)

    def close(self) -> None:
        self.database.dispose()
