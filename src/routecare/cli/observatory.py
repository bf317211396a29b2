"""`routecare observatory …`: batch releases of aggregate tables, the fact store's refresh and
flow-monitoring imports.

`release` reads a person-level facts file, counts it by the chosen dimensions and writes the
table as it may leave: small cells suppressed with audited complementary cells, or noisy
counts with `--epsilon`. With a data directory the release is recorded in its ledger (and a
noisy one spends the facts file's privacy budget) before the output appears.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from routecare.cli.deployment import open_deployment, refusals, settings_for
from routecare.cli.options import DataDir
from routecare.errors import InvalidInput
from routecare.observatory.age_bands import CTDC, scheme_named
from routecare.observatory.disclosure.suppression import check_threshold
from routecare.observatory.facts_files import (
    PUBLIC_CATEGORIES,
    categories,
    check_dimensions,
    content_hash,
    count_facts,
    count_facts_by,
)
from routecare.observatory.releases.output import release_csv, staged
from routecare.observatory.releases.tables import release_table

# The ledger (SQLAlchemy, the audit trail), OpenDP, the flow importer and the fact store are
# imported inside the commands that use them: a batch release of a suppressed table is
# mostly interpreter start-up otherwise (a second and a half of CPU of imports it never uses).

app = typer.Typer(
    help="Observatory: aggregate releases that never expose a child.", no_args_is_help=True
)


@app.command("release")
def release(
    facts: Annotated[
        Path,
        typer.Argument(
            help="Person-level CSV: record_id,reporting_country,"
            "nationality,sex,age,exploitation_type,year,route."
        ),
    ],
    by: Annotated[str, typer.Option("--by", help="Dimensions, comma-separated (1 to 4).")],
    k: Annotated[int, typer.Option("--k", help="Smallest count published (1..k-1 are hidden).")],
    output: Annotated[Path, typer.Option("--output", help="The table, as CSV.")],
    hxl: Annotated[bool, typer.Option("--hxl", help="Add a row of HXL hashtags.")] = False,
    epsilon: Annotated[
        float | None, typer.Option("--epsilon", help="Release noisy counts (differential privacy).")
    ] = None,
    age_bands: Annotated[
        str,
        typer.Option(
            "--age-bands",
            help="Bands of the age_band dimension: ctdc (0-8, 9-17, adults in seven bands "
            "from 18-20 to 48+) or humanitarian (0-4, 5-11, 12-17, adults 18+).",
        ),
    ] = CTDC.name,
    data_dir: DataDir = None,
) -> None:
    """Release FACTS counted by DIMENSIONS as OUTPUT; an existing OUTPUT is replaced only when
    the release succeeds."""
    with refusals():
        dimensions = [name.strip() for name in by.split(",")]
        check_dimensions(dimensions)
        scheme = scheme_named(age_bands)
        check_threshold(k)
        if epsilon is not None:
            from routecare.observatory.disclosure.noise import check_epsilon

            check_epsilon(epsilon)
        counts = count_facts(facts, dimensions, scheme)
        table = release_table(counts, dimensions, k, epsilon, categories(dimensions, scheme))
        content = release_csv(table, hxl=hxl)
        hidden = sum(row.suppressed for row in table.rows)
        recorded = _has_ledger(data_dir, spends_budget=epsilon is not None)
        with staged(output, content):
            note = "not recorded (no data directory)"
            if recorded:
                from routecare.observatory.releases.actions import Kind, Release, record_release

                with open_deployment(data_dir) as deployment:
                    release_id = record_release(
                        deployment,
                        None,
                        Release(
                            kind=Kind.FACTS_FILE,
                            dataset=content_hash(facts),
                            dimensions=table.dimensions,
                            k=k,
                            epsilon=epsilon,
                            released_as="csv",
                            content=content,
                            query={"by": dimensions, "hxl": hxl, "age_bands": scheme.name},
                            summary={"cells": len(table.rows), "suppressed": hidden},
                        ),
                        operator=f"cli:{_operator()}",
                    )
                note = f"recorded as release {release_id}"
    typer.echo(f"{output}: {len(table.rows)} cells, {hidden} suppressed; {note}")


def _has_ledger(data_dir: Path | None, *, spends_budget: bool) -> bool:
    """Whether the data directory holds a deployment to record releases in; a release that
    spends privacy budget is refused without one (InvalidInput)."""
    settings = settings_for(data_dir)
    found = settings.keyring is not None or settings.keyring_path.exists()
    if spends_budget and not found:
        raise InvalidInput(
            "a noisy release spends privacy budget, kept in a data directory's ledger: "
            "give --data-dir (or run `routecare demo --no-serve` first)"
        )
    return found


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@app.command("synthesize")
def synthesize_command(
    facts: Annotated[Path, typer.Argument(help="Person-level CSV, as for `release`.")],
    epsilon: Annotated[float, typer.Option("--epsilon", help="Privacy budget this file spends.")],
    output: Annotated[Path, typer.Option("--output", help="Synthetic people, as CSV.")],
    report: Annotated[
        Path, typer.Option("--report", help="Utility: real and synthetic cross-tabs side by side.")
    ],
    k: Annotated[
        int, typer.Option("--k", help="Real counts below k are hidden in the report.")
    ] = 11,
    data_dir: DataDir = None,
) -> None:
    """Differentially private synthetic microdata of FACTS, recorded and spending epsilon from
    the file's privacy budget; REPORT compares the same cross-tabs on real and synthetic data
    (for the releasing analyst: its real side is suppressed below k, not noisy)."""
    from routecare.observatory.disclosure.noise import check_epsilon
    from routecare.observatory.releases.actions import Kind, Release, record_release
    from routecare.observatory.synthesis import ATTRIBUTES, REPORTED, synthesize
    from routecare.observatory.synthesis_output import synthetic_csv, utility_csv

    with refusals():
        check_threshold(k)
        check_epsilon(epsilon)
        _has_ledger(data_dir, spends_budget=True)
        counted = count_facts_by(facts, [list(pair) for pair in REPORTED])
        synthesis = synthesize(
            dict(zip(REPORTED, counted, strict=True)), epsilon, PUBLIC_CATEGORIES
        )
        people = synthetic_csv(synthesis)
        comparison = utility_csv(synthesis, dict(zip(REPORTED, counted, strict=True)), k)
        with (
            staged(report, comparison),
            staged(output, people),
            open_deployment(data_dir) as deployment,
        ):
            release_id = record_release(
                deployment,
                None,
                Release(
                    kind=Kind.SYNTHETIC,
                    dataset=content_hash(facts),
                    dimensions=("synthetic", *ATTRIBUTES),
                    k=k,
                    epsilon=epsilon,
                    released_as="csv",
                    content=people,
                    summary={"people": len(synthesis.rows)},
                ),
                operator=f"cli:{_operator()}",
            )
    typer.echo(
        f"{output}: {len(synthesis.rows)} synthetic people; recorded as release {release_id}"
    )
    for (first, second), distance in synthesis.distances.items():
        typer.echo(f"  {first} × {second}: total variation distance {distance:.3f}")


@app.command("refresh")
def refresh_facts(
    full: Annotated[
        bool, typer.Option("--full", help="Rebuild every bucket, not only the changed ones.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Bring the fact store up to date: rebuild the buckets of children changed since the last
    refresh (all on the first), showing progress."""
    from routecare.observatory.store import refresh

    with (
        open_deployment(data_dir) as deployment,
        typer.progressbar(length=1, label="refreshing facts") as bar,
    ):

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        report = refresh(deployment, full=full, progress=progress)
    scope = "full" if report.full else "incremental"
    typer.echo(f"{scope} refresh: {report.buckets} buckets rebuilt, {report.rows} fact rows")


@app.command("import-flows")
def import_flow_file(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX flow-monitoring counts.")],
    data_dir: DataDir = None,
) -> None:
    """Import flow-monitoring counts (date, point, country, admin_area, direction, nationality,
    men, women, boys, girls, unaccompanied_children). Bad rows are listed by row number and
    nothing is imported; importing a file again changes nothing."""
    from routecare.observatory.actions import import_flows
    from routecare.observatory.flow_files import FlowFileError

    if not file.is_file():
        typer.secho(f"error: no such file: {file}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    with open_deployment(data_dir) as deployment:
        try:
            report = import_flows(deployment, file)
        except FlowFileError as error:
            for problem in error.problems:
                typer.secho(f"error: {problem}", err=True, fg=typer.colors.RED)
            raise typer.Exit(1) from error
    typer.echo(
        f"{report.added} flow counts added, {report.updated} updated, {report.unchanged} unchanged"
    )
