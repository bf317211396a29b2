"""Who is calling: a bearer token (scripts) or a web-session cookie (browsers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from routecare.auth.credentials import secret_hash
from routecare.auth.models import ApiToken, User, WebSession
from routecare.auth.principal import Principal
from routecare.clock import utcnow
from routecare.deployment import Deployment


@dataclass(frozen=True)
class Authenticated:
    principal: Principal
    csrf_token: str | None  # set for cookie sessions, which must prove intent on writes


def by_api_token(deployment: Deployment, token: str) -> Authenticated | None:
    with deployment.database.transaction() as session:
        row = session.execute(
            select(User)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == secret_hash(token), ApiToken.revoked_at.is_(None))
        ).scalar()
        if row is None or not row.is_active:
            return None
        return Authenticated(Principal.of(row), csrf_token=None)


def by_session_cookie(deployment: Deployment, cookie: str) -> Authenticated | None:
    """A live session, touched so the idle timeout restarts; None when expired or ended."""
    settings = deployment.settings
    now = utcnow()
    with deployment.database.transaction() as session:
        web_session = session.get(WebSession, secret_hash(cookie))
        if web_session is None or web_session.ended_at is not None:
            return None
        idle_expired = now - web_session.last_seen_at > timedelta(
            minutes=settings.session_idle_minutes
        )
        absolute_expired = now - web_session.created_at > timedelta(
            hours=settings.session_absolute_hours
        )
        user = session.get(User, web_session.user_id)
        if idle_expired or absolute_expired or user is None or not user.is_active:
            web_session.ended_at = now
            return None
        web_session.last_seen_at = now
        return Authenticated(Principal.of(user), csrf_token=web_session.csrf_token)
