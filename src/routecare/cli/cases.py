"""`routecare cases …`: listing the data directory's cases for admins and scripts."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from routecare.cases.queries import all_cases
from routecare.cli.deployment import open_deployment
from routecare.cli.options import DataDir

app = typer.Typer(help="Cases: list them for administration and scripts.", no_args_is_help=True)


@app.command("list")
def list_cases(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array on stdout.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Every case: reference, stage, HTCDS status and owner organisation (never a name)."""
    with open_deployment(data_dir) as deployment:
        rows = all_cases(deployment)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        typer.echo(
            f"{row['reference']:<14} {row['stage']:<17} {row['status']:<15} "
            f"{row['owner_organisation']}"
        )
