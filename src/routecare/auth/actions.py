"""Writes about accounts: creating users, logging in and out, issuing API tokens.

Each action is one transaction that carries its own audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from routecare import audit
from routecare.auth import throttle
from routecare.auth.credentials import account_key, new_secret, secret_hash
from routecare.auth.models import ApiToken, Organisation, User, WebSession
from routecare.auth.passwords import check_password, hash_password
from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.auth.roles import OrganisationKind, Role
from routecare.auth.schemas import UserIn
from routecare.auth.second_factor import second_step
from routecare.auth.sessions import end_sessions
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from routecare.storage.base import MAX_ID

MAX_TOKEN_DAYS = 3650


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
                time_zone=user.time_zone,
                language=user.language,
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
            end_sessions(session, user.id)
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="user.enable" if active else "user.disable",
            subject_type="user",
            subject_id=user.id,
        )


@dataclass(frozen=True)
class SignedIn:
    """A new web session: its cookie, its CSRF token, and the step still owed, if any."""

    cookie: str
    csrf_token: str
    pending: str | None  # "code": enter a one-time code; "enrol": enrol one first
    language: str | None = None  # the user's own page language, if they chose one


def log_in(deployment: Deployment, username: str, password: str, address: str) -> SignedIn:
    """Check a password from client `address` and open a web session.

    The attempt is counted before the password is checked (`throttle.begin_attempt`), so past
    a limit the answer is 429 whatever the password. Argon2 runs outside any transaction and at
    most `password_check_concurrency` at a time. An account with a second factor (or a role that
    must have one) gets a session that reaches only the code or enrolment page.
    """
    key = account_key(deployment.keyring.index_key, username)
    attempt = throttle.begin_attempt(deployment, key, address)
    with deployment.database.transaction() as session:
        user = session.execute(select(User).where(User.username == username.strip())).scalar()
        stored_hash = user.password_hash if user else None
    password_ok = check_password(deployment, stored_hash, password)
    with deployment.database.transaction() as session:
        user = session.get(User, user.id) if user is not None else None
        if user is None or not password_ok or not user.may_act:
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
            signed_in = SignedIn(
                new_secret(), new_secret(), second_step(deployment, session, user), user.language
            )
            now = utcnow()
            session.add(
                WebSession(
                    id_hash=secret_hash(signed_in.cookie),
                    user_id=user.id,
                    csrf_token=signed_in.csrf_token,
                    created_at=now,
                    last_seen_at=now,
                    pending=signed_in.pending,
                )
            )
            audit.record(
                session,
                deployment.keyring.audit_key,
                action="login",
                outcome="password" if signed_in.pending else "ok",
                actor_user_id=user.id,
                actor_organisation_id=user.organisation_id,
                subject_type="user",
                subject_id=user.id,
            )
    if failed:
        raise NotAuthenticated("wrong username or password")
    if signed_in.pending != "code":
        # With a code owed, the attempt stays counted until the code is right: a thief
        # holding the password cannot reset the code throttle by signing in again.
        throttle.forgive(deployment, attempt)
    return signed_in


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


def issue_api_token(
    deployment: Deployment, username: str, *, expires_in_days: int | None = None
) -> str:
    """A new bearer token for a user's scripts (CLI only); shown once, stored hashed.

    It expires after `expires_in_days` (default: the `token_days` setting). An administrator
    issues it on the server, so for scripts the token itself stands in for the second factor.
    """
    days = deployment.settings.token_days if expires_in_days is None else expires_in_days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"a token lasts from 1 to {MAX_TOKEN_DAYS} days")
    token = new_secret("rc_")
    with deployment.database.transaction() as session:
        user = session.execute(select(User).where(User.username == username)).scalar()
        if user is None:
            raise NotFound(f"no user named {username!r}")
        if not user.may_act:
            raise InvalidInput(f"user {username!r} is disabled")
        now = utcnow()
        api_token = ApiToken(
            token_hash=secret_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        session.add(api_token)
        session.flush()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="api_token.issue",
            subject_type="user",
            subject_id=user.id,
            detail={"token_id": api_token.id, "days": days},
        )
    return token


def revoke_api_token(deployment: Deployment, token_id: int, *, by: Principal | None = None) -> None:
    """Revoke one token at once; `by` is None for the CLI (any token), else the token's owner
    (another user's token answers 404, as a missing one does)."""
    if not 1 <= token_id <= MAX_ID:
        raise NotFound(f"no API token {token_id}")
    with deployment.database.transaction() as session:
        api_token = session.get(ApiToken, token_id)
        if api_token is None or (by is not None and by.user_id != api_token.user_id):
            raise NotFound(f"no API token {token_id}")
        if api_token.revoked_at is None:
            api_token.revoked_at = utcnow()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="api_token.revoke",
            actor_user_id=by.user_id if by else None,
            actor_organisation_id=by.organisation_id if by else None,
            subject_type="user",
            subject_id=api_token.user_id,
            detail={"token_id": token_id},
        )


def ensure_role_exists(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as error:
        raise InvalidInput(
            f"unknown role {role!r}; one of {', '.join(r.value for r in Role)}"
        ) from error
