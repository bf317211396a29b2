"""`routecare demo` and `routecare serve`: running the web app."""

from __future__ import annotations

import threading
from typing import Annotated

import typer
import uvicorn

from routecare.app import create_app
from routecare.cli.deployment import open_deployment, open_or_exit, settings_for
from routecare.cli.options import DataDir
from routecare.config import Settings
from routecare.demo.seed import demo_logins, generate_password, is_seeded, seed_demo

Port = Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")]


def serve(port: Port = 8000, data_dir: DataDir = None) -> None:
    """Serve the web app and API on 127.0.0.1 (put a TLS proxy in front in production).
    Refuses to start (exit 1) unless the keyring and key store are the ones of the database."""
    run_server(settings_for(data_dir), port)


def run_server(settings: Settings, port: int) -> None:
    deployment = open_or_exit(settings)
    app = create_app(settings, deployment)
    # Possible matches at registration need the index of stored encodings; build it now.
    threading.Thread(
        target=deployment.linkage_index.warm, args=(deployment.database,), daemon=True
    ).start()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="info",
        proxy_headers=False,
        server_header=False,
    )


def demo(
    port: Port = 8000,
    data_dir: DataDir = None,
    password: Annotated[
        str | None, typer.Option(help="Password for every demo user; random when not given.")
    ] = None,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Only seed the data directory.")
    ] = False,
) -> None:
    """Seed a fictional route (Niger → Libya → Tunisia → Italy/Malta) and serve it."""
    with open_deployment(data_dir, create=True) as deployment:
        if is_seeded(deployment):
            typer.echo("the data directory already holds data; not seeding again")
            logins = demo_logins(deployment)
            password_note = "(the password chosen when it was seeded)"
        else:
            password = password or generate_password()
            logins = seed_demo(deployment, password)
            password_note = password
    typer.echo(f"\nDemo logins (password for all: {password_note})")
    for login in logins:
        typer.echo(f"  {login.username:<18} {login.role:<24} {login.country}  {login.organisation}")
    if not no_serve:
        typer.echo(f"\nOpen http://127.0.0.1:{port}/login")
        # The printed logins must work as printed: no one-time code on the demo.
        demo_settings = settings_for(data_dir).model_copy(update={"two_factor_required": False})
        run_server(demo_settings, port)
