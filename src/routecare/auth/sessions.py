"""Ending a user's web sessions, for every action that must cut them off at once."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from routecare.auth.models import RecoveryCode, SecondFactor, User, WebSession
from routecare.clock import utcnow


def end_sessions(session: Session, user_id: int) -> None:
    """End every open web session of a user (their cookies are worthless afterwards)."""
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_organisation_sessions(session: Session, organisation_id: int) -> None:
    """End every open web session of an organisation's staff (the organisation is disabled)."""
    staff = select(User.id).where(User.organisation_id == organisation_id)
    session.execute(
        update(WebSession)
        .where(WebSession.user_id.in_(staff), WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def forget_second_factor(session: Session, user_id: int) -> None:
    """Drop a user's one-time-code app and recovery codes, and end their sessions."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    session.execute(delete(SecondFactor).where(SecondFactor.user_id == user_id))
    end_sessions(session, user_id)
