"""`routecare linkage …`: privacy-preserving record linkage across deployments.

Partners script these commands; their arguments and output columns are a stable contract.
`encode`, `match` and `dedupe` need no deployment, so the database layer is imported only by
the commands that open one (`export`, `notices-from`): a scripted `encode` starts in a
fraction of a second instead of three.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from routecare.cli.options import DataDir
from routecare.linkage.dedupe import dedupe as dedupe_records
from routecare.linkage.encoded import EncodedSet, read_encoded, write_encoded
from routecare.linkage.encoding import Encoder
from routecare.linkage.matching import THRESHOLDS, Link, link
from routecare.linkage.records import LinkageInputError, read_registrations
from routecare.linkage.sealing import partner_seal
from routecare.linkage.session import check_compatible
from routecare.linkage.spark_extra import SparkNotInstalled

app = typer.Typer(
    help="Privacy-preserving record linkage: encode, match, dedupe; export this deployment's "
    "encodings and turn a partner's into match notices.",
    no_args_is_help=True,
)
MIN_SECRET_BYTES = 16


class Engine(StrEnum):
    """Where `match` runs: in this process (NumPy), or on Apache Spark for regional runs."""

    IN_PROCESS = "in-process"
    SPARK = "spark"


def _fail(error: Exception) -> typer.Exit:
    typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
    return typer.Exit(1)


def _say(step: str) -> None:
    typer.echo(f"… {step}", err=True)


def _write_csv(output: Path, header: list[str], rows: Iterable[Iterable[object]]) -> None:
    """Write to a temporary name, then rename: a failure never leaves half a file."""
    temporary = output.with_name(output.name + ".part")
    with temporary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    temporary.replace(output)


def _secret(path: Path) -> bytes:
    try:
        secret = path.read_bytes().strip()
    except OSError as error:
        raise LinkageInputError(f"{path.name}: cannot read the secret file: {error}") from error
    if len(secret) < MIN_SECRET_BYTES:
        raise LinkageInputError(
            f"{path.name}: the secret must be at least {MIN_SECRET_BYTES} bytes"
        )
    return secret


def _threshold(value: str) -> float:
    if value in THRESHOLDS:
        return THRESHOLDS[value]
    try:
        number = float(value)
    except ValueError as error:
        raise LinkageInputError(
            f"threshold {value!r} is not possible, probable or a number"
        ) from error
    if not 0.0 <= number <= 1.0:
        raise LinkageInputError("a numeric threshold is a probability between 0 and 1")
    return number


def _link(
    left: EncodedSet, right: EncodedSet, threshold: float, engine: Engine, spark_master: str
) -> list[Link]:
    if engine is Engine.IN_PROCESS:
        return link(left, right, threshold, progress=_say)
    # Imported here: pyspark, pandas and pyarrow would add a second to every command's start.
    try:
        from routecare.linkage.spark_backend import link_on_spark, spark_session
    except SparkNotInstalled as missing:
        raise LinkageInputError(str(missing)) from missing

    _say(f"Spark session on {spark_master}")
    with spark_session(spark_master) as spark:
        return link_on_spark(spark, left, right, threshold, progress=_say)


@app.command()
def encode(
    input_csv: Annotated[
        Path, typer.Argument(metavar="INPUT.csv", help="Registrations (UTF-8 CSV, fixed header).")
    ],
    output: Annotated[
        Path, typer.Argument(metavar="OUTPUT", help="Encodings: record ids and encodings only.")
    ],
    secret_file: Annotated[
        Path,
        typer.Option("--secret-file", metavar="KEY", help="The secret agreed between partners."),
    ],
    seal: Annotated[
        bool,
        typer.Option(
            "--seal/--no-seal",
            help="Seal every encoding under the secret, so that only its holders can read or "
            "compare them (needed against a keyless thief of the file: docs/linkage.md).",
        ),
    ] = False,
) -> None:
    """Encode registrations locally; the output holds no name, date or place in clear. Without
    --seal anyone holding the file can compare its encodings (and so attack them)."""
    try:
        secret = _secret(secret_file)
        records = read_registrations(input_csv)
        _say(f"encoding {len(records):,} registrations")
        sealing = partner_seal(secret) if seal else None
        write_encoded(output, Encoder(secret).encode_set(records), sealing)
    except LinkageInputError as error:
        raise _fail(error) from error
    typer.echo(f"wrote {output} ({len(records):,} encodings)")


@app.command()
def match(
    left: Annotated[Path, typer.Argument(help="Encodings of one deployment.")],
    right: Annotated[Path, typer.Argument(help="Encodings of the partner deployment.")],
    output: Annotated[
        Path, typer.Option("--output", metavar="MATCHES.csv", help="left_id,right_id,score,band")
    ],
    secret_file: Annotated[
        Path | None,
        typer.Option(
            "--secret-file",
            metavar="KEY",
            help="The secret both files were encoded with: needed for sealed files.",
        ),
    ] = None,
    threshold: Annotated[
        str, typer.Option(help="possible, probable or a probability between 0 and 1.")
    ] = "probable",
    engine: Annotated[
        Engine, typer.Option(help="in-process, or spark for regional batch runs.")
    ] = Engine.IN_PROCESS,
    spark_master: Annotated[
        str,
        typer.Option(
            metavar="URL", help="Spark master with --engine spark: local[N], spark://host:port…"
        ),
    ] = "local[*]",
) -> None:
    """One-to-one links between two encoded files, at or above the threshold. Sealed files
    (encode --seal, export) are opened with the secret they were sealed under."""
    try:
        cut = _threshold(threshold)
        seal = partner_seal(_secret(secret_file)) if secret_file is not None else None
        left_set, right_set = read_encoded(left, seal), read_encoded(right, seal)
        check_compatible(left_set, right_set, left.name, right.name)
        links = _link(left_set, right_set, cut, engine, spark_master)
    except LinkageInputError as error:
        raise _fail(error) from error
    _write_csv(
        output,
        ["left_id", "right_id", "score", "band"],
        ((lk.left_id, lk.right_id, f"{lk.score:.6f}", lk.band) for lk in links),
    )
    typer.echo(f"wrote {output} ({len(links):,} links at threshold {cut})")


@app.command()
def dedupe(
    input_csv: Annotated[
        Path, typer.Argument(metavar="INPUT.csv", help="One organisation's registrations.")
    ],
    output: Annotated[
        Path, typer.Option("--output", metavar="CLUSTERS.csv", help="record_id,cluster_id")
    ],
    threshold: Annotated[
        str, typer.Option(help="possible, probable or a probability between 0 and 1.")
    ] = "probable",
) -> None:
    """Group registrations of the same child within one dataset."""
    try:
        cut = _threshold(threshold)
        records = read_registrations(input_csv)
        _say(f"comparing {len(records):,} registrations")
        clusters = dedupe_records(records, cut)
    except LinkageInputError as error:
        raise _fail(error) from error
    _write_csv(output, ["record_id", "cluster_id"], clusters.items())
    duplicates = len(clusters) - len(set(clusters.values()))
    typer.echo(
        f"wrote {output} ({len(set(clusters.values())):,} clusters, "
        f"{duplicates:,} duplicate registrations)"
    )


SecretFile = Annotated[
    Path,
    typer.Option("--secret-file", metavar="KEY", help="The secret agreed between partners."),
]


@app.command()
def export(
    output: Annotated[
        Path, typer.Argument(metavar="OUTPUT", help="Encodings: record ids and encodings only.")
    ],
    secret_file: SecretFile,
    data_dir: DataDir = None,
) -> None:
    """Encode this deployment's registered children for a partner.

    The format of `encode`; record ids are random per child: no name, date or case reference
    leaves."""
    from routecare.cli.deployment import open_deployment
    from routecare.linkage.partners import export_encodings

    try:
        encoder = Encoder(_secret(secret_file))
        with open_deployment(data_dir) as deployment:
            count = export_encodings(deployment, encoder, output)
    except LinkageInputError as error:
        raise _fail(error) from error
    typer.echo(f"wrote {output} ({count:,} encodings)")


@app.command("notices-from")
def notices_from(
    partner_file: Annotated[
        Path, typer.Argument(metavar="PARTNER_FILE", help="A partner's encodings.")
    ],
    secret_file: SecretFile,
    partner: Annotated[
        str, typer.Option("--partner", metavar="NAME", help="Who sent the file (notices name it).")
    ],
    data_dir: DataDir = None,
) -> None:
    """Turn a partner's encodings into match notices for the coordinators.

    Each one-to-one link with this deployment's children at or above `possible` becomes a
    notice (case reference, partner, partner's record id, score, band; never an identity).
    Re-running with the same file adds nothing."""
    from routecare.cli.deployment import open_deployment
    from routecare.linkage.partners import notices_from_partner

    try:
        secret = _secret(secret_file)
        encoder = Encoder(secret)
        partner_set = read_encoded(partner_file, partner_seal(secret))
        with open_deployment(data_dir) as deployment:
            links, created = notices_from_partner(
                deployment, encoder, partner_set, partner, partner_file.name
            )
    except LinkageInputError as error:
        raise _fail(error) from error
    typer.echo(f"{links:,} links with {partner}; {created:,} new match notices")
