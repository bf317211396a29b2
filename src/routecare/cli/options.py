"""Options every command shares, and opening the deployment they point at."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from routecare.config import Settings
from routecare.deployment import Deployment
from routecare.errors import RoutecareError
from routecare.storage.migrate import upgrade

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="ROUTECARE_DATA_DIR",
        help="Data directory (database, keyring). Default ./data.",
        show_default=False,
    ),
]


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


def describe(error: ValidationError) -> str:
    """Name the invalid fields and why, without echoing the values (they may be personal)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
        for problem in error.errors()
    )
