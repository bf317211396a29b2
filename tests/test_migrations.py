"""Migrations build the schema from nothing on both backends and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from routecare.deployment import Deployment
from routecare.storage.metadata import all_tables_metadata
from routecare.storage.migrate import upgrade


def test_upgrade_is_idempotent_and_matches_the_models(deployment: Deployment) -> None:
    upgrade(deployment.database)  # already at head: a no-op
    with deployment.database.engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection), all_tables_metadata()
        )
    assert differences == []
