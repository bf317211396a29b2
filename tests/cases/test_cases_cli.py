"""`routecare cases list --json` for admins and scripts: no name ever printed."""

from __future__ import annotations

import json

from tests.cases.helpers import create_case
from tests.cli_runner import run_cli
from tests.conftest import World


def test_cases_list_json(world: World) -> None:
    reference = create_case(world.api("case_worker"))["reference"]
    result = run_cli(world.deployment, "cases", "list", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {
            "reference": reference,
            "stage": "identification",
            "status": "Active",
            "owner_organisation": "Agadez Child Protection",
        }
    ]
    plain = run_cli(world.deployment, "cases", "list")
    assert reference in plain.output and "Abdoulaye" not in plain.output
