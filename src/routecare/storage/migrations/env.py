"""Alembic environment: runs on the connection `routecare.storage.migrate` hands it."""

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext

from routecare.storage.base import UTCDateTime
from routecare.storage.metadata import all_tables_metadata

config = context.config
target_metadata = all_tables_metadata()


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Migrations use plain SQL types; the UTC guarantee lives in the ORM layer."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
