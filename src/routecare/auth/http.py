"""The policy at the HTTP edge: every request passes `enforce_route_policy` first.

It finds the route's requirement in `auth.policy.ROUTES`, authenticates the caller (bearer
token or session cookie), checks the role, and for cookie sessions checks the CSRF token on
every state-changing request. Handlers receive the resulting `Principal` and decide nothing.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from routecare.auth.authenticate import Authenticated, by_api_token, by_session_cookie
from routecare.auth.policy import Access, Permission, allows, requirement_for
from routecare.auth.principal import Principal
from routecare.deployment import Deployment
from routecare.errors import Forbidden, NotAuthenticated, SecondFactorNeeded

SESSION_COOKIE = "routecare_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FORM_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NEXT_STEP_PAGE = {"code": "/login/code", "enrol": "/account/two-factor"}


def deployment_of(request: Request) -> Deployment:
    deployment: Deployment = request.app.state.deployment
    return deployment


DeploymentDep = Annotated[Deployment, Depends(deployment_of)]


def route_template(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", request.url.path))


def _authenticate(request: Request, deployment: Deployment) -> Authenticated | None:
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise NotAuthenticated("use 'Authorization: Bearer <token>'")
        found = by_api_token(deployment, token.strip())
        if found is None:
            raise NotAuthenticated("the token is unknown, revoked, or its user is disabled")
        return found
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return by_session_cookie(deployment, cookie)
    return None


async def _check_csrf(request: Request, expected: str) -> None:
    supplied = request.headers.get(CSRF_HEADER)
    if supplied is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FORM_FIELD)
        supplied = value if isinstance(value, str) else None
    if not supplied or not hmac.compare_digest(supplied, expected):
        raise Forbidden("missing or invalid CSRF token; reload the page and try again")


async def enforce_route_policy(request: Request) -> None:
    """Authenticate and authorise one request, or refuse it (default deny)."""
    deployment = deployment_of(request)
    requirement = requirement_for(request.method, route_template(request))
    request.state.principal = None
    if requirement is None:
        raise Forbidden("this route is not in the access policy")
    if requirement is Access.PARTNER_SIGNATURE:
        return  # the handler checks the package's signature; no session or token counts here
    # A database read: off the event loop, or every other request waits for it.
    authenticated = await run_in_threadpool(_authenticate, request, deployment)
    request.state.pending = authenticated.pending if authenticated else None
    pending = authenticated.pending if authenticated else None
    if pending is not None:
        if requirement is Access.PUBLIC:
            authenticated = None  # public pages see no one until the second factor is given
        elif requirement is not Access.SECOND_FACTOR:
            raise SecondFactorNeeded("enter your one-time code first", NEXT_STEP_PAGE[pending])
    if authenticated is not None:
        request.state.principal = authenticated.principal
        request.state.csrf_token = authenticated.csrf_token
    if requirement is Access.PUBLIC:
        return
    if authenticated is None:
        raise NotAuthenticated("sign in first")
    if isinstance(requirement, Permission) and not allows(authenticated.principal, requirement):
        raise Forbidden(
            f"the {authenticated.principal.role.value} role may not {requirement.value}"
        )
    if authenticated.csrf_token is not None and request.method not in SAFE_METHODS:
        await _check_csrf(request, authenticated.csrf_token)


def current_principal(request: Request) -> Principal:
    principal: Principal | None = request.state.principal
    if principal is None:
        raise NotAuthenticated("sign in first")
    return principal


def optional_principal(request: Request) -> Principal | None:
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal


def pending_step(request: Request) -> str | None:
    """What the caller's session still owes after its password: "code", "enrol" or None."""
    pending: str | None = getattr(request.state, "pending", None)
    return pending


def client_address(request: Request) -> str:
    """The peer address the ASGI server reports (the proxy's, unless it forwards the client's)."""
    return request.client.host if request.client else "unknown"


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
