"""Engine and transactions.

SQLite runs in WAL mode with foreign keys on and synchronous FULL, and every transaction
starts with BEGIN IMMEDIATE: almost every request writes an audit entry, and taking the write
lock up front avoids the deadlock of two readers upgrading to writers at once. Deleted content
is overwritten with zeros (secure_delete), so an erased row does not linger in a free page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The sqlite3 module's own transaction handling is off so BEGIN IMMEDIATE below is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The deployment's database: an engine and a factory of one-transaction sessions."""

    def __init__(self, url: str, *, session_info: dict[str, Any] | None = None) -> None:
        """`session_info` is copied into every session's `info` (the audit witness rides there)."""
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = create_engine(
                url,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            _configure_sqlite(self.engine)
        else:
            self.engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, info=session_info or {})

    def carry_in_sessions(self, key: str, value: Any) -> None:
        """From now on every session's `info` holds `value` under `key`: the audit witness,
        known only once the keys that open this database have been checked against it."""
        self._sessions.configure(info={**self._sessions.kw.get("info", {}), key: value})

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back whole on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def forget_old_pages(self) -> None:
        """After an erasure: on SQLite, write the log into the database file and empty it, since
        the log still holds the pages as they were before. (PostgreSQL keeps no such file copy.)"""
        if not self.is_sqlite:
            return
        connection = self.engine.raw_connection()  # outside any transaction (BEGIN IMMEDIATE)
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            connection.close()

    def dispose(self) -> None:
        """Close every pooled connection (tests and CLI commands call this when done)."""
        self.engine.dispose()
