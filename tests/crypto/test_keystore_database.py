"""The key store in a database of its own (`ROUTECARE_KEYSTORE_URL`), as production runs it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from routecare.auth import actions
from routecare.auth.roles import OrganisationKind, Role
from routecare.auth.schemas import UserIn
from routecare.config import Settings
from routecare.crypto.keyring import KeyringError
from routecare.deployment import Deployment
from tests.conftest import PASSWORD
from tests.crypto.helpers import api_client


@pytest.fixture
def empty_postgres_database(postgres_admin: str) -> Iterator[str]:
    """A new, empty PostgreSQL database's URL (dropped afterwards)."""
    name = f"keys_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_admin, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(postgres_admin).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_key_store_in_its_own_postgresql_database(
    database_url: str, tmp_path: Path, empty_postgres_database: str, postgres_admin: str
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", database_url=database_url, keystore_url=empty_postgres_database
    )
    created = Deployment.open(settings, create_keyring=True)
    organisation = actions.create_organisation(
        created, name="Agadez Child Protection", country="NER", kind=OrganisationKind.NGO
    )
    user = UserIn(username="worker", password=PASSWORD, role=Role.CASE_WORKER)
    actions.create_user(created, organisation_id=organisation, user=user)
    created.close()
    assert not (settings.data_dir / "keystore.sqlite3").exists()

    deployment, client = api_client(settings, "worker")
    try:
        child = client.post("/api/v1/children", json={"given_name": "Hawa", "sex": "female"})
        assert client.get(f"/api/v1/children/{child.json()['reference']}").json()["given_name"] == (
            "Hawa"
        )
        with deployment.keyring.store.database.transaction() as session:  # type: ignore[union-attr]
            assert session.execute(text("SELECT count(*) FROM data_keys")).scalar_one() == 1
    finally:
        deployment.close()

    with pytest.raises(KeyringError, match="key store"):  # another, empty key store database
        Deployment.open(settings.model_copy(update={"keystore_url": postgres_admin}))
