"""The `routecare` command line: admins' and batch jobs' edge over the domain actions."""

from __future__ import annotations

import typer

from routecare.cli import linkage, screening

app = typer.Typer(
    name="routecare",
    help="routecare: protecting children on the move from trafficking.",
    no_args_is_help=True,
)
app.add_typer(screening.app, name="screening")
app.add_typer(linkage.app, name="linkage")


def main() -> None:
    """Console-script entry point."""
    app()
