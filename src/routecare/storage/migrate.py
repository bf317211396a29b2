"""Applying Alembic migrations, on `routecare db upgrade` and at every start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from routecare.storage.database import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(database: Database) -> None:
    """Bring the schema to the newest revision (a no-op when it is already there)."""
    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def revise(database: Database, message: str) -> None:
    """Developers: autogenerate a migration from the models (`routecare db revision`)."""
    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
