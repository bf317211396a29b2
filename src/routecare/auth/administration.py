"""An administrator's writes on the accounts of their organisation: disable, re-enable,
change a role, reset a password or a second factor; and on the country's organisations:
register a partner, disable one or re-enable it.

Each is one transaction with its audit entry naming the administrator. Another
organisation's account answers 404 like a missing one (`policy.may_manage_user`); an
administrator cannot disable or demote themselves, so an organisation never locks itself out.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare import audit
from routecare.auth.actions import create_user
from routecare.auth.models import Organisation, User
from routecare.auth.passwords import hash_password
from routecare.auth.policy import Permission, may_manage_organisation, may_manage_user, require
from routecare.auth.principal import Principal
from routecare.auth.roles import Role
from routecare.auth.schemas import NewUserIn, OrganisationIn, UserIn
from routecare.auth.sessions import end_organisation_sessions, end_sessions, forget_second_factor
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import Conflict, InvalidInput, NotFound
from routecare.storage.base import MAX_ID

TEMPORARY_PASSWORD_BYTES = 12  # 16 URL-safe characters, above the 12-character minimum


def _managed(session: Session, by: Principal, user_id: int) -> User:
    """The account `by` may manage, or 404 exactly as for a missing one."""
    require(by, Permission.USER_MANAGE)
    user = session.get(User, user_id) if 1 <= user_id <= MAX_ID else None
    if user is None or not may_manage_user(by, user.organisation_id):
        raise NotFound(f"no user {user_id}")
    return user


def _record(
    session: Session,
    deployment: Deployment,
    by: Principal,
    action: str,
    user: User,
    detail: dict[str, str] | None = None,
) -> None:
    """The audit entry of an account change: who (the administrator) did what to which user."""
    audit.record(
        session,
        deployment.keyring.audit_key,
        action=action,
        actor_user_id=by.user_id,
        actor_organisation_id=by.organisation_id,
        subject_type="user",
        subject_id=user.id,
        detail=detail,
    )


def set_active(deployment: Deployment, by: Principal, user_id: int, *, active: bool) -> None:
    """Disable an account (its sessions end and its tokens stop at once) or re-enable it."""
    with deployment.database.transaction() as session:
        user = _managed(session, by, user_id)
        if user.id == by.user_id and not active:
            raise InvalidInput("you cannot disable your own account")
        user.is_active = active
        if not active:
            end_sessions(session, user.id)
        _record(session, deployment, by, "user.enable" if active else "user.disable", user)


def change_role(deployment: Deployment, by: Principal, user_id: int, role: Role) -> None:
    """Give an account another role; its sessions end so the new role applies at once."""
    with deployment.database.transaction() as session:
        user = _managed(session, by, user_id)
        if user.id == by.user_id and role is not user.role:
            raise InvalidInput("you cannot change your own role")
        previous = user.role
        user.role = role
        end_sessions(session, user.id)
        _record(session, deployment, by, "user.role", user, {"from": previous, "to": role})


def reset_password(deployment: Deployment, by: Principal, user_id: int) -> str:
    """Replace a forgotten password with a random one, returned once to hand over in person;
    the account's sessions end."""
    password = secrets.token_urlsafe(TEMPORARY_PASSWORD_BYTES)
    password_hash = hash_password(password)  # Argon2 outside the transaction
    with deployment.database.transaction() as session:
        user = _managed(session, by, user_id)
        user.password_hash = password_hash
        end_sessions(session, user.id)
        _record(session, deployment, by, "user.password_reset", user)
    return password


def reset_second_factor(deployment: Deployment, by: Principal, user_id: int) -> None:
    """Forget a lost phone: the user enrols again at the next sign-in."""
    with deployment.database.transaction() as session:
        user = _managed(session, by, user_id)
        forget_second_factor(session, user.id)
        _record(session, deployment, by, "second_factor.reset", user)


def open_account(deployment: Deployment, by: Principal, account: NewUserIn) -> str:
    """Open an account in the administrator's organisation with a random password, returned
    once to hand over in person."""
    password = secrets.token_urlsafe(TEMPORARY_PASSWORD_BYTES)
    user = UserIn(
        username=account.username,
        password=password,
        role=account.role,
        time_zone=account.time_zone,
        language=account.language,
    )
    create_user(deployment, organisation_id=by.organisation_id, user=user, created_by=by)
    return password


def register_organisation(deployment: Deployment, by: Principal, data: OrganisationIn) -> int:
    """Register a partner organisation in the administrator's own country (a deployment
    serves one country); its first administrator is then created by the CLI or the demo."""
    require(by, Permission.USER_MANAGE)
    name = " ".join(data.name.split())
    if len(name) < 2:
        raise InvalidInput("an organisation's name has 2 to 120 characters")
    kind = data.kind
    with deployment.database.transaction() as session:
        if session.execute(select(Organisation.id).where(Organisation.name == name)).scalar():
            raise Conflict("an organisation has that name already")
        organisation = Organisation(name=name, country=by.country, kind=kind)
        session.add(organisation)
        session.flush()
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="organisation.create",
            actor_user_id=by.user_id,
            actor_organisation_id=by.organisation_id,
            subject_type="organisation",
            subject_id=organisation.id,
            detail={"kind": kind},
        )
        return organisation.id


def set_organisation_enabled(
    deployment: Deployment, by: Principal, organisation_id: int, *, enabled: bool
) -> None:
    """Disable an organisation of the administrator's country, or re-enable it.

    While disabled its staff cannot sign in or use a token (their open sessions end now), and
    it receives no new referral or bed (`services.queries`, `placement.search`); nothing of
    its records is deleted. An administrator cannot disable their own organisation, which
    would lock out the only people able to undo it. Another country's organisation answers
    404 like a missing one.
    """
    require(by, Permission.USER_MANAGE)
    with deployment.database.transaction() as session:
        organisation = (
            session.get(Organisation, organisation_id) if 1 <= organisation_id <= MAX_ID else None
        )
        if organisation is None or not may_manage_organisation(by, organisation.country):
            raise NotFound(f"no organisation {organisation_id}")
        if organisation.id == by.organisation_id and not enabled:
            raise InvalidInput("you cannot disable your own organisation")
        if enabled == (organisation.disabled_at is None):
            return  # already so: nothing to change or audit
        organisation.disabled_at = None if enabled else utcnow()
        if not enabled:
            end_organisation_sessions(session, organisation.id)
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="organisation.enable" if enabled else "organisation.disable",
            actor_user_id=by.user_id,
            actor_organisation_id=by.organisation_id,
            subject_type="organisation",
            subject_id=organisation.id,
        )
