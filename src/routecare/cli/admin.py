"""`routecare db|users|audit|keys …`: administration of one deployment."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

import typer

from routecare.audit.queries import verify
from routecare.auth import actions, queries, second_factor
from routecare.auth.roles import OrganisationKind, Role
from routecare.auth.schemas import UserIn
from routecare.children.key_rotation import rotate_master_key
from routecare.cli.deployment import open_deployment
from routecare.cli.options import DataDir
from routecare.storage.idempotency import purge_idempotency_keys

db_app = typer.Typer(help="Database schema and housekeeping.", no_args_is_help=True)
users_app = typer.Typer(help="Staff accounts and API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
keys_app = typer.Typer(help="Encryption keys.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDir = None) -> None:
    """Apply pending migrations (creates the database and keyring of a new deployment)."""
    with open_deployment(data_dir, create=True):
        typer.echo("database is at the newest schema")


@db_app.command("purge-idempotency-keys")
def db_purge_idempotency_keys(data_dir: DataDir = None) -> None:
    """Delete idempotency keys older than ROUTECARE_IDEMPOTENCY_RETENTION_DAYS (run it daily)."""
    with open_deployment(data_dir) as deployment:
        retention = timedelta(days=deployment.settings.idempotency_retention_days)
        purged = purge_idempotency_keys(deployment.database, retention)
        typer.echo(f"{purged} idempotency keys older than {retention.days} days deleted")


@users_app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Argument(help="Login name of the administrator.")],
    organisation: Annotated[str, typer.Option(help="Organisation name (created if new).")],
    country: Annotated[str, typer.Option(help="Organisation's ISO 3166 alpha-3 country.")],
    kind: Annotated[
        OrganisationKind, typer.Option(help="Organisation kind.")
    ] = OrganisationKind.NGO,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="ROUTECARE_ADMIN_PASSWORD",
            help="At least 12 characters.",
        ),
    ] = "",
    data_dir: DataDir = None,
) -> None:
    """Create the first administrator: there is no default account or password."""
    with open_deployment(data_dir, create=True) as deployment:
        administrator = UserIn(username=username, password=password, role=Role.ADMINISTRATOR)
        organisation_id = actions.create_organisation(
            deployment, name=organisation, country=country, kind=kind
        )
        actions.create_user(deployment, organisation_id=organisation_id, user=administrator)
        typer.echo(f"administrator {username} created in organisation {organisation_id}")


@users_app.command("token")
def token(
    username: Annotated[str, typer.Argument(help="Whose scripts will use the token.")],
    expires_in: Annotated[
        int | None,
        typer.Option(
            "--expires-in", help="Days until the token expires (default ROUTECARE_TOKEN_DAYS)."
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Print a new API bearer token for USERNAME (shown once, stored hashed)."""
    with open_deployment(data_dir) as deployment:
        typer.echo(actions.issue_api_token(deployment, username, expires_in_days=expires_in))


@users_app.command("tokens")
def tokens(
    username: Annotated[str, typer.Argument(help="Whose tokens to list.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="A JSON list instead of a table.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """List USERNAME's API tokens: id, creation, expiry, last use, revoked (never the value)."""
    with open_deployment(data_dir) as deployment:
        found = queries.api_tokens(deployment, username)
    if as_json:
        typer.echo(json.dumps([t.model_dump(mode="json") for t in found], indent=2))
        return
    for t in found:
        state = "revoked" if t.revoked else f"expires {t.expires_at:%Y-%m-%d %H:%M}"
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        typer.echo(f"{t.id:>6}  created {t.created_at:%Y-%m-%d %H:%M}  {state}  last used {used}")


@users_app.command("revoke-token")
def revoke_token(
    token_id: Annotated[int, typer.Argument(help="Token id, from `routecare users tokens`.")],
    data_dir: DataDir = None,
) -> None:
    """Revoke one API token: it is refused from the next request on."""
    with open_deployment(data_dir) as deployment:
        actions.revoke_api_token(deployment, token_id)
        typer.echo(f"token {token_id} revoked")


@users_app.command("reset-second-factor")
def reset_second_factor(username: str, data_dir: DataDir = None) -> None:
    """Forget USERNAME's one-time-code app and recovery codes (lost phone); sessions end."""
    with open_deployment(data_dir) as deployment:
        second_factor.reset(deployment, username)
        typer.echo(f"{username} enrols a one-time-code app again at the next sign-in")


@users_app.command("disable")
def disable(username: str, data_dir: DataDir = None) -> None:
    """Disable an account: its sessions end and its tokens stop working at once."""
    with open_deployment(data_dir) as deployment:
        actions.set_user_active(deployment, username, active=False)
        typer.echo(f"{username} disabled")


@audit_app.command("verify")
def audit_verify(data_dir: DataDir = None) -> None:
    """Check the audit chain; exit 1 and list every edited, deleted or reordered entry."""
    with open_deployment(data_dir) as deployment:
        count, problems = verify(deployment)
    if problems:
        for problem in problems:
            typer.secho(f"{problem.kind}: {problem.message}", err=True, fg=typer.colors.RED)
        typer.secho(f"audit trail BROKEN: {len(problems)} problem(s) in {count} entries", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit trail intact: {count} entries verified")


@keys_app.command("rotate")
def keys_rotate(data_dir: DataDir = None) -> None:
    """Make a new master key active and re-wrap every child's data key with it."""
    with open_deployment(data_dir) as deployment:
        with typer.progressbar(length=1, label="re-wrapping data keys") as bar:

            def progress(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            count = rotate_master_key(deployment, progress)
        typer.echo(f"{count} data keys re-wrapped; master key {deployment.keyring.active} active")
