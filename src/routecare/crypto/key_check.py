"""Opening a deployment's keys, or refusing to: keys that cannot read what is stored are never
used, and keys are created for an empty database only.

The main database holds a key check value (routecare.crypto.models.KeyCheck): an HMAC under
the keyring's audit and index keys of the deployment id, which the key store holds as well.
The key store holds a check value per master key. A missing, different or damaged keyring, or
a missing or foreign key store, is a KeyringError that says which and why.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import replace

from sqlalchemy import inspect, select, text

from routecare.clock import utcnow
from routecare.config import Settings
from routecare.crypto.keyring import Keyring, KeyringError, load_keyring
from routecare.crypto.keystore import KeyStore
from routecare.crypto.models import KeyCheck
from routecare.storage.database import Database

REFUSAL = "refusing to start: the database holds data"


def key_check_value(keyring: Keyring, deployment_id: str) -> str:
    """The check value of `keyring` for one deployment (reveals nothing about the keys)."""
    label = f"routecare/key-check/v1/{deployment_id}".encode()
    return hmac.new(keyring.audit_key + keyring.index_key, label, hashlib.sha256).hexdigest()


def stored_key_check(database: Database) -> KeyCheck | None:
    """The database's key check row; None before one was written (or the schema has none)."""
    if "key_check" not in inspect(database.engine).get_table_names():
        return None
    with database.transaction() as session:
        return session.execute(select(KeyCheck)).scalar()


def holds_data(database: Database) -> bool:
    """Any row in any of the deployment's tables (its schema version aside)."""
    from routecare.storage.metadata import all_tables_metadata

    present = set(inspect(database.engine).get_table_names())
    tables = [name for name in all_tables_metadata().tables if name in present]
    with database.engine.connect() as connection:
        return any(
            connection.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() is not None
            for name in tables
        )


def open_keys(settings: Settings, database: Database, *, create: bool = False) -> Keyring:
    """The keyring bound to its key store, verified against the database; with `create`, an
    empty database gets keys (the keyring given, or a new one) and its check value."""
    stored = stored_key_check(database)
    if stored is None and not holds_data(database):
        if not create:
            raise KeyringError(
                "the database is empty: `routecare db upgrade` (or `routecare demo`) creates a "
                "new deployment and its keys; `routecare db restore FILE` brings a lost one back"
            )
        return _create_keys(settings, database)
    if stored is None:
        raise KeyringError(f"{REFUSAL} but no key check value, so no keys can be trusted with it")
    return verified_keys(settings, stored.deployment_id, stored.check_value)


def _create_keys(settings: Settings, database: Database) -> Keyring:
    from routecare.storage.migrate import upgrade

    keyring = load_keyring(settings.keyring, settings.keyring_path, create=True)
    store = KeyStore.open(settings.keystore_url, settings.data_dir, create=True)
    try:
        if not store.is_unused():
            raise KeyringError(
                f"the key store {store.location} holds the keys of another database; "
                "restore that database, or move the key store away to start afresh"
            )
        deployment_id = uuid.uuid4().hex
        store.bind(deployment_id, keyring)
        upgrade(database)
        with database.transaction() as session:
            session.add(
                KeyCheck(
                    deployment_id=deployment_id,
                    check_value=key_check_value(keyring, deployment_id),
                    created_at=utcnow(),
                )
            )
    except BaseException:
        store.close()
        raise
    return replace(keyring, store=store)


def verified_keys(settings: Settings, deployment_id: str, check_value: str) -> Keyring:
    """The deployment's keys if they match the check value a database holds, else a refusal."""
    try:
        keyring = load_keyring(settings.keyring, settings.keyring_path)
    except KeyringError as error:
        raise KeyringError(f"{REFUSAL} and {error}; restore the keyring from its backup") from error
    if not hmac.compare_digest(key_check_value(keyring, deployment_id), check_value):
        raise KeyringError(
            f"{REFUSAL} under other keys: the keyring {_keyring_source(settings)} does not match "
            "it (a different or damaged keyring); restore the right keyring"
        )
    try:
        store = KeyStore.open(settings.keystore_url, settings.data_dir)
    except KeyringError as error:
        raise KeyringError(f"{REFUSAL} and {error}; restore the key store") from error
    try:
        if store.identity() != deployment_id:
            raise KeyringError(
                f"{REFUSAL} and the key store {store.location} belongs to another deployment"
            )
        store.verify_master_keys(keyring)
    except KeyringError as error:
        store.close()
        if str(error).startswith(REFUSAL):
            raise
        raise KeyringError(f"{REFUSAL} and {error}") from error
    except BaseException:
        store.close()
        raise
    return replace(keyring, store=store)


def _keyring_source(settings: Settings) -> str:
    return "from ROUTECARE_KEYRING" if settings.keyring else str(settings.keyring_path)
