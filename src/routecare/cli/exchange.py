"""`routecare exchange …`: keys, partners, and packages as files between deployments.

The commands and their output are a stable contract (docs/exchange.md): `pack` writes one
compact JWE, `unpack` prints the reference of the case the package opened.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from routecare.cli.deployment import open_deployment, refusals
from routecare.cli.exchange_notices import notices_app
from routecare.cli.options import DataDir
from routecare.cli.token_files import token_lines, write_tokens

app = typer.Typer(
    help="Transnational exchange: this deployment's keys, its partners, signed and encrypted "
    "packages.",
    no_args_is_help=True,
)
keys_app = typer.Typer(help="This deployment's signing and encryption keys.", no_args_is_help=True)
partners_app = typer.Typer(help="The partner registry.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(partners_app, name="partners")
app.add_typer(notices_app, name="notices")


@keys_app.command("create")
def keys_create(data_dir: DataDir = None) -> None:
    """Create the deployment's Ed25519 signing and X25519 encryption key pairs."""
    from routecare.exchange.keys import create_keys

    with open_deployment(data_dir) as deployment:
        kids = create_keys(deployment)
    typer.echo(" ".join(kids))


@keys_app.command("rotate")
def keys_rotate(data_dir: DataDir = None) -> None:
    """New key pairs; the old ones stay to verify and decrypt only. Send partners the JWKS."""
    from routecare.exchange.keys import rotate_keys

    with open_deployment(data_dir) as deployment:
        kids = rotate_keys(deployment)
    typer.echo(" ".join(kids))


@keys_app.command("public")
def keys_public(data_dir: DataDir = None) -> None:
    """Print the public JWKS partners register (no private key is ever printed)."""
    from routecare.exchange.keys import public_jwks

    with open_deployment(data_dir) as deployment, deployment.database.transaction() as session:
        jwks = public_jwks(session)
    typer.echo(json.dumps(jwks, indent=2))


