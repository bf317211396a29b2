"""`routecare exchange notices …`: match notices with a partner over the exchange channel
(docs/exchange.md, "Match notices"): the linkage secret agreed with it, our encodings sent
(queued for its inbox, or as a file), its file received, and its signed answer recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from routecare.cli.deployment import open_deployment
from routecare.cli.options import DataDir
from routecare.cli.token_files import read_file, token_lines, write_tokens

notices_app = typer.Typer(
    help="Match notices with partners: sealed linkage encodings, never identities.",
    no_args_is_help=True,
)


@notices_app.command("secret")
def secret(
    name: Annotated[str, typer.Argument(help="The registered partner.")],
    secret_file: Annotated[
        Path,
        typer.Option("--secret-file", metavar="KEY", help="The secret agreed with the partner."),
    ],
    data_dir: DataDir = None,
) -> None:
    """Keep the linkage secret agreed with a partner (encrypted in the key store)."""
    from routecare.exchange.linkage_secrets import record_linkage_secret

    secret_bytes = read_file(secret_file)
    with open_deployment(data_dir) as deployment:
        record_linkage_secret(deployment, name, secret_bytes)
    typer.echo(f"linkage secret recorded for {name}")


@notices_app.command("send")
def send(
    to: Annotated[str, typer.Option("--to", help="Registered partner allowed match_notice.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Write the package(s) to this .jwe file (one a line)."),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Send our consenting children's sealed encodings: queued for `exchange deliver`, or
    with --output written as a file; prints the package ids."""
    from routecare.exchange.match_notices import send_notices

    with open_deployment(data_dir) as deployment:
        packed = send_notices(deployment, to, outbox=output is None)
    if output is not None:
        write_tokens(output, [package.token for package in packed])
    for package in packed:
        typer.echo(package.package_id)


@notices_app.command("receive")
def receive(
    packages: Annotated[Path, typer.Argument(help="A partner's match-notice .jwe file.")],
    output: Annotated[Path, typer.Option("--output", help="Signed answers for the partner.")],
    data_dir: DataDir = None,
) -> None:
    """Match a partner's encodings against our children: notices in our coordinators' queue,
    signed answers (the matches, no identity) written for the partner. A package that does not
    verify stores nothing and exits 1."""
    from routecare.exchange.notice_inbox import receive_notices

    receipts = []
    with open_deployment(data_dir) as deployment:
        for line in token_lines(packages):
            noticed = receive_notices(deployment, line)
            receipts.append(noticed.receipt)
            typer.echo(f"{noticed.package_id}: {noticed.created} new notice(s)")
    write_tokens(output, receipts)


@notices_app.command("answers")
def answers(
    receipts: Annotated[Path, typer.Argument(help="A partner's answers file (`receive`).")],
    data_dir: DataDir = None,
) -> None:
    """Record a partner's signed answers to our match-notice packages: a notice in our
    coordinators' queue for each match."""
    from routecare.exchange.receipts import receive_receipt

    with open_deployment(data_dir) as deployment:
        for line in token_lines(receipts):
            claims = receive_receipt(deployment, line)
            typer.echo(f"{claims['package_id']}: {claims['status']}")
