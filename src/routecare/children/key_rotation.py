"""Master-key rotation: every child's data key is re-wrapped, no field is re-encrypted.

Steps: a new master key is added to the keyring and made active (old ones stay readable),
data keys are re-wrapped in batches, then the old master keys are dropped from the keyring.
An interruption at any point leaves every record readable; running it again finishes the job.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from routecare import audit
from routecare.children.models import Child
from routecare.crypto import KeyringError, rewrap_data_key
from routecare.deployment import Deployment

BATCH_SIZE = 500


def rotate_master_key(
    deployment: Deployment, progress: Callable[[int, int], None] = lambda done, total: None
) -> int:
    """Rotate to a new master key; returns how many data keys were re-wrapped."""
    settings = deployment.settings
    if settings.keyring:
        raise KeyringError("the keyring comes from ROUTECARE_KEYRING; rotate it where it is kept")
    deployment.keyring = deployment.keyring.with_new_active_key()
    deployment.keyring.save(settings.keyring_path)
    active = deployment.keyring.active
    with deployment.database.transaction() as session:
        total = session.execute(
            select(func.count()).where(Child.wrapped_key.is_not(None), Child.key_id != active)
        ).scalar_one()
    done = 0
    while True:
        with deployment.database.transaction() as session:
            batch = (
                session.execute(
                    select(Child)
                    .where(Child.wrapped_key.is_not(None), Child.key_id != active)
                    .limit(BATCH_SIZE)
                    .with_for_update()
                )
                .scalars()
                .all()
            )
            for child in batch:
                assert child.wrapped_key is not None
                child.key_id, child.wrapped_key = rewrap_data_key(
                    deployment.keyring, child.key_id, child.wrapped_key, child.uid
                )
            if batch:
                audit.record(
                    session,
                    deployment.keyring.audit_key,
                    action="keys.rewrap",
                    detail={"count": len(batch), "master_key": active},
                )
        if not batch:
            break
        done += len(batch)
        progress(done, total)
    deployment.keyring = deployment.keyring.without_retired_keys()
    deployment.keyring.save(settings.keyring_path)
    return done
