"""Administrators' pages: their organisation's accounts (open, disable, re-enable, change a
role, reset a password or a second factor) and the country's organisations.

A new or reset password is shown once, on the answer to the POST, never in a URL.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from routecare.auth import administration
from routecare.auth import queries as account_queries
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.auth.principal import Principal
from routecare.auth.roles import OrganisationKind, Role
from routecare.auth.schemas import NewUserIn, OrganisationIn, RoleChangeIn
from routecare.deployment import Deployment
from routecare.web.forms import parse_form
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form(max_length=200)]


def _users_page(
    request: Request, deployment: Deployment, principal: Principal, **shown: Any
) -> Response:
    context = {
        "users": account_queries.organisation_users(deployment, principal),
        "roles": list(Role),
        "me_id": principal.user_id,
        "default_time_zone": pages_of(request).default_time_zone,
        **shown,
    }
    return pages_of(request).render(request, "admin/users.html", context)


@router.get("/admin/users")
def users(request: Request, deployment: DeploymentDep, principal: CurrentPrincipal) -> Response:
    return _users_page(request, deployment, principal)


@router.post("/admin/users")
def open_account(
    request: Request,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    username: FormText = "",
    role: FormText = "",
    time_zone: FormText = "",
    language: FormText = "",
) -> Response:
    account = parse_form(
        NewUserIn,
        {
            "username": username.strip(),
            "role": role,
            "time_zone": time_zone,
            "language": language,
        },
    )
    password = administration.open_account(deployment, principal, account)
    return _users_page(
        request, deployment, principal, password_for=account.username, password=password
    )


@router.post("/admin/users/{user_id}/active")
def set_active(
    user_id: int, deployment: DeploymentDep, principal: CurrentPrincipal, active: FormText = ""
) -> Response:
    administration.set_active(deployment, principal, user_id, active=active == "true")
    return RedirectResponse(f"/admin/users#user-{user_id}", status_code=303)


@router.post("/admin/users/{user_id}/role")
def change_role(
    user_id: int, deployment: DeploymentDep, principal: CurrentPrincipal, role: FormText = ""
) -> Response:
    change = parse_form(RoleChangeIn, {"role": role})
    administration.change_role(deployment, principal, user_id, change.role)
    return RedirectResponse(f"/admin/users#user-{user_id}", status_code=303)


@router.post("/admin/users/{user_id}/password")
def reset_password(
    request: Request, user_id: int, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    password = administration.reset_password(deployment, principal, user_id)
    shown = next(
        u for u in account_queries.organisation_users(deployment, principal) if u.id == user_id
    )
    return _users_page(
        request, deployment, principal, password_for=shown.username, password=password
    )


@router.post("/admin/users/{user_id}/second-factor")
def reset_second_factor(
    user_id: int, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    administration.reset_second_factor(deployment, principal, user_id)
    return RedirectResponse(f"/admin/users#user-{user_id}", status_code=303)


def _organisations_page(request: Request, deployment: Deployment, principal: Principal) -> Response:
    country = principal.country
    found = [o for o in account_queries.organisations(deployment) if o.country == country]
    context = {
        "organisations": found,
        "kinds": list(OrganisationKind),
        "country": country,
        "own_id": principal.organisation_id,
    }
    return pages_of(request).render(request, "admin/organisations.html", context)


@router.get("/admin/organisations")
def organisations(
    request: Request, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    return _organisations_page(request, deployment, principal)


@router.post("/admin/organisations")
def register_organisation(
    deployment: DeploymentDep, principal: CurrentPrincipal, name: FormText = "", kind: FormText = ""
) -> Response:
    data = parse_form(OrganisationIn, {"name": name, "kind": kind})
    created = administration.register_organisation(deployment, principal, data)
    return RedirectResponse(f"/admin/organisations#organisation-{created}", status_code=303)


@router.post("/admin/organisations/{organisation_id}/active")
def set_organisation_enabled(
    organisation_id: int,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    enabled: FormText = "",
) -> Response:
    administration.set_organisation_enabled(
        deployment, principal, organisation_id, enabled=enabled == "true"
    )
    return RedirectResponse(f"/admin/organisations#organisation-{organisation_id}", status_code=303)