@partners_app.command("add")
def partners_add(
    name: Annotated[str, typer.Argument(help="The partner's name in this registry.")],
    jwks: Annotated[Path, typer.Option("--jwks", help="The partner's public JWKS file.")],
    purposes: Annotated[str, typer.Option("--purposes", help="Allowed purposes, comma-separated.")],
    agreement: Annotated[str, typer.Option("--agreement", help="Data-sharing agreement ref.")],
    url: Annotated[
        str | None,
        typer.Option("--url", help="Partner base URL (https://; http:// on loopback only)."),
    ] = None,
    dpia: Annotated[str | None, typer.Option("--dpia", help="DPIA reference.")] = None,
    organisation: Annotated[str | None, typer.Option(help="Partner organisation.")] = None,
    country: Annotated[str | None, typer.Option(help="Partner country (alpha-3).")] = None,
    expires: Annotated[
        datetime | None, typer.Option("--expires", help="Registration ends (UTC date).")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Register a partner deployment for some purposes under an agreement."""
    from routecare.exchange.actions import register_partner
    from routecare.exchange.schemas import PartnerIn

    with refusals():
        try:
            keys = json.loads(jwks.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            typer.secho(f"error: {jwks.name}: not a readable JSON file", err=True, fg="red")
            raise typer.Exit(1) from error
        data = PartnerIn(
            name=name,
            organisation=organisation,
            country=country,
            jwks=keys,
            base_url=url,
            purposes=[p.strip() for p in purposes.split(",") if p.strip()],
            agreement=agreement,
            dpia=dpia,
            expires_at=expires.astimezone() if expires else None,
        )
    with open_deployment(data_dir) as deployment:
        partner = register_partner(deployment, data)
    typer.echo(f"registered {partner.name}: {' '.join(partner.purposes)}")


@partners_app.command("list")
def partners_list(data_dir: DataDir = None) -> None:
    """Every partner: name, purposes, agreement, suspended or not."""
    from routecare.exchange.queries import list_partners

    with open_deployment(data_dir) as deployment:
        partners = list_partners(deployment)
    for partner in partners:
        state = "suspended" if partner.suspended else "active"
        typer.echo(f"{partner.name}\t{','.join(partner.purposes)}\t{partner.agreement}\t{state}")


@partners_app.command("suspend")
def partners_suspend(name: str, data_dir: DataDir = None) -> None:
    """Stop every exchange with the partner at once, both ways."""
    from routecare.exchange.actions import suspend_partner

    with open_deployment(data_dir) as deployment:
        suspend_partner(deployment, name)
    typer.echo(f"suspended {name}")


@app.command("pack")
def pack(
    case: Annotated[str, typer.Option("--case", help="Case reference (`cases list --json`).")],
    to: Annotated[str, typer.Option("--to", help="Registered partner name.")],
    purpose: Annotated[str, typer.Option("--purpose", help="Purpose of the package.")],
    output: Annotated[Path, typer.Option("--output", help="Where to write the .jwe file.")],
    reply_to: Annotated[str | None, typer.Option("--reply-to", help="Reply address.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Write the case's signed, encrypted package for the partner (only consented fields)."""
    from routecare.exchange.sending import pack_case

    with open_deployment(data_dir) as deployment:
        packed = pack_case(deployment, case, to, purpose, reply_to=reply_to)
    temporary = output.with_name(output.name + ".part")
    temporary.write_text(packed.token, encoding="ascii")
    temporary.replace(output)
    typer.echo(f"package {packed.package_id}: {' '.join(packed.fields)}", err=True)


@app.command("send")
def send(
    case: Annotated[str, typer.Option("--case", help="Case reference (`cases list --json`).")],
    to: Annotated[str, typer.Option("--to", help="Registered partner name (with a URL).")],
    purpose: Annotated[str, typer.Option("--purpose", help="Purpose of the package.")],
    data_dir: DataDir = None,
) -> None:
    """Pack the case for the partner and queue it for `exchange deliver` (HTTPS)."""
    from routecare.exchange.sending import pack_case

    with open_deployment(data_dir) as deployment:
        packed = pack_case(deployment, case, to, purpose, outbox=True)
    typer.echo(packed.package_id)


@app.command("deliver")
def deliver(
    loop: Annotated[
        bool, typer.Option("--loop", help="Keep delivering (every --every seconds).")
    ] = False,
    every: Annotated[float, typer.Option("--every", help="Seconds between rounds.")] = 10.0,
    data_dir: DataDir = None,
) -> None:
    """Deliver queued packages to partners' inboxes; failures wait 30 s, 1 min, 2 min … (at
    most an hour) and are retried, across restarts, until delivered or refused."""
    import time

    import httpx

    from routecare.exchange.outbox import deliver_due

    with open_deployment(data_dir) as deployment, httpx.Client(timeout=30) as client:
        while True:
            report = deliver_due(deployment, client)
            typer.echo(
                f"delivered {report.delivered}, retrying {report.retrying}, "
                f"refused {report.refused}"
            )
            if not loop:
                return
            time.sleep(every)


@app.command("unpack")
def unpack(
    package: Annotated[Path, typer.Argument(help="A .jwe package from a partner.")],
    data_dir: DataDir = None,
) -> None:
    """Verify and import a package; print the reference of the case it opened (the same one
    again for a package already imported)."""
    from routecare.exchange.notice_inbox import is_notice_package
    from routecare.exchange.receiving import receive_package

    try:
        token = package.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        typer.secho(f"error: {package.name}: not a readable package file", err=True, fg="red")
        raise typer.Exit(1) from error
    if is_notice_package(token):
        typer.secho(
            f"error: {package.name} holds match notices: `routecare exchange notices receive`",
            err=True,
            fg="red",
        )
        raise typer.Exit(1)
    with open_deployment(data_dir) as deployment:
        received = receive_package(deployment, token, accept=True)
    if received.reference is None:
        typer.secho(f"error: that package was {received.status}", err=True, fg="red")
        raise typer.Exit(1)
    typer.echo(received.reference)


@app.command("queue")
def queue(data_dir: DataDir = None) -> None:
    """Packages received over HTTPS waiting for the coordinator: id, partner, purpose, fields
    (names only, never a child's identity)."""
    from routecare.exchange.queries import pending_packages

    with open_deployment(data_dir) as deployment:
        rows = pending_packages(deployment)
    for row in rows:
        typer.echo(f"{row.package_id}\t{row.partner}\t{row.purpose}\t{' '.join(row.fields)}")


@app.command("accept")
def accept(
    package_id: str,
    case: Annotated[
        str | None,
        typer.Option(
            "--case",
            help="Link the package to this existing case of the national coordinator's "
            "organisation (as `cases list --json` prints it) instead of opening a new one; "
            "the case keeps its data.",
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Accept a queued package: open its case, or link it to an existing one (--case); tell
    the partner (signed); print the case's reference."""
    from routecare.exchange.receiving import accept_package

    with open_deployment(data_dir) as deployment:
        typer.echo(accept_package(deployment, package_id, case_reference=case))


@app.command("decline")
def decline(
    package_id: str,
    reason: Annotated[str, typer.Option("--reason", help="Why; goes back to the partner.")],
    data_dir: DataDir = None,
) -> None:
    """Decline a queued package: its content is deleted, the reason goes back signed."""
    from routecare.exchange.receiving import decline_package

    with open_deployment(data_dir) as deployment:
        decline_package(deployment, package_id, reason)
    typer.echo(f"declined {package_id}")


@app.command("erasures")
def erasures(
    to: Annotated[str, typer.Option("--to", help="The partner (registered without a URL).")],
    output: Annotated[Path, typer.Option("--output", help="File of requests, one a line.")],
    data_dir: DataDir = None,
) -> None:
    """Write the erasure requests queued for a partner reached by files (a child whose case
    it was sent was erased, or the consent withdrawn): package ids only, signed."""
    from routecare.exchange.erasure import requests_for_file

    with open_deployment(data_dir) as deployment:
        tokens = requests_for_file(deployment, to)
    write_tokens(output, tokens)
    typer.echo(f"{len(tokens)} erasure request(s) written")


@app.command("decisions")
def decisions(
    to: Annotated[str, typer.Option("--to", help="The partner (registered without a URL).")],
    output: Annotated[Path, typer.Option("--output", help="File of decisions, one a line.")],
    data_dir: DataDir = None,
) -> None:
    """Write our signed decisions (accepted, declined with the reason) on the packages a
    partner reached by files sent us; it records them with `routecare exchange receipts`."""
    from routecare.exchange.receipts import decisions_for_file

    with open_deployment(data_dir) as deployment:
        tokens = decisions_for_file(deployment, to)
    write_tokens(output, tokens)
    typer.echo(f"{len(tokens)} decision(s) written")


@app.command("receipts")
def receipts(
    decisions: Annotated[Path, typer.Argument(help="A partner's decisions file.")],
    data_dir: DataDir = None,
) -> None:
    """Record a partner's signed decisions on the packages we sent it (the case shows them).
    A decision not signed by the partner the package went to is refused, exit 1."""
    from routecare.exchange.receipts import receive_receipt

    with open_deployment(data_dir) as deployment:
        for line in token_lines(decisions):
            claims = receive_receipt(deployment, line)
            typer.echo(f"{claims['package_id']} {claims['status']}")


@app.command("erase")
def erase(
    requests: Annotated[Path, typer.Argument(help="A partner's erasure requests file.")],
    output: Annotated[Path, typer.Option("--output", help="File of acknowledgements.")],
    data_dir: DataDir = None,
) -> None:
    """Erase our copies (crypto-shredding) of the packages a partner's signed requests name;
    write our signed acknowledgements for it. A request not signed by a registered partner
    erases nothing and exits 1."""
    from routecare.exchange.erasure import receive_erasure

    acknowledgements = []
    with open_deployment(data_dir) as deployment:
        for line in token_lines(requests):
            erased, acknowledgement = receive_erasure(deployment, line)
            acknowledgements.append(acknowledgement)
            typer.echo(f"erased {' '.join(erased)}")
    write_tokens(output, acknowledgements)


@app.command("acknowledge")
def acknowledge(
    acknowledgements: Annotated[Path, typer.Argument(help="A partner's acknowledgements file.")],
    data_dir: DataDir = None,
) -> None:
    """Record a partner's signed acknowledgements of erasure on the packages we sent it."""
    from routecare.exchange.erasure import receive_acknowledgement

    with open_deployment(data_dir) as deployment:
        for line in token_lines(acknowledgements):
            typer.echo(f"erased {' '.join(receive_acknowledgement(deployment, line))}")


@app.command("log")
def log(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array on stdout.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Every package sent and received: partner, purpose, agreement, field names, status
    (for the data-protection officer; no case and no identity)."""
    from routecare.exchange.queries import package_log

    with open_deployment(data_dir) as deployment:
        rows = package_log(deployment)
    if as_json:
        typer.echo(json.dumps(rows))
        return
    for row in rows:
        typer.echo(
            f"{row['recorded_at']}\t{row['direction']}\t{row['partner']}\t{row['purpose']}\t"
            f"{row['agreement']}\t{row['status']}\t{' '.join(row['fields'])}"  # type: ignore[arg-type]
        )
