"""The observatory's operations fuzzed as the analyst (the whole-document fuzz runs as roles
that the observatory refuses): every answer documented, none a server error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from routecare.auth.actions import issue_api_token
from tests.api.operations import Case, documented_operations
from tests.cli_runner import run_cli
from tests.conftest import World
from tests.test_api_fuzz import failures_of, takes_input


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_observatory_answers_are_documented(world: World) -> None:
    assert run_cli(world.deployment, "observatory", "refresh").exit_code == 0
    headers = {"Authorization": f"Bearer {issue_api_token(world.deployment, 'analyst')}"}
    found: dict[tuple[str, int, str], str] = {}
    statuses: set[int] = set()
    operations = [
        operation
        for operation in documented_operations(world.app)
        if operation.path.startswith("/api/v1/observatory")
    ]
    assert len(operations) == 3
    for operation in operations:
        for mode, examples in ((GenerationMode.POSITIVE, 15), (GenerationMode.NEGATIVE, 8)):
            if mode is GenerationMode.NEGATIVE and not takes_input(operation):
                continue  # nothing to make invalid

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=examples,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
                derandomize=True,
            )
            def fuzz(case: Case) -> None:
                response = case.call(headers=headers, base_url="https://testserver")
                statuses.add(response.status_code)
                for failure in failures_of(case, response):
                    found.setdefault(
                        (case.operation.label, response.status_code, failure.title),
                        failure.message,
                    )

            fuzz()
    assert not found, "\n\n".join(
        f"{label} answered {status}: {title}\n{message}"
        for (label, status, title), message in sorted(found.items())
    )
    assert 200 in statuses
