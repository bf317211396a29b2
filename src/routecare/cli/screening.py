"""`routecare screening …`: indicator catalogue, scoring and field-collection import.

The JSON printed by `indicators --json` and `score` is a contract partners script against.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy import select

from routecare.auth.models import Organisation
from routecare.cli.deployment import open_deployment, settings_for
from routecare.cli.options import DataDir, describe
from routecare.deployment import Deployment
from routecare.screening.actions import import_submissions
from routecare.screening.catalogue import DEFAULT_CATALOGUE, CatalogueError
from routecare.screening.engine import Engine, UnknownIndicators
from routecare.screening.engines import engine_for
from routecare.screening.listing import catalogue_listing
from routecare.screening.schemas import ScoreIn
from routecare.screening.submissions import SubmissionFileError
from routecare.screening.xlsform import write_xlsform

app = typer.Typer(
    help="Indicator-based screening: catalogue, scoring, XLSForm and ODK/Kobo import.",
    no_args_is_help=True,
)
CatalogueOption = Annotated[str, typer.Option("--catalogue", help="Catalogue key (name-version).")]


def fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(1)


def _engine(data_dir: Path | None, key: str) -> Engine:
    try:
        return engine_for(settings_for(data_dir).data_dir, key)
    except CatalogueError as error:
        raise fail(str(error)) from error


@app.command()
def indicators(
    as_json: Annotated[bool, typer.Option("--json", help="Print the catalogue as JSON.")] = False,
    catalogue: CatalogueOption = DEFAULT_CATALOGUE,
    data_dir: DataDir = None,
) -> None:
    """List the catalogue's indicators (with --json: the full machine-readable catalogue)."""
    listing = catalogue_listing(_engine(data_dir, catalogue).catalogue)
    if as_json:
        typer.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{listing['version']}: {len(listing['indicators'])} indicators")
    for item in listing["indicators"]:
        typer.echo(f"  {item['id']:<55} {item['element']:<14} {item['strength']}")


@app.command()
def score(
    input_file: Annotated[
        Path, typer.Argument(help="JSON: {age, age_basis, answers}.", metavar="INPUT.json")
    ],
    data_dir: DataDir = None,
) -> None:
    """Score one screening from a JSON file and print the result as JSON."""
    try:
        data = json.loads(input_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise fail(f"{input_file.name}: not a readable JSON file: {error}") from error
    try:
        body = ScoreIn.model_validate(data)
    except ValidationError as error:
        raise fail(f"{input_file.name}: {describe(error)}") from error
    engine = _engine(data_dir, body.catalogue)
    try:
        result = engine.score(body.answers, body.age, body.age_basis, body.language)
    except UnknownIndicators as error:
        raise fail(f"{input_file.name}: {error}") from error
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))


@app.command()
def xlsform(
    output: Annotated[Path, typer.Argument(help="Where to write the form.", metavar="OUTPUT.xlsx")],
    catalogue: CatalogueOption = DEFAULT_CATALOGUE,
    data_dir: DataDir = None,
) -> None:
    """Write the catalogue as an XLSForm for ODK Collect / KoboToolbox."""
    engine = _engine(data_dir, catalogue)
    write_xlsform(engine.catalogue, output)
    typer.echo(
        f"wrote {output} ({len(engine.catalogue.indicators)} questions, "
        f"form version {engine.catalogue.key})"
    )


def _organisation_id(deployment: Deployment, wanted: str | None) -> int | None:
    with deployment.database.transaction() as session:
        organisations = session.execute(select(Organisation).order_by(Organisation.id)).scalars()
        rows = list(organisations)
    if wanted is None:
        return rows[0].id if len(rows) == 1 else None
    for organisation in rows:
        if wanted in (str(organisation.id), organisation.name):
            organisation_id: int = organisation.id
            return organisation_id
    raise fail(f"no organisation {wanted!r}")


@app.command("import")
def import_(
    submissions: Annotated[
        Path,
        typer.Argument(
            help="ODK Central or KoboToolbox export (.csv or .json).", metavar="SUBMISSIONS"
        ),
    ],
    organisation: Annotated[
        str | None,
        typer.Option(
            help="Owning organisation (id or name); default: the only one, if there is one."
        ),
    ] = None,
    results: Annotated[
        Path | None,
        typer.Option(
            help="Also write instance_id,outcome,rule,treated_as_child per submission to this CSV."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    catalogue: CatalogueOption = DEFAULT_CATALOGUE,
    data_dir: DataDir = None,
) -> None:
    """Score and store each submission; importing a file again adds nothing. A structural
    error imports nothing; bad rows are reported by number (exit 1) and the rest imported."""
    with open_deployment(data_dir) as deployment:
        owner = _organisation_id(deployment, organisation)
        with typer.progressbar(length=1, label="importing", file=None) as bar:

            def progress(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            try:
                report, scored = import_submissions(
                    deployment,
                    submissions,
                    organisation_id=owner,
                    catalogue=catalogue,
                    progress=progress,
                )
            except (SubmissionFileError, CatalogueError) as error:
                raise fail(f"{error} (nothing imported)") from error
    if results is not None:
        with results.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["instance_id", "outcome", "rule", "treated_as_child"])
            writer.writerows(
                (s.instance_id, r.outcome, r.rule, r.treated_as_child) for s, r in scored
            )
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        typer.echo(
            f"{report.file}: {report.rows} rows, {report.imported} imported, "
            f"{report.already_imported} already imported, "
            f"{len(report.rejected_rows)} rejected; outcomes {report.outcomes}"
        )
    for problem in report.rejected_rows:
        typer.secho(problem, err=True, fg=typer.colors.YELLOW)
    if report.rejected_rows:
        raise typer.Exit(1)
