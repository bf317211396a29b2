"""Erasure holds against backups: a database backup taken before a child's erasure, restored
after it beside the deployment's keys, yields nothing of the child, through the app or by
attacking the backup file directly with every key the deployment holds."""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from routecare.config import Settings
from routecare.crypto.keyring import Keyring
from routecare.deployment import Deployment
from tests.cli_runner import run_cli
from tests.conftest import World
from tests.crypto.backup_files import Rows, backup_rows
from tests.crypto.helpers import api_client

NAME = {"given_name": "Zaynabou", "family_name": "Kourouma-Tembely"}
CHILD = {**NAME, "sex": "female", "age": 13, "nationality": "GIN"}


def _open(key: bytes, blob: bytes, aad: bytes) -> bytes | None:
    """The attacker's decryption attempt (the product's nonce-prefixed AES-GCM layout)."""
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], aad)
    except (InvalidTag, ValueError):
        return None


def _every_key_an_attacker_has(settings: Settings, rows: Rows, uid: str) -> list[bytes]:
    """Master keys from the keyring, every data key they unwrap from the key store, and any
    blob in the backup that unwraps as a data key of `uid` under a master key."""
    keyring = Keyring.from_json(settings.keyring_path.read_text())
    masters = list(keyring.master_keys.values())
    keys = list(masters)
    store = settings.data_dir / "keystore.sqlite3"
    if store.exists():
        with closing(sqlite3.connect(store)) as db:
            stored = db.execute("SELECT owner_uid, wrapped_key FROM data_keys").fetchall()
        for owner, wrapped in stored:
            keys += [
                k
                for m in masters
                if (k := _open(m, wrapped, f"routecare/data-key/{owner}".encode()))
            ]
    blobs = [
        v for table in rows.values() for row in table for v in row.values() if isinstance(v, bytes)
    ]
    aad = f"routecare/data-key/{uid}".encode()
    keys += [k for blob in blobs for m in masters if (k := _open(m, blob, aad))]
    return keys


