"""Opening the deployment a command points at (its database migrated first)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from pydantic import ValidationError

from routecare.cli.options import describe
from routecare.config import Settings
from routecare.deployment import Deployment
from routecare.errors import RoutecareError
from routecare.storage.migrate import upgrade


def settings_for(data_dir: Path | None) -> Settings:
    return Settings(data_dir=data_dir) if data_dir is not None else Settings()


@contextmanager
def open_deployment(data_dir: Path | None, *, create: bool = False) -> Iterator[Deployment]:
    """The migrated deployment in `data_dir`; domain refusals end the command with exit 1."""
    deployment = Deployment.open(settings_for(data_dir), create_keyring=create)
    try:
        upgrade(deployment.database)
        yield deployment
    except RoutecareError as error:
        typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from error
    except ValidationError as error:
        typer.secho(f"error: {describe(error)}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from error
    finally:
        deployment.close()
