"""Opening the deployment a command points at (its database migrated first), or refusing to
when its keys are missing, different or damaged."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError

from routecare.cli.options import describe
from routecare.config import Settings
from routecare.crypto import KeyringError
from routecare.errors import RoutecareError

if TYPE_CHECKING:  # loading the deployment costs a second: commands that never open one skip it
    from routecare.deployment import Deployment


def settings_for(data_dir: Path | None) -> Settings:
    return Settings(data_dir=data_dir) if data_dir is not None else Settings()


@contextmanager
def refusals() -> Iterator[None]:
    """Domain refusals and refused keys end the command with exit 1 and say why."""
    try:
        yield
    except (RoutecareError, KeyringError) as error:
        typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from error
    except ValidationError as error:
        typer.secho(f"error: {describe(error)}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from error


@contextmanager
def open_deployment(data_dir: Path | None, *, create: bool = False) -> Iterator[Deployment]:
    """The migrated deployment in `data_dir`; refusals end the command with exit 1, and so do
    keys that cannot read the database (`create`: an empty database gets new keys)."""
    from routecare.storage.migrate import upgrade

    deployment = open_or_exit(settings_for(data_dir), create=create)
    try:
        with refusals():
            upgrade(deployment.database)
            yield deployment
    finally:
        deployment.close()


def open_or_exit(settings: Settings, *, create: bool = False) -> Deployment:
    """The deployment, or exit 1 saying why its keys were refused (nothing is created)."""
    from routecare.deployment import Deployment

    try:
        return Deployment.open(settings, create_keyring=create)
    except KeyringError as error:
        typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from error
