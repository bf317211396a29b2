"""ODK/Kobo round trip: the generated XLSForm converts, exports import idempotently and score
exactly as the API scores the same answers; bad files import nothing."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from pyxform.xls2xform import convert
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from routecare.cli import app
from routecare.screening.catalogue import CatalogueRegistry
from routecare.screening.models import Screening
from tests.cli_runner import run_cli
from tests.conftest import World
from tests.screening.kobo import kobo_csv, odk_central_json

CATALOGUE = CatalogueRegistry().get()


def _count(world: World) -> int:
    with world.deployment.database.transaction() as session:
        return int(session.execute(select(func.count()).select_from(Screening)).scalar_one())


def random_rows(count: int, seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    ids = list(CATALOGUE.by_id)
    rows: list[dict[str, object]] = []
    for _ in range(count):
        basis = rng.choice(["documented", "claimed", "estimated", "unknown", "assessed"])
        age = None if basis == "unknown" else rng.randint(10, 24)
        answers = {i: rng.random() < 0.15 for i in rng.sample(ids, rng.randint(0, len(ids)))}
        rows.append({"age": age, "age_basis": basis, "answers": answers})
    return rows


def test_the_xlsform_converts_with_pyxform(tmp_path: Path) -> None:
    output = tmp_path / "screening.xlsx"
    result = run_cli_anywhere("screening", "xlsform", str(output))
    assert result.exit_code == 0, result.output
    warnings: list[str] = []
    xform = convert(str(output), warnings=warnings).xform
    for indicator in CATALOGUE.indicators:
        assert f"/{indicator.id}" in xform
    assert "itext" in xform and 'lang="Arabic (ar)"' in xform and 'lang="French (fr)"' in xform
    assert "${is_child} = 0" not in xform  # expressions are compiled
    assert "relevant=" in xform


def run_cli_anywhere(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_a_kobo_export_scores_exactly_as_the_api(world: World, tmp_path: Path) -> None:
    rows = random_rows(60)
    export = kobo_csv(tmp_path / "kobo.csv", CATALOGUE, rows)
    results = tmp_path / "results.csv"
    outcome = run_cli(
        world.deployment,
        "screening",
        "import",
        str(export),
        "--organisation",
        str(world.organisation_ids["home"]),
        "--results",
        str(results),
    )
    assert outcome.exit_code == 0, outcome.output
    assert "60 imported" in outcome.output
    api = world.api("screener")
    with results.open(encoding="utf-8") as handle:
        imported = list(csv.DictReader(handle))
    assert len(imported) == 60
    outcomes = set()
    for row, line in zip(rows, imported, strict=True):
        expected = api.post("/api/v1/screening/score", json=row).json()
        assert (line["outcome"], line["rule"]) == (expected["outcome"], expected["rule"])
        outcomes.add(line["outcome"])
    assert len(outcomes) >= 3  # the sample really exercises the decision table
    again = run_cli(
        world.deployment,
        "screening",
        "import",
        str(export),
        "--organisation",
        str(world.organisation_ids["home"]),
    )
    assert "0 imported, 60 already imported" in again.output
    assert _count(world) == 60


def test_an_odk_central_json_export_imports(world: World, tmp_path: Path) -> None:
    export = odk_central_json(tmp_path / "central.json", CATALOGUE, random_rows(5, seed=3))
    result = run_cli(
        world.deployment,
        "screening",
        "import",
        str(export),
        "--json",
        "--organisation",
        str(world.organisation_ids["home"]),
    )
    assert result.exit_code == 0, result.output
    assert '"imported": 5' in result.output


def test_a_missing_column_imports_nothing(world: World, tmp_path: Path) -> None:
    export = kobo_csv(tmp_path / "kobo.csv", CATALOGUE, random_rows(5))
    with export.open(encoding="utf-8") as handle:
        table = list(csv.reader(handle, delimiter=";"))
    dropped = table[0].index(f"g_act/{next(iter(CATALOGUE.by_id))}")
    with export.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows([r[:dropped] + r[dropped + 1 :] for r in table])
    result = run_cli(world.deployment, "screening", "import", str(export))
    assert result.exit_code == 1
    assert "missing columns" in result.output and "nothing imported" in result.output
    assert _count(world) == 0


def test_an_older_form_version_imports_nothing(world: World, tmp_path: Path) -> None:
    rows = random_rows(4)
    rows[2]["form_version"] = "routecare-core-0.9"
    export = kobo_csv(tmp_path / "kobo.csv", CATALOGUE, rows)
    result = run_cli(world.deployment, "screening", "import", str(export))
    assert result.exit_code == 1
    assert "routecare-core-0.9" in result.output and "nothing imported" in result.output
    assert _count(world) == 0


def test_bad_rows_are_named_and_the_rest_imported(world: World, tmp_path: Path) -> None:
    rows = random_rows(5)
    rows[1]["age"] = "fifteen"
    rows[3]["answers"] = {next(iter(CATALOGUE.by_id)): "maybe"}
    export = kobo_csv(tmp_path / "kobo.csv", CATALOGUE, rows)
    result = run_cli(world.deployment, "screening", "import", str(export))
    assert result.exit_code == 1
    assert "row 2: age is not a whole number" in result.output
    assert "row 4: " in result.output and "is not yes or no" in result.output
    assert _count(world) == 3


def test_a_file_that_is_not_an_export_is_refused(world: World, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("name,phone\nA,1\n", encoding="utf-8")
    result = run_cli(world.deployment, "screening", "import", str(other))
    assert result.exit_code == 1 and "missing columns" in result.output
