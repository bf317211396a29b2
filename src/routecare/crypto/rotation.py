"""Master-key rotation: every wrapped data key is re-wrapped, no field is re-encrypted.

The tables holding wrapped keys come from the models (routecare.crypto.wrapped), over the key
store's metadata and the main database's (which holds none today), so a new one cannot be
skipped. Steps: a new master key is recorded in the key store (its check value) and made
active in the keyring; data keys are re-wrapped in batches, each its own transaction; an old
master key leaves the keyring only once a count over every such table finds none left under
it. Killed at any point, every record stays readable and running it again finishes the job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Table, func, select, update

from routecare import audit
from routecare.crypto.envelope import rewrap_data_key
from routecare.crypto.keyring import Keyring, KeyringError
from routecare.crypto.keystore import KeyStoreBase, store_of
from routecare.crypto.wrapped import wrapped_key_tables
from routecare.storage.database import Database
from routecare.storage.metadata import all_tables_metadata

if TYPE_CHECKING:
    from routecare.deployment import Deployment


def wrapped_key_locations(deployment: Deployment) -> list[tuple[Database, Table]]:
    """Every table of wrapped keys, with the database it lives in."""
    store = store_of(deployment.keyring)
    return [(store.database, table) for table in wrapped_key_tables([KeyStoreBase.metadata])] + [
        (deployment.database, table) for table in wrapped_key_tables([all_tables_metadata()])
    ]


def count_wrapped_keys(
    locations: list[tuple[Database, Table]], master_key_id: str, *, under: bool
) -> int:
    """How many data keys are wrapped under (`under`) or not under that master key."""
    total = 0
    for database, table in locations:
        column = table.c.master_key_id
        condition = column == master_key_id if under else column != master_key_id
        with database.transaction() as session:
            total += session.execute(
                select(func.count()).select_from(table).where(condition)
            ).scalar_one()
    return total


def rotate_master_key(
    deployment: Deployment, progress: Callable[[int, int], None] = lambda done, total: None
) -> int:
    """Rotate to a new master key, or finish an interrupted rotation (the keyring then holds
    more than one); returns how many data keys were re-wrapped."""
    settings = deployment.settings
    if settings.keyring:
        raise KeyringError("the keyring comes from ROUTECARE_KEYRING; rotate it where it is kept")
    keyring = deployment.keyring
    if len(keyring.master_keys) == 1:
        keyring = keyring.with_new_active_key()
        # The check value first: a keyring never names a master key the store cannot check.
        store_of(keyring).record_master_key(keyring.active, keyring.master_key(keyring.active))
        keyring.save(settings.keyring_path)
        deployment.keyring = keyring
    locations = wrapped_key_locations(deployment)
    total = count_wrapped_keys(locations, keyring.active, under=False)
    done = 0
    for database, table in locations:
        while batch := _rewrap_batch(database, table, keyring, settings.key_rotation_batch_size):
            done += batch
            _audit_batch(deployment, batch)
            progress(done, total)
    for key_id in sorted(set(keyring.master_keys) - {keyring.active}):
        left = count_wrapped_keys(locations, key_id, under=True)
        if left:
            raise KeyringError(
                f"{left} data keys are still wrapped under {key_id} (written while rotating?); "
                "run `routecare keys rotate` again"
            )
        keyring = keyring.without_master_key(key_id)
        keyring.save(settings.keyring_path)
        store_of(keyring).forget_master_key(key_id)
        deployment.keyring = keyring
    return done


def _rewrap_batch(database: Database, table: Table, keyring: Keyring, size: int) -> int:
    """Re-wrap up to `size` keys not yet under the active master key, in one transaction."""
    columns = table.c.owner_uid, table.c.master_key_id, table.c.wrapped_key
    with database.transaction() as session:
        rows = session.execute(
            select(*columns)
            .where(table.c.master_key_id != keyring.active)
            .limit(size)
            .with_for_update()
        ).all()
        for owner_uid, key_id, wrapped in rows:
            new_key_id, rewrapped = rewrap_data_key(keyring, key_id, wrapped, owner_uid)
            session.execute(
                update(table)
                .where(table.c.owner_uid == owner_uid)
                .values(master_key_id=new_key_id, wrapped_key=rewrapped)
            )
    return len(rows)


def _audit_batch(deployment: Deployment, count: int) -> None:
    with deployment.database.transaction() as session:
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="keys.rewrap",
            detail={"count": count, "master_key": deployment.keyring.active},
        )
