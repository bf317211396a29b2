"""Turning refusals into responses: JSON under /api, a page elsewhere.

Bodies name the problem, never a value: validation errors drop the echoed input, which could
be a child's name. Refused access (403, and 404 on records the user may not see) is audited in
its own transaction, since the request's own work is rolled back.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from routecare import audit
from routecare.auth.http import deployment_of, route_template
from routecare.errors import (
    Forbidden,
    NotAuthenticated,
    NotFound,
    RoutecareError,
    SecondFactorNeeded,
    TooManyAttempts,
)
from routecare.web.forms import FormInvalid, field_problems
from routecare.web.templating import Pages


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in {"/healthz", "/openapi.json"}


def _audit_refusal(request: Request, status: int) -> None:
    deployment = deployment_of(request)
    principal = getattr(request.state, "principal", None)
    with deployment.database.transaction() as session:
        audit.record(
            session,
            deployment.keyring.audit_key,
            action="access.refused",
            outcome="denied",
            actor_user_id=principal.user_id if principal else None,
            actor_organisation_id=principal.organisation_id if principal else None,
            subject_type="route",
            subject_id=f"{request.method} {route_template(request)}"[:80],
            detail={"status": status},
        )


def install_error_handlers(app: FastAPI, pages: Pages) -> None:
    def respond(
        request: Request,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        fields: dict[str, str] | None = None,
    ) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=status, headers=headers)
        if status == 401:
            return RedirectResponse("/login", status_code=303)
        context = {"status": status, "message": message, "fields": fields or {}}
        return pages.render(request, "error.html", context, status_code=status)

    @app.exception_handler(RoutecareError)
    async def domain_error(request: Request, error: RoutecareError) -> Response:
        if isinstance(error, Forbidden | NotFound):
            _audit_refusal(request, error.status_code)
        headers = None
        if isinstance(error, TooManyAttempts):
            headers = {"Retry-After": str(error.retry_after_seconds)}
        if isinstance(error, NotAuthenticated) and _wants_json(request):
            headers = {"WWW-Authenticate": "Bearer"}
        if isinstance(error, SecondFactorNeeded) and not _wants_json(request):
            return RedirectResponse(error.next_page, status_code=303)
        fields = error.fields if isinstance(error, FormInvalid) else None
        return respond(request, error.status_code, str(error), headers, fields)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        problems: list[dict[str, Any]] = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in error.errors()
        ]
        if _wants_json(request):
            return JSONResponse({"detail": problems}, status_code=422)
        fields = field_problems(problems, skip=("body", "query", "path"))
        return respond(request, 422, "check the form", None, fields)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        return respond(request, error.status_code, str(error.detail), dict(error.headers or {}))
