"""Master-key rotation re-wraps every wrapped key there is (found from the models), keeps every
encrypted field readable, and survives being killed at any point."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import time
import uuid
from contextlib import closing

import pytest
from sqlalchemy import Column, LargeBinary, MetaData, Table

from routecare.config import Settings
from routecare.crypto.keystore import KeyStoreBase, new_ciphers, store_of
from routecare.crypto.rotation import wrapped_key_locations
from routecare.crypto.wrapped import WrappedKey, wrapped_key_tables
from routecare.deployment import Deployment
from routecare.storage.metadata import all_tables_metadata
from tests.conftest import World
from tests.crypto.helpers import api_client, start_cli
from tests.screening.test_score_cli import strong_child_purpose


def _columns_holding_wrapped_keys(metadata: MetaData) -> set[str]:
    """By type, and by name so that one stored as plain bytes is caught as well."""
    return {
        f"{table.name}.{column.name}"
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, WrappedKey)
        or (isinstance(column.type, LargeBinary) and re.search(r"wrapped|data_?key", column.name))
    }


def test_rotation_covers_every_column_holding_wrapped_keys(deployment: Deployment) -> None:
    found = _columns_holding_wrapped_keys(KeyStoreBase.metadata) | _columns_holding_wrapped_keys(
        all_tables_metadata()
    )
    rotated = {f"{table.name}.wrapped_key" for _, table in wrapped_key_locations(deployment)}
    assert found, "the key store holds wrapped keys"
    assert found == rotated


def test_the_main_database_holds_no_wrapped_key() -> None:
    assert _columns_holding_wrapped_keys(all_tables_metadata()) == set()


def test_a_table_of_wrapped_keys_must_say_whose_and_under_which_master_key() -> None:
    metadata = MetaData()
    Table("loose_keys", metadata, Column("key", WrappedKey))
    with pytest.raises(TypeError, match="loose_keys"):
        wrapped_key_tables([metadata])


def _keys_under(settings: Settings, key_id: str) -> int:
    with closing(sqlite3.connect(settings.data_dir / "keystore.sqlite3", timeout=30)) as store:
        query = "SELECT count(*) FROM data_keys WHERE master_key_id = ?"
        return int(store.execute(query, (key_id,)).fetchone()[0])


def _master_keys(settings: Settings) -> list[str]:
    try:
        return list(json.loads(settings.keyring_path.read_text())["master_keys"])
    except (json.JSONDecodeError, KeyError):
        return []


@pytest.mark.parametrize("kill_after", [0, 1, 150], ids=lambda n: f"after {n} re-wrapped")
def test_a_rotation_killed_midway_leaves_everything_readable_and_a_rerun_finishes(
    world: World, kill_after: int
) -> None:
    settings = world.deployment.settings
    caseworker = world.api("case_worker")
    children = [
        caseworker.post("/api/v1/children", json={"given_name": f"Mariam {n}", "sex": "female"})
        for n in range(3)
    ]
    references = [child.json()["reference"] for child in children]
    screenings = []
    for number in range(2):
        body = {"answers": strong_child_purpose(), "location": f"Zuwara port {number}"}
        screenings.append(world.api("screener").post("/api/v1/screenings", json=body).json())
    extra = new_ciphers(world.deployment.keyring, [uuid.uuid4().hex for _ in range(300)])
    store = store_of(world.deployment.keyring)
    data_keys = {uid: store.data_key(world.deployment.keyring, uid) for uid in extra}
    total = _keys_under(settings, "m1")
    world.deployment.close()

    rotation = start_cli(settings, "keys", "rotate", ROUTECARE_KEY_ROTATION_BATCH_SIZE="1")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and rotation.poll() is None:
        if len(_master_keys(settings)) == 2 and _keys_under(settings, "m2") >= kill_after:
            rotation.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    rotation.communicate(timeout=60)
    assert rotation.returncode == -signal.SIGKILL, "the rotation finished before it was killed"
    assert _master_keys(settings) == ["m1", "m2"]
    assert kill_after <= _keys_under(settings, "m2") < total  # really killed midway

    def readable() -> None:
        deployment, client = api_client(settings, "case_worker")
        try:
            for reference, child in zip(references, children, strict=True):
                record = client.get(f"/api/v1/children/{reference}").json()
                assert record["given_name"] == child.json()["given_name"]
            for screening in screenings:
                read = client.get(f"/api/v1/screenings/{screening['reference']}").json()
                assert read["location"] == screening["location"]
            keys = store_of(deployment.keyring)
            assert {uid: keys.data_key(deployment.keyring, uid) for uid in extra} == data_keys
        finally:
            deployment.close()

    readable()
    rerun = start_cli(settings, "keys", "rotate")
    output, errors = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, errors
    assert _master_keys(settings) == ["m2"]  # resumed, not a third key
    assert _keys_under(settings, "m2") == total
    readable()
