"""Upgrading a deployment that holds placement requests in clear leaves none of their clear
values behind (a migration has no keyring to encrypt them with); each request keeps its status
and gets a uid of its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from routecare.storage.database import Database
from routecare.storage.migrate import alembic_config, upgrade
from tests.conftest import BACKENDS

BEFORE = "0006_linkage"


@pytest.fixture(params=BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        yield database
        database.dispose()
        return
    admin_url: str = request.getfixturevalue("postgres_admin")
    name = f"old_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = Database(make_url(admin_url).set(database=name).render_as_string(False))
    yield database
    database.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_requests_in_clear_lose_their_place_and_profile_on_upgrade(
    empty_database: Database,
) -> None:
    config = alembic_config()
    with empty_database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, BEFORE)
        connection.execute(
            text(
                "INSERT INTO organisations (id, name, country, kind, created_at) "
                "VALUES (1, 'Agadez Child Protection', 'NER', 'ngo', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO users (id, username, password_hash, role, organisation_id, "
                "is_active, created_at) VALUES (1, 'case_worker', 'x', 'case_worker', 1, "
                "TRUE, CURRENT_TIMESTAMP)"
            )
        )
        for request_id in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO placement_requests (id, organisation_id, requested_by_user_id, "
                    "country, latitude, longitude, age, sex, needs, language, status, "
                    "created_at) VALUES (:id, 1, 1, 'NER', 16.9187654, 7.9412345, 14, "
                    "'female', 'mother_and_baby', 'ha', 'escalated', CURRENT_TIMESTAMP)"
                ),
                {"id": request_id},
            )
    upgrade(empty_database)
    with empty_database.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM placement_requests ORDER BY id")).mappings()
        rows = [dict(row) for row in rows]
    assert [row["status"] for row in rows] == ["escalated", "escalated"]
    assert len({row["uid"] for row in rows}) == 2
    assert all(row["profile"] is None and row["location"] is None for row in rows)
    assert not {"latitude", "longitude", "age", "sex", "needs", "language"} & set(rows[0])
