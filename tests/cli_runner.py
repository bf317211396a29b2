"""Running the `routecare` CLI in-process against a test deployment."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from routecare.cli import app
from routecare.deployment import Deployment


def run_cli(deployment: Deployment, *args: str, input: str | None = None) -> Result:
    """Invoke `routecare ARGS` on the deployment's data directory and database."""
    settings = deployment.settings
    env = {"ROUTECARE_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["ROUTECARE_DATABASE_URL"] = settings.database_url
    return CliRunner().invoke(app, list(args), env=env, input=input, catch_exceptions=False)
