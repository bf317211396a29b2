"""Running the real `routecare` entry point in a child process, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys

from fastapi.testclient import TestClient

from routecare.app import create_app
from routecare.auth.actions import issue_api_token
from routecare.config import Settings
from routecare.deployment import Deployment

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


def api_client(settings: Settings, username: str) -> tuple[Deployment, TestClient]:
    """A freshly opened deployment (close it after) and an API client signed in as `username`."""
    deployment = Deployment.open(settings)
    client = TestClient(create_app(settings, deployment), base_url="https://testserver")
    client.headers["Authorization"] = f"Bearer {issue_api_token(deployment, username)}"
    return deployment, client
