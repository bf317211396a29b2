"""/api/v1/me and /api/v1/users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from routecare.auth import actions, queries
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.auth.schemas import ApiTokenOut, UserIn, UserOut
from routecare.storage.base import MAX_ID

router = APIRouter(tags=["accounts"])


@router.get("/me")
def me(deployment: DeploymentDep, principal: CurrentPrincipal) -> UserOut:
    """The signed-in user and their organisation."""
    return queries.me(deployment, principal)


@router.get("/me/tokens")
def my_tokens(deployment: DeploymentDep, principal: CurrentPrincipal) -> list[ApiTokenOut]:
    """The caller's API tokens (never their values): expiry, last use, revoked or not."""
    return queries.own_api_tokens(deployment, principal)


@router.delete("/me/tokens/{token_id}", status_code=204)
def revoke_my_token(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    token_id: Annotated[int, Path(ge=1, le=MAX_ID)],
) -> None:
    """Revoke one of the caller's tokens; it is refused from the next request on."""
    actions.revoke_api_token(deployment, token_id, by=principal)


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
