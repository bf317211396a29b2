"""Taking and giving back one bed with single conditional UPDATEs.

The database decides who gets the last bed: `beds_free = beds_free - 1 WHERE beds_free > 0`
either changes one row or none, on SQLite (writers serialised) and on PostgreSQL (the second
writer waits on the row lock and re-checks the condition). No read-then-write race is possible.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from routecare.placement.models import BedReservation
from routecare.services.models import Service


def take_bed(session: Session, service_id: int) -> bool:
    """Hold one free bed; False when none was free."""
    result = session.execute(
        update(Service)
        .where(Service.id == service_id, Service.beds_free > 0, Service.is_active.is_(True))
        .values(beds_free=Service.beds_free - 1)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def give_back_bed(session: Session, service_id: int) -> None:
    """Return one bed, never above the total (staff may have lowered it meanwhile)."""
    session.execute(
        update(Service)
        .where(Service.id == service_id, Service.beds_free < Service.beds_total)
        .values(beds_free=Service.beds_free + 1)
        .execution_options(synchronize_session=False)
    )


def end_reservation(session: Session, reservation_id: int, status: str, now: datetime) -> bool:
    """Move a held reservation to `status` once; True only for the caller that did it."""
    result = session.execute(
        update(BedReservation)
        .where(BedReservation.id == reservation_id, BedReservation.status == "held")
        .values(status=status, ended_at=now)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def expire_reservations(session: Session, now: datetime) -> list[int]:
    """Release every held bed whose hold ran out; returns the reservations expired."""
    overdue = session.execute(
        select(BedReservation.id, BedReservation.service_id).where(
            BedReservation.status == "held", BedReservation.expires_at <= now
        )
    ).all()
    expired = []
    for reservation_id, service_id in overdue:
        if end_reservation(session, reservation_id, "expired", now):
            give_back_bed(session, service_id)
            expired.append(reservation_id)
    return expired
