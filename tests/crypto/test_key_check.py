"""A database is never served under keys that cannot read it, and keys are never created for a
database that holds data: a missing, different or damaged keyring, or a missing or foreign key
store, makes `routecare serve` and every command exit non-zero saying why."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from routecare.config import Settings
from routecare.crypto.keyring import Keyring
from routecare.deployment import Deployment
from tests.cli_runner import run_cli
from tests.conftest import World
from tests.crypto.helpers import start_cli


def _missing_keyring(settings: Settings) -> None:
    settings.keyring_path.unlink()


def _different_keyring(settings: Settings) -> None:
    Keyring.generate().save(settings.keyring_path)


def _truncated_keyring(settings: Settings) -> None:
    text = settings.keyring_path.read_text()
    settings.keyring_path.write_text(text[: len(text) // 2])


def _damaged_master_key(settings: Settings) -> None:
    """Well-formed, so only a check value can tell: one byte of the master key flipped."""
    data = json.loads(settings.keyring_path.read_text())
    raw = bytearray(base64.b64decode(data["master_keys"][data["active"]]))
    raw[0] ^= 1
    data["master_keys"][data["active"]] = base64.b64encode(bytes(raw)).decode()
    settings.keyring_path.write_text(json.dumps(data))


def _damaged_audit_key(settings: Settings) -> None:
    data = json.loads(settings.keyring_path.read_text())
    data["audit_key"] = base64.b64encode(os.urandom(32)).decode()
    settings.keyring_path.write_text(json.dumps(data))


def _missing_key_store(settings: Settings) -> None:
    for path in settings.data_dir.glob(KEYSTORE_FILE + "*"):
        path.unlink()


def _damaged_key_store(settings: Settings) -> None:
    _missing_key_store(settings)
    (settings.data_dir / KEYSTORE_FILE).write_bytes(b"not a database at all" * 100)


def _foreign_key_store(settings: Settings, tmp_path: Path) -> None:
    """Another deployment's key store (and keyring: its own keys, all consistent)."""
    other = Settings(data_dir=tmp_path / "other")
    Deployment.open(other, create_keyring=True).close()
    _missing_key_store(settings)
    shutil.copy(other.data_dir / KEYSTORE_FILE, settings.data_dir / KEYSTORE_FILE)


DAMAGE: dict[str, Callable[[Settings], None]] = {
    "missing keyring": _missing_keyring,
    "different keyring": _different_keyring,
    "truncated keyring": _truncated_keyring,
    "damaged master key": _damaged_master_key,
    "damaged audit key": _damaged_audit_key,
    "missing key store": _missing_key_store,
    "damaged key store": _damaged_key_store,
}
KEYSTORE_FILE = "keystore.sqlite3"  # the default key store, in the data directory
EXPECTED_REASON = {
    "missing keyring": "keyring",
    "different keyring": "keyring",
    "truncated keyring": "keyring is malformed",
    "damaged master key": "master key m1",
    "damaged audit key": "keyring",
    "missing key store": "key store",
    "damaged key store": "key store",
}


def _with_data(world: World) -> Settings:
    """A deployment holding a child's record, closed (its keys then go wrong)."""
    response = world.api("case_worker").post(
        "/api/v1/children", json={"given_name": "Aminata", "sex": "female", "age": 12}
    )
    assert response.status_code == 201
    world.deployment.close()
    return world.deployment.settings


def _key_files(settings: Settings) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in sorted(settings.data_dir.iterdir())
        if path.name.startswith(("keyring", "keystore"))
    }


@pytest.mark.parametrize("damage", DAMAGE, ids=str)
def test_every_command_refuses_keys_that_cannot_read_the_database(
    world: World, damage: str
) -> None:
    settings = _with_data(world)
    DAMAGE[damage](settings)
    before = _key_files(settings)
    for command in (["users", "token", "case_worker"], ["db", "upgrade"], ["demo", "--no-serve"]):
        result = run_cli(world.deployment, *command)
        assert result.exit_code != 0, (command, result.output)
        assert "refusing to start: the database holds data" in result.output
        assert EXPECTED_REASON[damage] in result.output
    assert _key_files(settings) == before  # no keyring or key store created or changed


def test_a_foreign_key_store_is_refused(world: World, tmp_path: Path) -> None:
    settings = _with_data(world)
    _foreign_key_store(settings, tmp_path)
    result = run_cli(world.deployment, "users", "token", "case_worker")
    assert result.exit_code != 0
    assert "belongs to another deployment" in result.output


@pytest.mark.parametrize(
    "damage", ["missing keyring", "different keyring", "missing key store"], ids=str
)
def test_serve_refuses_to_start_and_serves_nothing(world: World, damage: str) -> None:
    settings = _with_data(world)
    DAMAGE[damage](settings)
    before = _key_files(settings)
    server = start_cli(settings, "serve", "--port", "0")
    try:
        _, errors = server.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.communicate()
        pytest.fail(f"serve started with a {damage}")
    assert server.returncode != 0
    assert "refusing to start: the database holds data" in errors
    assert "Uvicorn running" not in errors and "Traceback" not in errors
    assert _key_files(settings) == before


def test_keys_are_created_only_for_an_empty_database(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    settings.data_dir.mkdir()
    server = start_cli(settings, "serve", "--port", "0")
    _, errors = server.communicate(timeout=60)
    assert server.returncode != 0 and "the database is empty" in errors
    assert _key_files(settings) == {}
    created = start_cli(settings, "db", "upgrade")
    created.communicate(timeout=120)
    assert created.returncode == 0
    assert set(_key_files(settings)) >= {"keyring.json", KEYSTORE_FILE}
    for name in ("keyring.json", KEYSTORE_FILE):
        assert (settings.data_dir / name).stat().st_mode & 0o077 == 0
    Deployment.open(settings).close()  # the new keys open the new database
