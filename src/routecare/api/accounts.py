"""/api/v1/me and /api/v1/users."""

from __future__ import annotations

from fastapi import APIRouter

from routecare.auth import actions, queries
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.auth.schemas import UserIn, UserOut

router = APIRouter(tags=["accounts"])


@router.get("/me")
def me(deployment: DeploymentDep, principal: CurrentPrincipal) -> UserOut:
    """The signed-in user and their organisation."""
    return queries.me(deployment, principal)


@router.get("/users")
def list_users(deployment: DeploymentDep, principal: CurrentPrincipal) -> list[UserOut]:
    """Accounts of the administrator's organisation."""
    return queries.organisation_users(deployment, principal)


@router.post("/users", status_code=201, responses={409: {"description": "Username taken"}})
def create_user(deployment: DeploymentDep, principal: CurrentPrincipal, user: UserIn) -> UserOut:
    """Create an account in the administrator's own organisation."""
    user_id = actions.create_user(
        deployment, organisation_id=principal.organisation_id, user=user, created_by=principal
    )
    return next(u for u in queries.organisation_users(deployment, principal) if u.id == user_id)
