"""The second factor in the browser: the code step of a sign-in, and enrolling an app.

Enrolment shows the secret as a QR code drawn on the page (segno, inline SVG: nothing leaves
the server) and as text to type; it becomes active only once a code from the app is accepted,
and then shows the recovery codes once.
"""

from __future__ import annotations

from typing import Annotated

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from routecare.auth import second_factor
from routecare.auth.http import (
    NEXT_STEP_PAGE,
    SESSION_COOKIE,
    CurrentPrincipal,
    DeploymentDep,
    client_address,
    pending_step,
)
from routecare.errors import Conflict, NotAuthenticated, TooManyAttempts
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)
CodeField = Annotated[str, Form(max_length=40)]


def _elsewhere(request: Request, wanted: str | None) -> Response | None:
    """Where to send a session that is not at this step (None: it is at this step)."""
    pending = pending_step(request)
    if pending == wanted:
        return None
    return RedirectResponse(NEXT_STEP_PAGE[pending] if pending else "/", status_code=303)


def _code_page(request: Request, error: str | None = None, status_code: int = 200) -> Response:
    return pages_of(request).render(
        request, "account/code.html", {"error": error}, status_code=status_code
    )


@router.get("/login/code")
def code_form(request: Request, principal: CurrentPrincipal) -> Response:
    return _elsewhere(request, "code") or _code_page(request)


@router.post("/login/code")
def code_check(
    request: Request, deployment: DeploymentDep, principal: CurrentPrincipal, code: CodeField
) -> Response:
    elsewhere = _elsewhere(request, "code")
    if elsewhere is not None:
        return elsewhere
    cookie = request.cookies.get(SESSION_COOKIE, "")
    try:
        second_factor.complete_sign_in(deployment, principal, cookie, code, client_address(request))
    except TooManyAttempts as error:
        response = _code_page(request, "locked", 429)
        response.headers["Retry-After"] = str(error.retry_after_seconds)
        return response
    except NotAuthenticated:
        return _code_page(request, "wrong_code", 401)
    return RedirectResponse("/", status_code=303)


def _enrolment_page(
    request: Request,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    try:
        enrolment = second_factor.begin_enrolment(deployment, principal)
    except Conflict:
        return pages_of(request).render(request, "account/two_factor.html", {"enrolled": True})
    qr_code = segno.make(enrolment.uri, error="m").svg_inline(
        scale=4, light="#fff", title="QR code"
    )
    context = {"enrolled": False, "secret": enrolment.secret, "qr_code": qr_code, "error": error}
    return pages_of(request).render(
        request, "account/two_factor.html", context, status_code=status_code
    )


@router.get("/account/two-factor")
def enrolment_form(
    request: Request, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    if pending_step(request) == "code":
        return RedirectResponse(NEXT_STEP_PAGE["code"], status_code=303)
    return _enrolment_page(request, deployment, principal)


@router.post("/account/two-factor")
def enrolment_confirm(
    request: Request, deployment: DeploymentDep, principal: CurrentPrincipal, code: CodeField
) -> Response:
    if pending_step(request) == "code":
        return RedirectResponse(NEXT_STEP_PAGE["code"], status_code=303)
    cookie = request.cookies.get(SESSION_COOKIE)
    try:
        codes = second_factor.confirm_enrolment(
            deployment, principal, cookie, code, client_address(request)
        )
    except TooManyAttempts as error:
        response = _enrolment_page(request, deployment, principal, "locked", 429)
        response.headers["Retry-After"] = str(error.retry_after_seconds)
        return response
    except NotAuthenticated:
        return _enrolment_page(request, deployment, principal, "wrong_code", 401)
    except Conflict:
        return RedirectResponse("/account/two-factor", status_code=303)
    return pages_of(request).render(request, "account/recovery_codes.html", {"codes": codes})
