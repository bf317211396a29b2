"""One seeded site per test session, cloned for each journey.

Seeding (accounts, a case at the care-plan stage, consent, an overdue task, a referral, a held
bed, an escalated request: `tests/web/scenario.py`) is the slow part of a journey, and every
journey changes what it finds (approves, accepts, creates). So the session seeds one data
directory once (database, key store, keyring, audit witness) and each journey runs on a copy
of it, behind its own server: a file copy instead of a second seeding.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from routecare.app import create_app
from routecare.config import Settings
from routecare.crypto.keyring import Keyring
from routecare.deployment import Deployment
from routecare.storage.migrate import upgrade
from tests.conftest import World, build_world
from tests.web.scenario import Queues, fill_every_queue

DATABASE = "routecare.sqlite3"


@dataclass(frozen=True)
class Seeded:
    """The seeded data directory and what a journey needs to know of it."""

    data_dir: Path
    organisation_ids: dict[str, int]
    user_ids: dict[str, int]
    queues: Queues


@dataclass(frozen=True)
class Site:
    """A running copy of the seeded site: its world (for API checks), queues and address."""

    world: World
    queues: Queues
    base: str


def _settings(data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / DATABASE}",
        two_factor_required=False,
    )


def seed(data_dir: Path, migrated_database: Path) -> Seeded:
    """Build the site every journey starts from, in `data_dir` (a migrated empty database is
    copied in first: migrating is the other slow part)."""
    data_dir.mkdir(parents=True)
    shutil.copy(migrated_database, data_dir / DATABASE)
    Keyring.generate().save(data_dir / "keyring.json")
    settings = _settings(data_dir)
    deployment = Deployment.open(settings, create_keyring=True)
    try:
        upgrade(deployment.database)
        world = build_world(deployment, create_app(settings, deployment))
        queues = fill_every_queue(world)
    finally:
        deployment.close()
    return Seeded(data_dir, dict(world.organisation_ids), dict(world.user_ids), queues)


@contextmanager
def cloned(
    seeded: Seeded, folder: Path, serve: Callable[[FastAPI], AbstractContextManager[str]]
) -> Iterator[Site]:
    """A copy of the seeded site in `folder`, served by `serve` while the journey runs."""
    data_dir = folder / "data"
    shutil.copytree(seeded.data_dir, data_dir)
    settings = _settings(data_dir)
    deployment = Deployment.open(settings)
    try:
        app = create_app(settings, deployment)
        world = World(
            deployment=deployment,
            app=app,
            organisation_ids=dict(seeded.organisation_ids),
            user_ids=dict(seeded.user_ids),
        )
        with serve(app) as base:
            yield Site(world, seeded.queues, base)
    finally:
        deployment.close()
