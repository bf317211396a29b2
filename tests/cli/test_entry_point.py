"""The installed `routecare` command, as the README's quick start and partners' scripts run it:
each command is built on its own, so every one must still answer to its name."""

from __future__ import annotations

import subprocess
import sys

import pytest

from routecare.cli import COMMANDS, GROUPS


@pytest.mark.parametrize("name", [*COMMANDS, *GROUPS])
def test_each_command_answers_to_its_name(name: str) -> None:
    run = subprocess.run(
        [sys.executable, "-c", "from routecare.cli import main; main()", name, "--help"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert f" {name} " in run.stdout.split("Usage:")[1].splitlines()[0]
