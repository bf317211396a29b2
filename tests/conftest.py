"""Fixtures: every storage-touching test runs on SQLite and on a real PostgreSQL server.

- `deployment`: a fresh, migrated deployment (database + keyring in a temporary data dir),
  parametrised over `sqlite` and `postgresql`.
- `app`: the ASGI app on that deployment; `client`: an anonymous HTTPS TestClient.
- `world`: two organisations in two countries, one user per role in the first (usernames are the
  role values, e.g. `case_worker`), a case worker in the second (`other_case_worker`); all share
  `world.password`. `world.api(username)` is a TestClient authenticated with a fresh API token,
  `world.browser(username)` one signed in through the login form.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from routecare.app import create_app
from routecare.auth import actions, passwords
from routecare.auth.principal import Principal
from routecare.auth.roles import OrganisationKind, Role
from routecare.auth.schemas import UserIn
from routecare.config import Settings
from routecare.crypto.keyring import Keyring
from routecare.deployment import Deployment
from routecare.storage.database import Database
from routecare.storage.migrate import upgrade
from tests.postgres_server import postgres_admin_url

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Argon2id at its production cost takes about 0.2 s of CPU per hash, on purpose; the suite
    creates and signs in thousands of users, which made that cost half of its running time.
    In-process tests hash with argon2-cffi's CHEAPEST profile (made for tests): what is hashed,
    stored and checked is unchanged. Deployments started as processes (CLI, `serve`) hash at the
    production cost, and tests/auth/test_password_storage.py checks those parameters.
    """
    cheap = PasswordHasher.from_parameters(profiles.CHEAPEST)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", cheap)
        patch.setattr(passwords, "_DUMMY_HASH", cheap.hash("routecare-timing-equaliser"))
        yield


PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    with postgres_admin_url() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_template(postgres_admin: str) -> str:
    """A migrated template database; each test clones it (CREATE DATABASE … TEMPLATE)."""
    name = f"routecare_template_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_admin, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    database = Database(
        make_url(postgres_admin).set(database=name).render_as_string(hide_password=False)
    )
    upgrade(database)
    database.dispose()
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "routecare.sqlite3"
    database = Database(f"sqlite:///{path}")
    upgrade(database)
    database.dispose()
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "routecare.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    admin_url: str = request.getfixturevalue("postgres_admin")
    template: str = request.getfixturevalue("postgres_template")
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    data_dir = tmp_path / "data"
    Keyring.generate().save(data_dir / "keyring.json")
    # Fixture users sign in with their password alone; tests of the second factor switch the
    # requirement back on (tests/auth/test_second_factor.py).
    return Settings(data_dir=data_dir, database_url=database_url, two_factor_required=False)


@pytest.fixture
def deployment(settings: Settings) -> Iterator[Deployment]:
    opened = Deployment.open(settings, create_keyring=True)
    upgrade(opened.database)
    yield opened
    opened.close()


@pytest.fixture
def app(settings: Settings, deployment: Deployment) -> FastAPI:
    return create_app(settings, deployment)


def https_client(app: FastAPI) -> TestClient:
    """Cookies are Secure, so the test client speaks HTTPS like a real browser would."""
    return TestClient(app, base_url="https://testserver")


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return https_client(app)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


@dataclass
class World:
    deployment: Deployment
    app: FastAPI
    password: str = PASSWORD
    organisation_ids: dict[str, int] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)

    def principal(self, username: str) -> Principal:
        from routecare.demo.seed import principal_of

        return principal_of(self.deployment, username)

    def api(self, username: str) -> TestClient:
        client = https_client(self.app)
        client.headers["Authorization"] = (
            f"Bearer {actions.issue_api_token(self.deployment, username)}"
        )
        return client

    def browser(self, username: str) -> TestClient:
        return sign_in(https_client(self.app), username, self.password)


@pytest.fixture
def world(deployment: Deployment, app: FastAPI) -> World:
    return build_world(deployment, app)


def build_world(deployment: Deployment, app: FastAPI) -> World:
    """Two organisations (NER home, ITA other), one user of each role at home, a case worker
    in the other; also used by the browser journeys' seeded template (tests/e2e/sites.py)."""
    built = World(deployment=deployment, app=app)
    home = actions.create_organisation(
        deployment, name="Agadez Child Protection", country="NER", kind=OrganisationKind.NGO
    )
    other = actions.create_organisation(
        deployment, name="Sicily Minors Network", country="ITA", kind=OrganisationKind.NGO
    )
    built.organisation_ids = {"home": home, "other": other}
    for role in Role:
        built.user_ids[role.value] = actions.create_user(
            deployment,
            organisation_id=home,
            user=UserIn(username=role.value, password=PASSWORD, role=role),
        )
    built.user_ids["other_case_worker"] = actions.create_user(
        deployment,
        organisation_id=other,
        user=UserIn(username="other_case_worker", password=PASSWORD, role=Role.CASE_WORKER),
    )
    return built
