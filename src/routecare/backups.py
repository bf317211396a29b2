"""`routecare db backup` and `db restore`: the database is copied alone, keys stay in place.

A backup holds no key (data keys are in the key store, master keys in the keyring), so it opens
only beside the deployment's current keys, and those no longer hold the key of anyone erased
since. A restore checks that the backup is this deployment's (its key check value), replaces
the database, migrates it, tells the audit witness where the restored chain ends (the entries
after it went with the restore), then replays the key store's erasure tombstones onto it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from routecare.audit.models import AuditEntry
from routecare.audit.witness import AuditWitness
from routecare.children.actions import replay_erasures
from routecare.config import Settings
from routecare.crypto import KeyringError
from routecare.crypto.key_check import verified_keys
from routecare.crypto.keystore import store_of
from routecare.deployment import Deployment
from routecare.errors import InvalidInput
from routecare.storage.backup import backup_database, backup_key_check, restore_database
from routecare.storage.database import Database
from routecare.storage.migrate import upgrade


def back_up(deployment: Deployment, target: Path) -> None:
    """Copy the deployment's database (never its keyring or key store) to `target`."""
    backup_database(deployment.database, target)


def restore(settings: Settings, source: Path) -> int:
    """Replace the data directory's database by the backup `source`, keeping the keys; returns
    how many children erased since the backup were erased again in it."""
    database = Database(settings.sqlalchemy_url)
    try:
        recorded = backup_key_check(database, source)
        if recorded is None:
            raise InvalidInput(f"{source} holds no key check value: not a routecare backup")
        try:
            keyring = verified_keys(settings, *recorded)
            store_of(keyring).close()
        except KeyringError as error:
            raise InvalidInput(
                f"{source} is not a backup of this deployment, or its keys are not here: {error}"
            ) from error
        restore_database(database, source)
        upgrade(database)
        with database.transaction() as session:
            last_entry = session.execute(select(func.max(AuditEntry.id))).scalar() or 0
        AuditWitness(settings.audit_witness_path, keyring.audit_key).record_restore(last_entry)
    finally:
        database.dispose()
    deployment = Deployment.open(settings)
    try:
        return replay_erasures(deployment)
    finally:
        deployment.close()
