"""`routecare observatory …`: refresh the de-identified fact store, import flow counts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from routecare.cli.deployment import open_deployment
from routecare.cli.options import DataDir
from routecare.observatory.actions import import_flows
from routecare.observatory.flow_files import FlowFileError
from routecare.observatory.store import refresh

app = typer.Typer(
    help="Observatory: the de-identified fact store and flow-monitoring counts.",
    no_args_is_help=True,
)


@app.command("refresh")
def refresh_facts(
    full: Annotated[
        bool, typer.Option("--full", help="Rebuild every bucket, not only the changed ones.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Bring the fact store up to date: rebuild the buckets of children changed since the last
    refresh (all on the first), showing progress."""
    with (
        open_deployment(data_dir) as deployment,
        typer.progressbar(length=1, label="refreshing facts") as bar,
    ):

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        report = refresh(deployment, full=full, progress=progress)
    scope = "full" if report.full else "incremental"
    typer.echo(f"{scope} refresh: {report.buckets} buckets rebuilt, {report.rows} fact rows")


@app.command("import-flows")
def import_flow_file(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX flow-monitoring counts.")],
    data_dir: DataDir = None,
) -> None:
    """Import flow-monitoring counts (date, point, country, admin_area, direction, nationality,
    men, women, boys, girls, unaccompanied_children). Bad rows are listed by row number and
    nothing is imported; importing a file again changes nothing."""
    if not file.is_file():
        typer.secho(f"error: no such file: {file}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    with open_deployment(data_dir) as deployment:
        try:
            report = import_flows(deployment, file)
        except FlowFileError as error:
            for problem in error.problems:
                typer.secho(f"error: {problem}", err=True, fg=typer.colors.RED)
            raise typer.Exit(1) from error
    typer.echo(
        f"{report.added} flow counts added, {report.updated} updated, {report.unchanged} unchanged"
    )
