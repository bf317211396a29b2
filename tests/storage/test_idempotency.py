"""Idempotency keys outlive retries, not the retention period (`routecare db purge-…`)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from routecare.clock import utcnow
from routecare.storage.idempotency import IdempotencyKey
from tests.cases.helpers import create_case
from tests.cli_runner import run_cli
from tests.conftest import World


def test_keys_older_than_the_retention_are_purged(world: World) -> None:
    client = world.api("case_worker")
    old = create_case(client, key="sync-2024-01")["reference"]
    fresh = create_case(client, key="sync-today", given_name="Awa")["reference"]
    with world.deployment.database.transaction() as session:  # a key from 31 days ago
        session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.key == "sync-2024-01")
            .values(created_at=utcnow() - timedelta(days=31))
        )
    result = run_cli(world.deployment, "db", "purge-idempotency-keys")
    assert result.exit_code == 0, result.output
    assert "1 idempotency keys older than 30 days deleted" in result.output
    assert create_case(client, key="sync-today", given_name="Awa")["reference"] == fresh
    assert create_case(client, key="sync-2024-01")["reference"] != old
    again = run_cli(world.deployment, "db", "purge-idempotency-keys")
    assert "0 idempotency keys" in again.output
