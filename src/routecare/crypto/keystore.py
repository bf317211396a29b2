"""The key store: every data key (children's and screenings') and every erasure, kept outside
the main database.

A backup of the main database therefore holds ciphertext and no key at all: erasing a child
deletes its data key here and leaves a tombstone (uid, time), so an older database backup
restored later opens with nothing, and `routecare db restore` replays the tombstones onto it.
Data keys are wrapped by the keyring's master keys. The store also holds its deployment's id
(the main database's key check value names it) and a check value of each master key, so a
different or damaged keyring is refused instead of used.

Default: `DATA_DIR/keystore.sqlite3` (mode 0600); `ROUTECARE_KEYSTORE_URL` puts it in another
database (e.g. a second PostgreSQL database). Four tables with no migration history: they are
created on first use and any future change is a new table, so Alembic would add nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import MetaData, String, delete, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from routecare.clock import utcnow
from routecare.crypto.envelope import ChildCipher, new_data_key, unwrap_data_key, wrap_data_key
from routecare.crypto.keyring import Keyring, KeyringError
from routecare.crypto.wrapped import WrappedKeyColumns
from routecare.errors import NotFound
from routecare.storage.base import NAMING_CONVENTION, UTCDateTime
from routecare.storage.database import Database

KEYSTORE_FILE = "keystore.sqlite3"
CHUNK = 500  # uids per IN (...) list


class KeyStoreBase(DeclarativeBase):
    """The key store's own tables (never in the main database's metadata)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DataKey(WrappedKeyColumns, KeyStoreBase):
    """One owner's (child's or screening's) data key, wrapped by a master key."""

    __tablename__ = "data_keys"

    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Erasure(KeyStoreBase):
    """Tombstone of a destroyed data key: replayed onto any restored database."""

    __tablename__ = "erasures"

    owner_uid: Mapped[str] = mapped_column(String(32), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KeyStoreIdentity(KeyStoreBase):
    """The deployment this store belongs to (one row)."""

    __tablename__ = "key_store_identity"

    deployment_id: Mapped[str] = mapped_column(String(32), primary_key=True)


class MasterKeyCheck(KeyStoreBase):
    """HMAC of a fixed label under a master key: tells a damaged or foreign key from the right
    one without storing anything that opens a data key."""

    __tablename__ = "master_key_checks"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    check_value: Mapped[str] = mapped_column(String(64))


class DataKeyDestroyed(NotFound):
    """The owner was erased: its data key no longer exists anywhere."""


def master_key_check(key: bytes) -> str:
    return hmac.new(key, b"routecare/master-key-check/v1", hashlib.sha256).hexdigest()


class KeyStore:
    """The store of one deployment; every method is one transaction of its own."""

    def __init__(self, database: Database, location: str) -> None:
        self.database = database
        self.location = location

    @classmethod
    def open(cls, url: str | None, data_dir: Path, *, create: bool = False) -> KeyStore:
        """Connect to the store (`url`, or the data directory's file). Without `create` a
        missing, empty or unreadable store is refused with a KeyringError."""
        if url is None:
            path = (data_dir / KEYSTORE_FILE).resolve()
            location = str(path)
            if not path.exists():
                if not create:
                    raise KeyringError(f"the key store {location} is missing")
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            url = f"sqlite:///{path}"
        else:
            location = make_url(url).render_as_string(hide_password=True)
        store = cls(Database(url), location)
        try:
            if create:
                KeyStoreBase.metadata.create_all(store.database.engine)
            present = set(inspect(store.database.engine).get_table_names())
        except SQLAlchemyError as error:
            store.close()
            raise KeyringError(f"the key store {location} is damaged: {error}") from error
        if not set(KeyStoreBase.metadata.tables) <= present:
            store.close()
            raise KeyringError(f"the key store {location} is empty or damaged (tables missing)")
        return store

    def close(self) -> None:
        self.database.dispose()

    # Identity and master-key checks -----------------------------------------------------

    def identity(self) -> str | None:
        with self.database.transaction() as session:
            return session.execute(select(KeyStoreIdentity.deployment_id)).scalar()

    def is_unused(self) -> bool:
        """No data key and no erasure yet: safe to bind to a new database."""
        with self.database.transaction() as session:
            keys = session.execute(select(func.count()).select_from(DataKey)).scalar_one()
            erasures = session.execute(select(func.count()).select_from(Erasure)).scalar_one()
        return keys + erasures == 0

    def bind(self, deployment_id: str, keyring: Keyring) -> None:
        """Make this (unused) store the one of `deployment_id`, checking `keyring`'s keys."""
        with self.database.transaction() as session:
            session.execute(delete(KeyStoreIdentity))
            session.execute(delete(MasterKeyCheck))
            session.add(KeyStoreIdentity(deployment_id=deployment_id))
            for key_id, key in keyring.master_keys.items():
                session.add(MasterKeyCheck(key_id=key_id, check_value=master_key_check(key)))

    def verify_master_keys(self, keyring: Keyring) -> None:
        """Refuse a keyring whose master keys are not this store's, or that lacks one in use."""
        with self.database.transaction() as session:
            rows = session.execute(select(MasterKeyCheck.key_id, MasterKeyCheck.check_value))
            checks = {key_id: check for key_id, check in rows}
            in_use = set(session.execute(select(DataKey.master_key_id).distinct()).scalars())
        for key_id, key in keyring.master_keys.items():
            if key_id not in checks:
                raise KeyringError(
                    f"master key {key_id} of the keyring is unknown to the key store"
                )
            if not hmac.compare_digest(checks[key_id], master_key_check(key)):
                raise KeyringError(f"master key {key_id} of the keyring is damaged or foreign")
        for key_id in sorted(in_use - set(keyring.master_keys)):
            raise KeyringError(
                f"the keyring lacks master key {key_id}, which wraps stored data keys"
            )

    def record_master_key(self, key_id: str, key: bytes) -> None:
        with self.database.transaction() as session:
            session.merge(MasterKeyCheck(key_id=key_id, check_value=master_key_check(key)))

    def forget_master_key(self, key_id: str) -> None:
        with self.database.transaction() as session:
            session.execute(delete(MasterKeyCheck).where(MasterKeyCheck.key_id == key_id))

    # Data keys ----------------------------------------------------------------------------

    def create(self, keyring: Keyring, owner_uids: Sequence[str]) -> dict[str, bytes]:
        """New data keys for new owners, stored wrapped in one transaction; the clear keys are
        returned to encrypt with. Stored before the owners' rows commit, so no row ever refers
        to a key that is not there (a rolled-back row leaves an unused key behind)."""
        now = utcnow()
        keys = {uid: new_data_key() for uid in owner_uids}
        with self.database.transaction() as session:
            for uid, key in keys.items():
                key_id, wrapped = wrap_data_key(keyring, key, uid)
                session.add(
                    DataKey(
                        owner_uid=uid, master_key_id=key_id, wrapped_key=wrapped, created_at=now
                    )
                )
        return keys

    def data_key(self, keyring: Keyring, owner_uid: str) -> bytes:
        return self.data_keys(keyring, [owner_uid])[owner_uid]

    def data_keys(self, keyring: Keyring, owner_uids: Iterable[str]) -> dict[str, bytes]:
        """The data keys of many owners in one transaction and one query per CHUNK uids, so a
        list page costs the same few queries however many children it shows. A missing key
        refuses the whole read: DataKeyDestroyed if its owner was erased."""
        uids = sorted(set(owner_uids))
        if not uids:
            return {}
        with self.database.transaction() as session:
            wrapped = _wrapped_keys(session, uids)
            missing = [uid for uid in uids if uid not in wrapped]
            if missing:
                erased = select(Erasure.owner_uid).where(Erasure.owner_uid.in_(missing[:CHUNK]))
                if session.execute(erased.limit(1)).first() is not None:
                    raise DataKeyDestroyed("that record was erased")
                raise KeyringError(f"the key store holds no data key for {missing[0]}")
        return _unwrapped(keyring, wrapped)

    def existing_data_keys(self, keyring: Keyring, owner_uids: Iterable[str]) -> dict[str, bytes]:
        """`data_keys` for batch readers such as the observatory's refresh: owners erased or
        unknown are left out instead of refusing the read."""
        with self.database.transaction() as session:
            wrapped = _wrapped_keys(session, sorted(set(owner_uids)))
        return _unwrapped(keyring, wrapped)

    def destroy(self, owner_uids: Iterable[str]) -> None:
        """Delete the data keys and leave a tombstone for each (idempotent)."""
        uids = sorted(set(owner_uids))
        now = utcnow()
        with self.database.transaction() as session:
            for start in range(0, len(uids), CHUNK):
                chunk = uids[start : start + CHUNK]
                session.execute(delete(DataKey).where(DataKey.owner_uid.in_(chunk)))
                known = set(
                    session.execute(
                        select(Erasure.owner_uid).where(Erasure.owner_uid.in_(chunk))
                    ).scalars()
                )
                session.add_all(
                    Erasure(owner_uid=u, erased_at=now) for u in chunk if u not in known
                )

    def erased(self) -> list[str]:
        """Uids of every owner whose key was destroyed."""
        with self.database.transaction() as session:
            return list(session.execute(select(Erasure.owner_uid)).scalars())


def store_of(keyring: Keyring) -> KeyStore:
    if keyring.store is None:
        raise KeyringError("this keyring is not bound to a key store (use Deployment.open)")
    return keyring.store


def new_ciphers(keyring: Keyring, owner_uids: Sequence[str]) -> dict[str, ChildCipher]:
    """Ciphers under fresh data keys for new owners (one key store transaction for all)."""
    keys = store_of(keyring).create(keyring, owner_uids)
    return {uid: ChildCipher(key, uid) for uid, key in keys.items()}


def new_cipher(keyring: Keyring, owner_uid: str) -> ChildCipher:
    """A cipher under a fresh data key for a new child or screening."""
    return new_ciphers(keyring, [owner_uid])[owner_uid]


def _wrapped_keys(session: Session, uids: Sequence[str]) -> dict[str, tuple[str, bytes]]:
    """Owner uid -> (master key id, wrapped data key), one query per CHUNK uids."""
    wrapped: dict[str, tuple[str, bytes]] = {}
    for start in range(0, len(uids), CHUNK):
        rows = session.execute(
            select(DataKey.owner_uid, DataKey.master_key_id, DataKey.wrapped_key).where(
                DataKey.owner_uid.in_(uids[start : start + CHUNK])
            )
        )
        wrapped |= {uid: (key_id, key) for uid, key_id, key in rows}
    return wrapped


def _unwrapped(keyring: Keyring, wrapped: dict[str, tuple[str, bytes]]) -> dict[str, bytes]:
    return {
        uid: unwrap_data_key(keyring, key_id, key, uid) for uid, (key_id, key) in wrapped.items()
    }


def cipher_of(keyring: Keyring, owner_uid: str) -> ChildCipher:
    """The cipher of an existing owner; DataKeyDestroyed (a NotFound) once it was erased."""
    return ChildCipher(store_of(keyring).data_key(keyring, owner_uid), owner_uid)


def existing_ciphers(keyring: Keyring, owner_uids: Iterable[str]) -> dict[str, ChildCipher]:
    """Ciphers of many owners at once; erased owners are absent from the answer."""
    keys = store_of(keyring).existing_data_keys(keyring, owner_uids)
    return {uid: ChildCipher(key, uid) for uid, key in keys.items()}


def ciphers_of(keyring: Keyring, owner_uids: Iterable[str]) -> dict[str, ChildCipher]:
    """The ciphers of many existing owners, their keys read in one batch (list pages); an
    erased owner refuses the whole read."""
    keys = store_of(keyring).data_keys(keyring, owner_uids)
    return {uid: ChildCipher(key, uid) for uid, key in keys.items()}


def destroy_data_keys(keyring: Keyring, owner_uids: Iterable[str]) -> None:
    """Erase owners (children, screenings) for good: their data keys are deleted from the key
    store and tombstones recorded, so no database copy, old or new, opens with them again."""
    store_of(keyring).destroy(owner_uids)