def test_an_old_backup_restored_after_erasure_yields_no_identity(
    world: World, tmp_path: Path
) -> None:
    settings = world.deployment.settings
    reference = world.api("case_worker").post("/api/v1/children", json=CHILD).json()["reference"]
    kept = world.api("case_worker").post("/api/v1/children", json={**CHILD, "given_name": "Awa"})
    backup = tmp_path / "before-erasure.backup"
    assert run_cli(world.deployment, "db", "backup", str(backup)).exit_code == 0
    erasure = world.api("data_protection_officer").post(f"/api/v1/children/{reference}/erasure")
    assert erasure.status_code == 204
    world.deployment.close()  # the server is stopped for a restore

    restored = run_cli(world.deployment, "db", "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "1 erasures made since replayed" in restored.output

    deployment, client = api_client(settings, "case_worker")
    try:
        assert client.get(f"/api/v1/children/{reference}").status_code == 404
        other = client.get(f"/api/v1/children/{kept.json()['reference']}").json()
        assert other["given_name"] == "Awa"  # the restore did bring the backup back
    finally:
        deployment.close()

    # The backup file itself, attacked with the deployment's current keyring and key store.
    rows = backup_rows(backup, world.deployment.database.is_sqlite)
    (erased,) = [row for row in rows["children"] if row["reference"] == reference]
    assert erased["given_name"] is not None  # the backup does hold the ciphertext
    keys = _every_key_an_attacker_has(settings, rows, erased["uid"])
    assert keys  # the attacker does hold keys: the master keys, the other child's data key
    for field in NAME:
        aad = f"routecare/field/{erased['uid']}/{field}".encode()
        assert all(_open(key, erased[field], aad) is None for key in keys), field


def test_a_database_backup_holds_no_key(world: World, tmp_path: Path) -> None:
    world.api("case_worker").post("/api/v1/children", json=CHILD)
    world.api("screener").post("/api/v1/screenings", json={"location": "Agadez bus station"})
    backup = tmp_path / "copy.backup"
    assert run_cli(world.deployment, "db", "backup", str(backup)).exit_code == 0
    rows = backup_rows(backup, world.deployment.database.is_sqlite)
    keyring = world.deployment.keyring
    secrets = {*keyring.master_keys.values(), keyring.audit_key, keyring.index_key}
    owners = [row["uid"] for table in ("children", "screenings") for row in rows[table]]
    assert len(owners) == 2
    for table in rows.values():
        for row in table:
            for value in row.values():
                if not isinstance(value, bytes):
                    continue
                assert not any(secret in value for secret in secrets)
                for owner in owners:  # no blob is a data key wrapped for any owner
                    aad = f"routecare/data-key/{owner}".encode()
                    assert all(_open(m, value, aad) is None for m in keyring.master_keys.values())


def test_a_restore_brings_the_backup_back_and_keeps_the_keys(world: World, tmp_path: Path) -> None:
    caseworker = world.api("case_worker")
    first = caseworker.post("/api/v1/children", json=CHILD).json()["reference"]
    backup = tmp_path / "one-child.backup"
    assert run_cli(world.deployment, "db", "backup", str(backup)).exit_code == 0
    later = caseworker.post("/api/v1/children", json={**CHILD, "given_name": "Awa"})
    keys_before = {
        path.name: path.read_bytes() for path in world.deployment.settings.data_dir.glob("key*")
    }
    world.deployment.close()
    restored = run_cli(world.deployment, "db", "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "0 erasures" in restored.output
    deployment, client = api_client(world.deployment.settings, "case_worker")
    try:
        assert client.get(f"/api/v1/children/{first}").json()["family_name"] == CHILD["family_name"]
        assert client.get(f"/api/v1/children/{later.json()['reference']}").status_code == 404
        assert run_cli(deployment, "audit", "verify").exit_code == 0
    finally:
        deployment.close()
    assert keys_before["keyring.json"] == (world.deployment.settings.keyring_path).read_bytes()


def _another_database(world: World) -> str | None:
    """An empty database beside the world's: SQLite by default, or a new PostgreSQL one."""
    if world.deployment.database.is_sqlite:
        return None
    url = make_url(world.deployment.settings.sqlalchemy_url)
    name = f"other_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def test_a_backup_of_another_deployment_is_refused(world: World, tmp_path: Path) -> None:
    reference = world.api("case_worker").post("/api/v1/children", json=CHILD).json()["reference"]
    other_settings = Settings(data_dir=tmp_path / "other", database_url=_another_database(world))
    other = Deployment.open(other_settings, create_keyring=True)
    foreign = tmp_path / "foreign.backup"
    assert run_cli(other, "db", "backup", str(foreign)).exit_code == 0
    other.close()
    world.deployment.close()
    refused = run_cli(world.deployment, "db", "restore", str(foreign))
    assert refused.exit_code == 1
    assert "is not a backup of this deployment" in refused.output
    missing = run_cli(world.deployment, "db", "restore", str(tmp_path / "nothing-here"))
    assert missing.exit_code == 1 and "no backup file" in missing.output
    deployment, client = api_client(world.deployment.settings, "case_worker")
    try:  # nothing was replaced
        assert client.get(f"/api/v1/children/{reference}").json()["given_name"] == "Zaynabou"
    finally:
        deployment.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_lost_database_comes_back_from_its_backup(world: World, tmp_path: Path) -> None:
    reference = world.api("case_worker").post("/api/v1/children", json=CHILD).json()["reference"]
    backup = tmp_path / "nightly.backup"
    assert run_cli(world.deployment, "db", "backup", str(backup)).exit_code == 0
    world.deployment.close()
    database = Path(str(make_url(world.deployment.settings.sqlalchemy_url).database))
    for path in database.parent.glob(database.name + "*"):
        path.unlink()
    refused = run_cli(world.deployment, "users", "token", "case_worker")
    assert refused.exit_code == 1 and "database is empty" in refused.output
    restored = run_cli(world.deployment, "db", "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    deployment, client = api_client(world.deployment.settings, "case_worker")
    try:
        assert client.get(f"/api/v1/children/{reference}").json()["given_name"] == "Zaynabou"
    finally:
        deployment.close()
