"""Writes about accounts: creating users, logging in and out, issuing API tokens.

Each action is one transaction that carries its own audit entry.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from routecare import audit
from routecare.auth.credentials import account_key, new_secret, secret_hash
from routecare.auth.models import ApiToken, LoginFailure, Organisation, User, WebSession
from routecare.auth.passwords import hash_password, verify_password
from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.auth.roles import OrganisationKind, Role
from routecare.auth.schemas import UserIn
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, TooManyAttempts


def create_organisation(
    deployment: Deployment, *, name: str, country: str, kind: OrganisationKind
) -> int:
    """Register an organisation (CLI and demo only: organisations join by agreement)."""
    with deployment.database.transaction() as session:
        existing = session.execute(select(Organisation).where(Organisation.name == name)).scalar()
        if existing is not None:
            return existing.id
        organisation = Organisation(name=name, country=country.upper(), kind=kind)
        session.add(organisation)
        session.flush()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="organisation.create",
            subject_type="organisation",
            subject_id=organisation.id,
        )
        return organisation.id


def create_user(
    deployment: Deployment,
    *,
    organisation_id: int,
    user: UserIn,
    created_by: Principal | None = None,
) -> int:
    """Create a staff account; `created_by` is None only for the CLI's first administrator."""
    if created_by is not None:
        require(created_by, Permission.USER_MANAGE)
        organisation_id = created_by.organisation_id
    try:
        password_hash = hash_password(user.password)
    except ValueError as error:
        raise InvalidInput(str(error)) from error
    try:
        with deployment.database.transaction() as session:
            if session.get(Organisation, organisation_id) is None:
                raise NotFound(f"organisation {organisation_id} does not exist")
            account = User(
                username=user.username,
                password_hash=password_hash,
                role=user.role,
                organisation_id=organisation_id,
            )
            session.add(account)
            session.flush()
            audit.record(
                session,
                deployment.keyring.audit_key,
                action="user.create",
                actor_user_id=created_by.user_id if created_by else None,
                actor_organisation_id=organisation_id,
                subject_type="user",
                subject_id=account.id,
                detail={"role": user.role.value},
            )
            return account.id
    except IntegrityError as error:
        raise Conflict("that username is taken") from error


def set_user_active(deployment: Deployment, username: str, *, active: bool) -> None:
    """Disable or re-enable an account; disabling ends its sessions and tokens at once."""
    with deployment.database.transaction() as session:
        user = session.execute(select(User).where(User.username == username)).scalar()
        if user is None:
            raise NotFound("no such user")
        user.is_active = active
        if not active:
            now = utcnow()
            for web_session in session.execute(
                select(WebSession).where(
                    WebSession.user_id == user.id, WebSession.ended_at.is_(None)
                )
            ).scalars():
                web_session.ended_at = now
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="user.enable" if active else "user.disable",
            subject_type="user",
            subject_id=user.id,
        )


def _check_not_locked(deployment: Deployment, key: bytes) -> None:
    settings = deployment.settings
    window_start = utcnow() - timedelta(minutes=settings.login_window_minutes)
    with deployment.database.transaction() as session:
        failures = session.execute(
            select(func.count()).where(
                LoginFailure.account_key == key, LoginFailure.at > window_start
            )
        ).scalar_one()
    if failures >= settings.login_max_failures:
        raise TooManyAttempts(
            "too many failed logins; try again later",
            retry_after_seconds=settings.login_window_minutes * 60,
        )


def log_in(deployment: Deployment, username: str, password: str) -> tuple[str, str]:
    """Check a password and open a web session: returns (cookie value, CSRF token).

    Refuses with 429 after too many recent failures for the account, whatever the password, so
    a locked account cannot be brute-forced through the lock.
    """
    key = account_key(deployment.keyring.index_key, username)
    _check_not_locked(deployment, key)
    with deployment.database.transaction() as session:
        user = session.execute(select(User).where(User.username == username.strip())).scalar()
        password_ok = verify_password(user.password_hash if user else None, password)
        if user is None or not password_ok or not user.is_active:
            session.add(LoginFailure(account_key=key, at=utcnow()))
            audit.record(
                session,
                deployment.keyring.audit_key,
                action="login",
                outcome="failed",
                subject_type="user",
                subject_id=user.id if user else None,
            )
            failed = True
        else:
            failed = False
            session.execute(delete(LoginFailure).where(LoginFailure.account_key == key))
            cookie = new_secret()
            csrf_token = new_secret()
            now = utcnow()
            session.add(
                WebSession(
                    id_hash=secret_hash(cookie),
                    user_id=user.id,
                    csrf_token=csrf_token,
                    created_at=now,
                    last_seen_at=now,
                )
            )
            audit.record(
                session,
                deployment.keyring.audit_key,
                action="login",
                actor_user_id=user.id,
                actor_organisation_id=user.organisation_id,
                subject_type="user",
                subject_id=user.id,
            )
    if failed:
        raise NotAuthenticated("wrong username or password")
    return cookie, csrf_token


def log_out(deployment: Deployment, cookie: str, principal: Principal) -> None:
    """End the web session on the server: the cookie is worthless afterwards."""
    with deployment.database.transaction() as session:
        web_session = session.get(WebSession, secret_hash(cookie))
        if web_session is not None and web_session.ended_at is None:
            web_session.ended_at = utcnow()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="logout",
            actor_user_id=principal.user_id,
            actor_organisation_id=principal.organisation_id,
        )


def issue_api_token(deployment: Deployment, username: str) -> str:
    """A new bearer token for a user's scripts (CLI only); shown once, stored hashed."""
    token = new_secret("rc_")
    with deployment.database.transaction() as session:
        user = session.execute(select(User).where(User.username == username)).scalar()
        if user is None:
            raise NotFound(f"no user named {username!r}")
        if not user.is_active:
            raise InvalidInput(f"user {username!r} is disabled")
        api_token = ApiToken(token_hash=secret_hash(token), user_id=user.id)
        session.add(api_token)
        session.flush()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="api_token.issue",
            subject_type="user",
            subject_id=user.id,
            detail={"token_id": api_token.id},
        )
    return token


def ensure_role_exists(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as error:
        raise InvalidInput(
            f"unknown role {role!r}; one of {', '.join(r.value for r in Role)}"
        ) from error
