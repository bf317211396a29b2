"""Master-key rotation: every data key (children's, screenings', placement requests') is
re-wrapped, no field is re-encrypted.

Steps: a new master key is added to the keyring and made active (old ones stay readable),
data keys are re-wrapped in batches, then the old master keys are dropped from the keyring.
An interruption at any point leaves every record readable; running it again finishes the job.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from sqlalchemy import func, select

from routecare import audit
from routecare.children.models import Child
from routecare.crypto import KeyringError, rewrap_data_key
from routecare.deployment import Deployment
from routecare.placement.models import PlacementRequest
from routecare.screening.models import Screening

BATCH_SIZE = 500
# The rows that hold a data key wrapped by a master key (uid, key_id, wrapped_key).
Keyed = TypeVar("Keyed", Child, Screening, PlacementRequest)


def rotate_master_key(
    deployment: Deployment, progress: Callable[[int, int], None] = lambda done, total: None
) -> int:
    """Rotate to a new master key; returns how many data keys were re-wrapped."""
    settings = deployment.settings
    if settings.keyring:
        raise KeyringError("the keyring comes from ROUTECARE_KEYRING; rotate it where it is kept")
    deployment.keyring = deployment.keyring.with_new_active_key()
    deployment.keyring.save(settings.keyring_path)
    total = (
        _pending(deployment, Child)
        + _pending(deployment, Screening)
        + _pending(deployment, PlacementRequest)
    )
    done = 0
    for rewrap in (
        partial(_rewrap_batch, deployment, Child),
        partial(_rewrap_batch, deployment, Screening),
        partial(_rewrap_batch, deployment, PlacementRequest),
    ):
        while batch_size := rewrap():
            done += batch_size
            progress(done, total)
    deployment.keyring = deployment.keyring.without_retired_keys()
    deployment.keyring.save(settings.keyring_path)
    return done


def _pending(deployment: Deployment, model: type[Keyed]) -> int:
    """How many data keys of `model` are not yet wrapped by the active master key."""
    with deployment.database.transaction() as session:
        return session.execute(
            select(func.count()).where(
                model.wrapped_key.is_not(None), model.key_id != deployment.keyring.active
            )
        ).scalar_one()


def _rewrap_batch(deployment: Deployment, model: type[Keyed]) -> int:
    """Re-wrap up to BATCH_SIZE data keys of `model` under the active key; how many were."""
    active = deployment.keyring.active
    with deployment.database.transaction() as session:
        batch = (
            session.execute(
                select(model)
                .where(model.wrapped_key.is_not(None), model.key_id != active)
                .limit(BATCH_SIZE)
                .with_for_update()
            )
            .scalars()
            .all()
        )
        for row in batch:
            assert row.wrapped_key is not None
            row.key_id, row.wrapped_key = rewrap_data_key(
                deployment.keyring, row.key_id, row.wrapped_key, row.uid
            )
        if batch:
            audit.record(
                session,
                deployment.keyring.audit_key,
                action="keys.rewrap",
                detail={"count": len(batch), "master_key": active, "table": model.__tablename__},
            )
        return len(batch)
