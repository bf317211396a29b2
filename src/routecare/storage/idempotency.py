"""Idempotency keys: a retried or twice-synced create returns the first result.

The key is stored with the principal and route, and the result as a resource id only (never
the response body, which may carry a child's name). A unique constraint makes two concurrent
first attempts collide, so exactly one record is created. Retries come within minutes or, from
an offline device, days: keys older than the retention period are purged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import CursorResult, ForeignKey, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from routecare.clock import utcnow
from routecare.storage.base import Base, UTCDateTime
from routecare.storage.database import Database

Result = TypeVar("Result")


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "route", "key", name="uq_idempotency_keys"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    route: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(200))
    result_id: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


def earlier_result(session: Session, user_id: int, route: str, key: str | None) -> str | None:
    """The id the first request with this key created, or None (also when no key was sent)."""
    if key is None:
        return None
    return session.execute(
        select(IdempotencyKey.result_id).where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.route == route,
            IdempotencyKey.key == key,
        )
    ).scalar()


def remember_result(
    session: Session, user_id: int, route: str, key: str | None, result_id: str | int
) -> None:
    """Store the key with what it created, in the creating transaction (flushes at once, so a
    concurrent twin fails on the unique constraint instead of creating a second record)."""
    if key is None:
        return
    session.add(
        IdempotencyKey(
            user_id=user_id, route=route, key=key, result_id=str(result_id), created_at=utcnow()
        )
    )
    session.flush()


def run_idempotent(
    database: Database,
    user_id: int,
    route: str,
    key: str | None,
    work: Callable[[Session, str | None], Result],
) -> Result:
    """Run `work(session, earlier_result_id)` in one transaction. When a concurrent twin with
    the same key committed first, our insert of the key fails: run again, now seeing its result."""
    try:
        with database.transaction() as session:
            return work(session, earlier_result(session, user_id, route, key))
    except IntegrityError:
        if key is None:
            raise
    with database.transaction() as session:
        return work(session, earlier_result(session, user_id, route, key))


def purge_idempotency_keys(database: Database, retention: timedelta) -> int:
    """Delete the keys older than `retention`; returns how many were deleted."""
    with database.transaction() as session:
        result = session.execute(
            delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - retention)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount
