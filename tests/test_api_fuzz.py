"""Schemathesis fuzzes every operation of the OpenAPI document: no input may produce a 5xx, and
every answer must be one the document describes.

Partners generate clients from `/openapi.json`, so an undocumented status, content type or
header, or a body that breaks its declared schema, is a broken promise like a crash. Runs as the
roles that reach the most code (case worker, data-protection officer, administrator) and without
a token on SQLite, and as the case worker and without a token on PostgreSQL (the backend changes
what the database refuses, not what the API accepts; every role on both backends cost a tenth
of the suite), with records present so record routes go deep; schema-valid and
schema-breaking requests (the latter must be refused). Derandomized, so CI is reproducible. The
operations are driven from a plain test because schemathesis' pytest plugin does not run under
pytest 9.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from routecare.auth.actions import issue_api_token
from routecare.children.actions import register_child
from routecare.children.schemas import ChildIn
from tests.api.operations import Case, Operation, documented_operations
from tests.conftest import World

FUZZ_ROLES = {
    "sqlite": ["case_worker", "data_protection_officer", "administrator", None],
    "postgresql": ["case_worker", None],
}
FUZZ_RUNS = [
    pytest.param(backend, role, id=f"{backend}-{role or 'anonymous'}")
    for backend, roles in FUZZ_ROLES.items()
    for role in roles
]
EXAMPLES_PER_OPERATION = {GenerationMode.POSITIVE: 20, GenerationMode.NEGATIVE: 10}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def failures_of(case: Case, response: schemathesis.Response) -> list[Failure]:
    try:
        case.validate_response(response, checks=CHECKS)
    except FailureGroup as group:
        return [failure for failure in group.exceptions if isinstance(failure, Failure)]
    except Failure as failure:
        return [failure]
    return []


def takes_input(operation: Operation) -> bool:
    definition = operation.definition.raw
    return bool(definition.get("parameters")) or "requestBody" in definition


@pytest.mark.parametrize(("database_url", "role"), FUZZ_RUNS, indirect=["database_url"])
def test_every_answer_is_documented_and_none_is_a_server_error(
    world: World, role: str | None
) -> None:
    register_child(world.deployment, world.principal("case_worker"), ChildIn(given_name="Awa"))
    found: dict[tuple[str, int, str], str] = {}
    statuses: set[int] = set()
    for operation in documented_operations(world.app):
        for mode, examples in EXAMPLES_PER_OPERATION.items():
            if mode is GenerationMode.NEGATIVE and not takes_input(operation):
                continue  # nothing to make invalid

            # A fresh token each time: the fuzzer may revoke its own (DELETE /me/tokens/{id}).
            token = issue_api_token(world.deployment, role) if role else None
            headers = {"Authorization": f"Bearer {token}"} if token else {}

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=examples,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
                derandomize=True,
            )
            def fuzz(case: Case) -> None:
                # Called right below, while `headers` is this operation's.
                response = case.call(headers=headers, base_url="https://testserver")  # noqa: B023
                statuses.add(response.status_code)
                for failure in failures_of(case, response):
                    key = (case.operation.label, response.status_code, failure.title)
                    found.setdefault(key, failure.message)

            fuzz()
    assert not found, "\n\n".join(
        f"{label} answered {status}: {title}\n{message}"
        for (label, status, title), message in sorted(found.items())
    )
    if role is not None:
        assert statuses & {200, 201, 204}, "the fuzzer never got past authorisation"
