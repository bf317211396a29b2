"""The `routecare` command line: admins' and batch jobs' edge over the domain actions.

Each command group is imported only when it runs: the web framework and the database layer
take three seconds to import, and partners script `routecare linkage encode` and `match`,
which need neither. `routecare --help` (or no group) builds every group.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

import typer

# name -> (module, attribute): a command, or a group of commands (a Typer app).
COMMANDS = {"demo": ("server", "demo"), "serve": ("server", "serve")}
GROUPS = {
    "db": ("admin", "db_app"),
    "users": ("admin", "users_app"),
    "audit": ("admin", "audit_app"),
    "keys": ("admin", "keys_app"),
    "cases": ("cases", "app"),
    "screening": ("screening", "app"),
    "linkage": ("linkage", "app"),
    "observatory": ("observatory", "app"),
    "exchange": ("exchange", "app"),
}


def _load(module: str, attribute: str) -> Any:
    return getattr(import_module(f"routecare.cli.{module}"), attribute)


def _root() -> None:
    """routecare: protecting children on the move from trafficking."""


def build(only: str | None = None) -> typer.Typer:
    """The command line with every command, or with the one named `only`. The root callback
    keeps it a group: with one command only, Typer would run it without its name."""
    app = typer.Typer(name="routecare", no_args_is_help=True)
    app.callback()(_root)
    for name, (module, attribute) in COMMANDS.items():
        if only in (None, name):
            app.command(name)(_load(module, attribute))
    for name, (module, attribute) in GROUPS.items():
        if only in (None, name):
            app.add_typer(_load(module, attribute), name=name)
    return app


def main() -> None:
    """Console-script entry point."""
    named = sys.argv[1] if len(sys.argv) > 1 else None
    build(named if named in COMMANDS or named in GROUPS else None)()


def __getattr__(name: str) -> typer.Typer:
    """`routecare.cli.app`: the whole command line, for tests and tools (built on first use)."""
    if name == "app":
        app = build()
        globals()["app"] = app
        return app
    raise AttributeError(name)
