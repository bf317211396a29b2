"""Ending a user's web sessions, for every action that must cut them off at once."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from routecare.auth.models import RecoveryCode, SecondFactor, WebSession
from routecare.clock import utcnow


def end_sessions(session: Session, user_id: int) -> None:
    """End every open web session of a user (their cookies are worthless afterwards)."""
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def forget_second_factor(session: Session, user_id: int) -> None:
    """Drop a user's one-time-code app and recovery codes, and end their sessions."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    session.execute(delete(SecondFactor).where(SecondFactor.user_id == user_id))
    end_sessions(session, user_id)
