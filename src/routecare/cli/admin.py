"""`routecare db|users|audit|keys …`: administration of one deployment."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from routecare.audit.queries import repair_witness, verify
from routecare.auth import actions, queries, second_factor
from routecare.auth.roles import OrganisationKind, Role
from routecare.auth.schemas import UserIn
from routecare.backups import back_up, restore
from routecare.cli.deployment import open_deployment, refusals, settings_for
from routecare.cli.options import DataDir
from routecare.crypto.rotation import rotate_master_key
from routecare.storage.idempotency import purge_idempotency_keys

db_app = typer.Typer(help="Database schema and housekeeping.", no_args_is_help=True)
users_app = typer.Typer(help="Staff accounts and API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
keys_app = typer.Typer(help="Encryption keys.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDir = None) -> None:
    """Apply pending migrations; on an empty database, create the keys of a new deployment
    (keyring unless one is given, key store, key check value)."""
    with open_deployment(data_dir, create=True):
        typer.echo("database is at the newest schema")


@db_app.command("purge-idempotency-keys")
def db_purge_idempotency_keys(data_dir: DataDir = None) -> None:
    """Delete idempotency keys older than ROUTECARE_IDEMPOTENCY_RETENTION_DAYS (run it daily)."""
    with open_deployment(data_dir) as deployment:
        retention = timedelta(days=deployment.settings.idempotency_retention_days)
        purged = purge_idempotency_keys(deployment.database, retention)
        typer.echo(f"{purged} idempotency keys older than {retention.days} days deleted")


BackupFile = Annotated[Path, typer.Argument(help="The backup file (database only, no keys).")]


@db_app.command("backup")
def db_backup(file: BackupFile, data_dir: DataDir = None) -> None:
    """Write a consistent copy of the database alone to FILE (SQLite backup API or pg_dump),
    even while serving. It holds no key: back up the keyring and key store separately."""
    with open_deployment(data_dir) as deployment:
        back_up(deployment, file)
    typer.echo(f"database backed up to {file} (no keys in it)")


@db_app.command("restore")
def db_restore(file: BackupFile, data_dir: DataDir = None) -> None:
    """Replace the data directory's database by the backup FILE (stop the server first). The
    keys stay; children erased since the backup are erased again in it."""
    with refusals():
        replayed = restore(settings_for(data_dir), file)
    typer.echo(f"database restored from {file}; {replayed} erasures made since replayed")


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
    with open_deployment(data_dir) as deployment:
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
def audit_verify(
    repair: Annotated[
        bool,
        typer.Option(
            "--repair-witness",
            help="Add the entries the witness lacks, when that is the only problem (after a "
            "crash between commit and witness write, or on a deployment older than the witness).",
        ),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Check the audit chain against the witness; exit 1 and list every edited, deleted,
    reordered, truncated or unwitnessed entry."""
    with open_deployment(data_dir) as deployment:
        if repair and (added := repair_witness(deployment)):
            typer.echo(f"witness repaired: {added} entries added")
        verification = verify(deployment)
    problems = verification.problems
    if problems:
        for problem in problems:
            typer.secho(f"{problem.kind}: {problem.message}", err=True, fg=typer.colors.RED)
        typer.secho(
            f"audit trail BROKEN: {len(problems)} problem(s) in {verification.count} entries",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"audit trail intact: {verification.count} entries verified")


@keys_app.command("rotate")
def keys_rotate(data_dir: DataDir = None) -> None:
    """Make a new master key active and re-wrap every data key (children's, screenings') with
    it; run it again to finish an interrupted rotation."""
    with open_deployment(data_dir) as deployment:
        with typer.progressbar(length=1, label="re-wrapping data keys") as bar:

            def progress(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            count = rotate_master_key(deployment, progress)
        typer.echo(f"{count} data keys re-wrapped; master key {deployment.keyring.active} active")
