"""Signing in and out, choosing a language, and one's own time zone and language."""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from routecare.auth import actions, preferences
from routecare.auth.credentials import new_secret
from routecare.auth.http import (
    NEXT_STEP_PAGE,
    SESSION_COOKIE,
    CurrentPrincipal,
    DeploymentDep,
    client_address,
)
from routecare.auth.schemas import PreferencesIn
from routecare.clock import utcnow
from routecare.errors import NotAuthenticated, TooManyAttempts
from routecare.web.forms import parse_form
from routecare.web.i18n import LANGUAGE_COOKIE, LANGUAGES
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "routecare_login_csrf"
ONE_YEAR = 365 * 24 * 3600


def _login_page(request: Request, *, error: str | None = None, status_code: int = 200) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_secret()
    request.state.csrf_token = token
    response = pages_of(request).render(
        request, "login.html", {"error": error}, status_code=status_code
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.deployment.settings.secure_cookies,
    )
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    deployment: DeploymentDep,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return _login_page(request, error="expired_form", status_code=403)
    try:
        signed_in = actions.log_in(deployment, username, password, client_address(request))
    except TooManyAttempts as error:
        response = _login_page(request, error="locked", status_code=429)
        response.headers["Retry-After"] = str(error.retry_after_seconds)
        return response
    except NotAuthenticated:
        return _login_page(request, error="wrong_password", status_code=401)
    next_page = NEXT_STEP_PAGE[signed_in.pending] if signed_in.pending else "/"
    response = RedirectResponse(next_page, status_code=303)
    # A new random session id at every login: a cookie planted before login is never promoted.
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.cookie,
        httponly=True,
        samesite="strict",
        secure=deployment.settings.secure_cookies,
        max_age=deployment.settings.session_absolute_hours * 3600,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    if signed_in.language:
        _remember_language(request, response, signed_in.language)
    return response


@router.post("/logout")
def logout(request: Request, deployment: DeploymentDep, principal: CurrentPrincipal) -> Response:
    actions.log_out(deployment, request.cookies.get(SESSION_COOKIE, ""), principal)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/language/{code}")
def choose_language(request: Request, code: str) -> Response:
    """Remember the language and go back to the page the user was on (same site only)."""
    back = urlsplit(request.headers.get("referer", "/"))
    target = back.path if back.path.startswith("/") and not back.path.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if code in LANGUAGES:
        _remember_language(request, response, code)
    return response


def _remember_language(request: Request, response: Response, code: str) -> None:
    """The language cookie the pages read first (`i18n.language_of`)."""
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=ONE_YEAR,
        samesite="lax",
        secure=request.app.state.deployment.settings.secure_cookies,
    )


@router.get("/account/preferences")
def preferences_form(request: Request, principal: CurrentPrincipal) -> Response:
    """The signed-in user's time zone and language, with the deployment's zone as default."""
    context = {"default_time_zone": pages_of(request).default_time_zone, "now": utcnow()}
    return pages_of(request).render(request, "account/preferences.html", context)


@router.post("/account/preferences")
def save_preferences(
    request: Request,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    time_zone: Annotated[str, Form(max_length=64)] = "",
    language: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    chosen = parse_form(PreferencesIn, {"time_zone": time_zone, "language": language})
    preferences.set_preferences(
        deployment, principal, time_zone=chosen.time_zone, language=chosen.language
    )
    response = RedirectResponse("/account/preferences?saved=1", status_code=303)
    if chosen.language:
        _remember_language(request, response, chosen.language)
    else:
        response.delete_cookie(LANGUAGE_COOKIE)
    return response
