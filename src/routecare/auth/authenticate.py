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

# A token's last use is written at most this often: not a write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Authenticated:
    principal: Principal
    csrf_token: str | None  # set for cookie sessions, which must prove intent on writes
    pending: str | None = None  # a session still owing its second factor ("code" / "enrol")


def by_api_token(deployment: Deployment, token: str) -> Authenticated | None:
    """The token's user, if the token is neither revoked nor expired and the user and their
    organisation are enabled."""
    now = utcnow()
    with deployment.database.transaction() as session:
        found = session.execute(
            select(ApiToken, User)
            .join(User, ApiToken.user_id == User.id)
            .where(
                ApiToken.token_hash == secret_hash(token),
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > now,
            )
        ).first()
        if found is None or not found.User.may_act:
            return None
        api_token = found.ApiToken
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_RESOLUTION:
            api_token.last_used_at = now
        return Authenticated(Principal.of(found.User), csrf_token=None)


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
        if idle_expired or absolute_expired or user is None or not user.may_act:
            web_session.ended_at = now
            return None
        web_session.last_seen_at = now
        return Authenticated(
            Principal.of(user), csrf_token=web_session.csrf_token, pending=web_session.pending
        )
