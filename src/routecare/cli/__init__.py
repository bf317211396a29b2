"""The `routecare` command line: admins' and batch jobs' edge over the domain actions."""

from __future__ import annotations

import typer

from routecare.cli import admin, cases, linkage, screening, server

app = typer.Typer(
    name="routecare",
    help="routecare: protecting children on the move from trafficking.",
    no_args_is_help=True,
)
app.command("demo")(server.demo)
app.command("serve")(server.serve)
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.users_app, name="users")
app.add_typer(admin.audit_app, name="audit")
app.add_typer(admin.keys_app, name="keys")
app.add_typer(cases.app, name="cases")
app.add_typer(screening.app, name="screening")
app.add_typer(linkage.app, name="linkage")


def main() -> None:
    """Console-script entry point."""
    app()
