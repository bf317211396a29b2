"""Reads about accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from routecare.auth.models import ApiToken, Organisation, User
from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.auth.schemas import ApiTokenOut, OrganisationOut, UserOut
from routecare.deployment import Deployment
from routecare.errors import NotFound


def _user_out(user: User) -> UserOut:
    org = user.organisation
    return UserOut(
        id=user.id,
        username=user.username,
        role=user.role,
        is_active=user.is_active,
        organisation=_organisation_out(org),
    )


def me(deployment: Deployment, principal: Principal) -> UserOut:
    with deployment.database.transaction() as session:
        user = session.get(User, principal.user_id)
        assert user is not None  # the principal was resolved from this row in this request
        return _user_out(user)


def organisation_users(deployment: Deployment, principal: Principal) -> list[UserOut]:
    """Accounts of the administrator's own organisation."""
    require(principal, Permission.USER_MANAGE)
    with deployment.database.transaction() as session:
        users = session.execute(
            select(User)
            .where(User.organisation_id == principal.organisation_id)
            .order_by(User.username)
        ).scalars()
        return [_user_out(u) for u in users]


def organisations(deployment: Deployment) -> list[OrganisationOut]:
    with deployment.database.transaction() as session:
        rows = session.execute(
            select(Organisation).order_by(Organisation.country, Organisation.name)
        )
        return [_organisation_out(o) for o in rows.scalars()]


def _organisation_out(organisation: Organisation) -> OrganisationOut:
    return OrganisationOut(
        id=organisation.id,
        name=organisation.name,
        country=organisation.country,
        kind=organisation.kind,
        disabled=organisation.disabled_at is not None,
    )


def api_tokens(deployment: Deployment, username: str) -> list[ApiTokenOut]:
    """Every token of a user, newest first, revoked and expired ones included (CLI)."""
    with deployment.database.transaction() as session:
        user_id = session.execute(select(User.id).where(User.username == username)).scalar()
        if user_id is None:
            raise NotFound(f"no user named {username!r}")
        return _tokens_of(session, user_id)


def own_api_tokens(deployment: Deployment, principal: Principal) -> list[ApiTokenOut]:
    with deployment.database.transaction() as session:
        return _tokens_of(session, principal.user_id)


def _tokens_of(session: Session, user_id: int) -> list[ApiTokenOut]:
    rows = session.execute(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    ).scalars()
    return [
        ApiTokenOut(
            id=t.id,
            created_at=t.created_at,
            expires_at=t.expires_at,
            last_used_at=t.last_used_at,
            revoked=t.revoked_at is not None,
        )
        for t in rows
    ]
