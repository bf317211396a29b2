"""The OpenAPI document describes the refusals the app really sends, on every operation.

Crafted requests (an unknown token, a role without the permission, an oversized or unparsable
body) go to every operation of `/openapi.json`; each must be refused as expected, with a status,
headers and body the document declares for that operation. A route added later is documented
the same way without its author declaring anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from routecare.auth.policy import ROLE_PERMISSIONS, Permission, requirement_for
from routecare.auth.policy.routes import Access
from routecare.auth.roles import Role
from tests.api.operations import Operation, documented_operations
from tests.conftest import World, https_client

CONFORMANCE = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
Send = Callable[[World, Operation], tuple[int, httpx.Response] | None]


def _path_parameters(operation: Operation) -> dict[str, str]:
    return {name: "1" for name in re.findall(r"\{([^}]+)\}", operation.path)}


def _path(operation: Operation) -> str:
    return operation.path.format(**_path_parameters(operation))


def _request(client: TestClient, operation: Operation, **kwargs: object) -> httpx.Response:
    return client.request(operation.method.upper(), _path(operation), **kwargs)  # type: ignore[arg-type]


def unknown_token(world: World, operation: Operation) -> tuple[int, httpx.Response] | None:
    """A bearer token nobody was given; partner routes read no token (a signature decides)."""
    if requirement_for(operation.method.upper(), operation.path) is Access.PARTNER_SIGNATURE:
        return None
    client = https_client(world.app)
    return 401, _request(client, operation, headers={"Authorization": "Bearer rc_unknown"})


def role_without_permission(
    world: World, operation: Operation
) -> tuple[int, httpx.Response] | None:
    requirement = requirement_for(operation.method.upper(), operation.path)
    if not isinstance(requirement, Permission):
        return None
    role = next(role for role in Role if requirement not in ROLE_PERMISSIONS[role])
    return 403, _request(world.api(role.value), operation)


def oversized_body(world: World, operation: Operation) -> tuple[int, httpx.Response]:
    too_long = str(world.deployment.settings.max_body_bytes + 1)
    return 413, _request(world.api("case_worker"), operation, headers={"Content-Length": too_long})


def unparsable_body(world: World, operation: Operation) -> tuple[int, httpx.Response] | None:
    body = operation.definition.raw.get("requestBody", {})
    if "application/json" not in body.get("content", {}):
        return None
    headers = {"Content-Type": "application/json"}
    return 400, _request(world.api("case_worker"), operation, content=b"\x80", headers=headers)


@pytest.mark.parametrize(
    "send", [unknown_token, role_without_permission, oversized_body, unparsable_body]
)
def test_every_operation_documents_the_refusal_it_sends(world: World, send: Send) -> None:
    problems: list[str] = []
    sent = 0
    for operation in documented_operations(world.app):
        outcome = send(world, operation)
        if outcome is None:
            continue
        sent += 1
        expected, response = outcome
        if response.status_code != expected:
            problems.append(f"{operation.label}: {response.status_code}, not {expected}")
            continue
        try:
            case = operation.Case(path_parameters=_path_parameters(operation))
            case.validate_response(response, checks=CONFORMANCE)
        except (FailureGroup, Failure) as failure:
            problems.append(f"{operation.label}: {failure}")
    assert sent >= 10
    assert not problems, "\n".join(problems)


def test_a_new_route_is_documented_without_declaring_anything(world: World) -> None:
    @world.app.post("/api/v1/widgets/{widget_id}")
    def add_widget(widget_id: int, body: dict[str, int]) -> dict[str, int]:
        return body

    document = https_client(world.app).get("/openapi.json").json()
    responses = document["paths"]["/api/v1/widgets/{widget_id}"]["post"]["responses"]
    refusals = {status: response for status, response in responses.items() if status >= "400"}
    assert set(refusals) == {"400", "401", "403", "404", "413", "422"}
    refs = {
        status: r["content"]["application/json"]["schema"]["$ref"] for status, r in refusals.items()
    }
    assert refs.pop("422") == "#/components/schemas/InvalidRequest"
    assert set(refs.values()) == {"#/components/schemas/Refusal"}
    assert responses["401"]["headers"]["WWW-Authenticate"]["required"] is True
    assert "HTTPValidationError" not in document["components"]["schemas"]
