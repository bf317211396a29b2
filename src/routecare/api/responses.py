"""The refusals the OpenAPI document promises, derived for every operation when it is built.

Partners generate clients from `/openapi.json`, so every status an operation can answer must be
in it, with the body the error handlers (`web/errors.py`, `web/security.py`) really send. Most
refusals follow from where a route sits, not from what its handler does: the access policy
decides 401/403, the body-size limit 413, path ids 404, request parsing 400 and validation 422.
`install_openapi` adds those to every operation, so a new route is documented without its author
remembering. A route declares in `responses=` only what its handler alone knows (409, 412, 428,
429, a 404 for a record named in the body); the body schema and headers are filled in here.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from routecare.auth.http import SAFE_METHODS
from routecare.auth.policy import Access, requirement_for


class Refusal(BaseModel):
    """Every refusal but a validation error: what went wrong, never a value about a child."""

    detail: str = Field(description="What was refused and why, in words")


class ValidationProblem(BaseModel):
    """One field that failed validation; the input itself is never echoed (it may be a name)."""

    loc: list[str | int] = Field(
        description="Where: 'body', 'query', 'path' or 'header', then the field"
    )
    msg: str
    type: str = Field(description="A stable code, e.g. 'missing' or 'string_too_long'")


class InvalidRequest(BaseModel):
    """422: the fields that failed validation, or the message of the domain rule broken."""

    detail: list[ValidationProblem] | str


REFUSAL_MODELS: tuple[type[BaseModel], ...] = (Refusal, ValidationProblem, InvalidRequest)
SCHEMA_REF = "#/components/schemas/{model}"

DESCRIPTIONS: dict[int, str] = {
    400: "The body could not be parsed",
    401: "Not signed in, or the bearer token is unknown, revoked, or its user is disabled",
    403: "The role may not do this, or the CSRF token is missing",
    404: "No such record, or not visible to you (the two look the same)",
    409: "The record is not in a state that allows this",
    412: "The record changed since you read it: re-read and merge",
    413: "Request body too large",
    422: "Invalid input: the fields that failed validation, or the rule broken",
    428: "If-Match is required",
    429: "Too many attempts: wait as long as Retry-After says",
}
HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "How to authenticate: `Bearer`",
            "required": True,
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds until the next attempt is counted",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}

Responses = dict[int | str, dict[str, Any]]
# What a route declares when only its handler knows it; body and headers are filled in.
RECORD_IN_BODY: Responses = {
    404: {"description": "A record the body names does not exist or is not visible to you"}
}
THROTTLED: Responses = {429: {"description": DESCRIPTIONS[429]}}
# Implied by the derivation; kept for the routes that already name them.
PROTECTED: Responses = {status: {"description": DESCRIPTIONS[status]} for status in (401, 403, 413)}
RECORD: Responses = {**PROTECTED, 404: {"description": DESCRIPTIONS[404]}}
ERROR_SCHEMA = {"application/json": {"schema": {"$ref": SCHEMA_REF.format(model=Refusal.__name__)}}}


def derived_refusals(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    """The refusals any operation answers by where it sits: `operation` is its OpenAPI object."""
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    statuses = {401, 413}  # a bad bearer token is refused even on a public route; so is a big body
    requirement = requirement_for(method, path)
    if requirement is not Access.PUBLIC and (
        requirement is not Access.SIGNED_IN or method not in SAFE_METHODS
    ):
        statuses.add(403)  # a role without the permission, a missing CSRF token, or no policy
    if any(parameter["in"] == "path" for parameter in parameters):
        statuses.add(404)
    if has_body:
        statuses.add(400)
    if parameters or has_body:
        statuses.add(422)
    return statuses


def refusal_response(status: int, declared: dict[str, Any] | None) -> dict[str, Any]:
    """The response object of a refusal: the route's own description, the app's real body."""
    model = InvalidRequest if status == 422 else Refusal
    response: dict[str, Any] = {
        "description": (declared or {}).get("description") or DESCRIPTIONS.get(status, "Refused"),
        "content": {
            "application/json": {"schema": {"$ref": SCHEMA_REF.format(model=model.__name__)}}
        },
    }
    if status in HEADERS:
        response["headers"] = HEADERS[status]
    return response


def document_refusals(document: dict[str, Any]) -> dict[str, Any]:
    """Add every derived refusal to every operation and give each refusal its real body."""
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            declared = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            for status in sorted(declared | derived_refusals(method.upper(), path, operation)):
                responses[str(status)] = refusal_response(status, responses.get(str(status)))
            operation["responses"] = dict(sorted(responses.items()))
    _, definitions = models_json_schema(
        [(model, "serialization") for model in REFUSAL_MODELS], ref_template=SCHEMA_REF
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's, replaced above
        schemas.pop(unused, None)
    schemas.update(definitions["$defs"])
    document["components"]["schemas"] = dict(sorted(schemas.items()))
    return document


def install_openapi(app: FastAPI) -> None:
    """Build `app`'s OpenAPI document (once, on first request) with every refusal documented."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_refusals(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    summary=app.summary,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
