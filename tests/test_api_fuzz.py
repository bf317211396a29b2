"""Schemathesis fuzzes every operation of the OpenAPI document: no input may produce a 5xx.

Runs as the roles that reach the most code (case worker, data-protection officer,
administrator) on both backends, with records present so record routes go deep. The
operations are driven from a plain test because schemathesis' pytest plugin does not run
under pytest 9.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from routecare.auth.actions import issue_api_token
from routecare.children.actions import register_child
from routecare.children.schemas import ChildIn
from tests.conftest import World

FUZZ_ROLES = ["case_worker", "data_protection_officer", "administrator"]
EXAMPLES_PER_OPERATION = 30


@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_no_input_produces_a_server_error(world: World, role: str) -> None:
    register_child(world.deployment, world.principal("case_worker"), ChildIn(given_name="Awa"))
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    failures: list[str] = []
    statuses: set[int] = set()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:
        # A fresh token per operation: the fuzzer may revoke its own (DELETE /me/tokens/{id}).
        headers = {"Authorization": f"Bearer {issue_api_token(world.deployment, role)}"}

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def fuzz(case: schemathesis.Case) -> None:
            # Called right below, while `headers` is this operation's.
            response = case.call(headers=headers, base_url="https://testserver")  # noqa: B023
            statuses.add(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        fuzz()
    assert not failures, "\n".join(sorted(set(failures)))
    assert statuses & {200, 201, 204}, "the fuzzer never got past authorisation"
