"""The attacker of a stolen database copy who also holds the deployment's keyring.

`recovered` reads every column of every table the models declare (so a table added later is
attacked too), unwraps every data key the copy and the deployment's key store still hold with
every master key, tries every
such key on every ciphertext, and reports which of the planted secrets came back, in clear or
decrypted.
"""

from __future__ import annotations

import itertools
import math
import shutil
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from routecare.crypto import Keyring, KeyringError
from routecare.crypto.envelope import NONCE_BYTES, unwrap_data_key
from routecare.crypto.keystore import DataKey
from routecare.deployment import Deployment
from routecare.storage.metadata import all_tables_metadata

Secret = str | bytes | float

# Associated-data names of ciphertexts that are not named after their column.
FIELD_NAMES = (
    "case.note",
    "case.task",
    "case.document",
    "case.document.filename",
    "placement.profile",
    "placement.location",
)


@contextmanager
def database_copy(deployment: Deployment, directory: Path) -> Iterator[Engine]:
    """A copy of the deployment's database as it is now (file copy, or a PostgreSQL clone)."""
    deployment.database.engine.dispose()  # checkpoints SQLite's WAL; PostgreSQL needs no users
    url = make_url(deployment.settings.sqlalchemy_url)
    if url.drivername.startswith("sqlite"):
        source = Path(str(url.database))
        target = directory / f"copy-{uuid.uuid4().hex[:8]}.sqlite3"
        for path in source.parent.glob(source.name + "*"):
            shutil.copy(path, target.parent / path.name.replace(source.name, target.name))
        engine = create_engine(f"sqlite:///{target}")
        yield engine
        engine.dispose()
        return
    name = f"copy_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"'))
    engine = create_engine(url.set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def stored_rows(engine: Engine) -> list[dict[str, Any]]:
    """Every row of every table in the models; the copy has no table the models lack."""
    metadata = all_tables_metadata()
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) - set(metadata.tables) <= {
            "alembic_version"
        }
        return [
            dict(row)
            for table in metadata.sorted_tables
            for row in connection.execute(select(table)).mappings()
        ]


def recovered(engine: Engine, keyring: Keyring, secrets: Mapping[str, Secret]) -> set[str]:
    """The names of the `secrets` an attacker gets back from the copy behind `engine`."""
    rows = stored_rows(engine)
    values = [value for row in rows for value in row.values()]
    texts = [value for value in values if isinstance(value, str)]
    blobs = [bytes(value) for value in values if isinstance(value, bytes | memoryview)]
    numbers = [value for value in values if isinstance(value, float)]
    for plain in _decrypted(rows, blobs, keyring):
        blobs.append(plain)
        texts.append(plain.decode("utf-8", errors="replace"))
    return {name for name, secret in secrets.items() if _found(secret, texts, blobs, numbers)}


def _data_keys(rows: list[dict[str, Any]], keyring: Keyring) -> dict[str, AESGCM]:
    """Every data key still wrapped in some row or in the key store, by the uid it is bound
    to."""
    keys = {}
    if keyring.store is not None:
        with keyring.store.database.transaction() as session:
            stored = session.execute(
                select(DataKey.owner_uid, DataKey.master_key_id, DataKey.wrapped_key)
            ).all()
        for uid, key_id, wrapped in stored:
            keys[uid] = AESGCM(unwrap_data_key(keyring, key_id, wrapped, uid))
    for row in rows:
        uids = [value for value in row.values() if isinstance(value, str)]
        blobs = [bytes(value) for value in row.values() if isinstance(value, bytes | memoryview)]
        for uid, blob, key_id in itertools.product(uids, blobs, keyring.master_keys):
            try:
                keys[uid] = AESGCM(unwrap_data_key(keyring, key_id, blob, uid))
            except (KeyringError, ValueError):
                continue
    return keys


def _decrypted(rows: list[dict[str, Any]], blobs: list[bytes], keyring: Keyring) -> list[bytes]:
    metadata = all_tables_metadata()
    columns = {column.name for table in metadata.tables.values() for column in table.columns}
    fields = columns | {f"case.{name}" for name in columns} | set(FIELD_NAMES)
    opened = []
    for uid, aead in _data_keys(rows, keyring).items():
        aads = [f"routecare/field/{uid}/{field}".encode() for field in fields]
        for blob in blobs:
            for aad in aads:
                try:
                    opened.append(aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad))
                    break
                except (InvalidTag, ValueError):
                    continue
    return opened


def _found(secret: Secret, texts: list[str], blobs: list[bytes], numbers: list[float]) -> bool:
    if isinstance(secret, float):
        return any(math.isclose(number, secret, abs_tol=1e-9) for number in numbers) or any(
            repr(secret) in value for value in texts
        )
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    return any(raw in blob for blob in blobs) or (
        isinstance(secret, str) and any(secret in value for value in texts)
    )
