"""Running the real `routecare` entry point in a child process, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys

from routecare.config import Settings

ENTRY_POINT = "from routecare.cli import main; main()"


def cli_environment(settings: Settings, **extra: str) -> dict[str, str]:
    env = {**os.environ, "ROUTECARE_DATA_DIR": str(settings.data_dir), **extra}
    env.pop("ROUTECARE_DATABASE_URL", None)
    if settings.database_url:
        env["ROUTECARE_DATABASE_URL"] = settings.database_url
    return env


def start_cli(settings: Settings, *args: str, **extra: str) -> subprocess.Popen[str]:
    """`routecare ARGS` in its own process (its output captured)."""
    return subprocess.Popen(
        [sys.executable, "-c", ENTRY_POINT, *args],
        env=cli_environment(settings, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
