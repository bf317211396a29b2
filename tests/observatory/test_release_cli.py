"""`routecare observatory release`, checked from outside: the output a reader gets, attacked
with a solver; HXL validated by libhxl; bad input refused with nothing written."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import hxl
import pytest
from typer.testing import CliRunner

from routecare.cli import app
from routecare.deployment import Deployment
from routecare.errors import Conflict
from routecare.observatory.releases.queries import release_content
from routecare.observatory.replay import replay_release
from tests.cli_runner import run_cli
from tests.observatory.attacker import pinned_below
from tests.observatory.facts_files import HEADER, facts_rows, true_counts, write_facts
from tests.observatory.tables import ALL

K = 11


def read_output(path: Path, *, hxl_row: bool = False) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="") as file:
        lines = list(csv.reader(file))
    header, body = lines[0], lines[2:] if hxl_row else lines[1:]
    return header, [dict(zip(header, line, strict=True)) for line in body]


def with_margins(counts: dict, dimensions: int) -> dict:
    categories = [sorted({key[axis] for key in counts}) + [ALL] for axis in range(dimensions)]
    from itertools import product

    return {
        key: sum(
            value
            for cell, value in counts.items()
            if all(part in (ALL, actual) for part, actual in zip(key, cell, strict=True))
        )
        for key in product(*categories)
    }


def test_a_release_resists_a_solver_and_is_valid_hxl(
    deployment: Deployment, tmp_path: Path
) -> None:
    rows = facts_rows(random.Random(7), 600)
    facts = write_facts(tmp_path / "facts.csv", rows)
    output = tmp_path / "release.csv"
    by = ["reporting_country", "nationality", "sex"]
    result = run_cli(
        deployment,
        "observatory",
        "release",
        str(facts),
        "--by",
        ",".join(by),
        "--k",
        str(K),
        "--output",
        str(output),
        "--hxl",
    )
    assert result.exit_code == 0, result.output
    assert "recorded as release" in result.output

    with output.open("rb") as file:  # libhxl leaves a file it opened itself open
        dataset = hxl.data(file)
        schema = hxl.data(
            [
                ["#valid_tag", "#valid_datatype", "#valid_value+list"],
                ["#affected+num", "number", ""],
                ["#meta+suppressed", "", "true|false"],
                ["#indicator+sex", "", "female|male|other|unknown|All"],
            ]
        )
        report = hxl.validate(dataset, schema)
    assert report["is_valid"], report["issues"]

    header, released = read_output(output, hxl_row=True)
    assert header == [*by, "count", "suppressed"]
    truth = with_margins(true_counts(rows, by), len(by))
    keys = [tuple(row[name] for name in by) for row in released]
    assert set(keys) == set(truth)
    for key, row in zip(keys, released, strict=True):
        if row["suppressed"] == "true":
            assert row["count"] == ""
        else:
            assert row["suppressed"] == "false" and int(row["count"]) == truth[key]
            assert truth[key] == 0 or truth[key] >= K
    published = [
        (key, int(row["count"]) if row["count"] else None)
        for key, row in zip(keys, released, strict=True)
    ]
    assert sum(count is None for _, count in published) > 0
    assert pinned_below(published, truth, K) == []

    content = output.read_text()
    assert release_content(deployment, 1) == content
    # Replayed from the same file, the recorded release comes out byte for byte; from an
    # edited copy it is refused, not passed off as the same release.
    assert replay_release(deployment, 1, facts) == content
    edited = write_facts(tmp_path / "edited.csv", rows[:-1])
    with pytest.raises(Conflict, match="not the facts file"):
        replay_release(deployment, 1, edited)


def test_without_a_data_directory_a_suppressed_release_still_works(tmp_path: Path) -> None:
    facts = write_facts(tmp_path / "facts.csv", facts_rows(random.Random(1), 80))
    result = CliRunner().invoke(
        app,
        [
            "observatory",
            "release",
            str(facts),
            "--by",
            "sex",
            "--k",
            "5",
            "--output",
            str(tmp_path / "out.csv"),
        ],
        env={"ROUTECARE_DATA_DIR": str(tmp_path / "nothing-here")},
    )
    assert result.exit_code == 0, result.output
    assert "not recorded" in result.output
    assert read_output(tmp_path / "out.csv")[1][-1]["sex"] == ALL


@pytest.mark.parametrize("where", ["the folder itself", "a missing folder"])
def test_an_output_that_is_a_folder_is_refused(tmp_path: Path, where: str) -> None:
    facts = write_facts(tmp_path / "facts.csv", facts_rows(random.Random(1), 20))
    output = tmp_path if where == "the folder itself" else tmp_path / "missing" / "out.csv"
    result = CliRunner().invoke(
        app,
        ["observatory", "release", str(facts), "--by", "sex", "--k", "5"]
        + ["--output", str(output)],
        env={"ROUTECARE_DATA_DIR": str(tmp_path / "nothing-here")},
    )
    assert result.exit_code == 1
    assert "folder" in result.output


def bad_file(tmp_path: Path, change: str) -> Path:
    rows = facts_rows(random.Random(3), 30)
    header = list(HEADER)
    if change.startswith("without "):
        header.remove(change.removeprefix("without "))
    elif change == "columns swapped":
        header[1], header[2] = header[2], header[1]
    elif change == "unknown exploitation":
        rows[6]["exploitation_type"] = "Smuggling"
    elif change == "bad sex":
        rows[9]["sex"] = "F"
    elif change == "bad age":
        rows[2]["age"] = "twelve"
    elif change == "repeated record":
        rows[12]["record_id"] = rows[4]["record_id"]
    elif change == "extra column":
        header.append("name")
        for row in rows:
            row["name"] = "x"
    path = write_facts(tmp_path / "facts.csv", rows, header)
    if change == "extra field":
        lines = path.read_text().splitlines(keepends=True)
        lines[5] = lines[5].rstrip("\n") + ",Amina\n"
        path.write_text("".join(lines))
    return path


@pytest.mark.parametrize(
    ("change", "arguments", "message"),
    [
        *[
            (f"without {column}", ["--by", "sex"], f"column {column} is missing")
            for column in HEADER
        ],
        ("extra column", ["--by", "sex"], "column 'name' is not part"),
        ("columns swapped", ["--by", "sex"], "in order"),
        ("extra field", ["--by", "sex"], "line 6: 9 fields where the header has 8"),
        ("unknown exploitation", ["--by", "sex"], "line 8: column exploitation_type"),
        ("bad sex", ["--by", "nationality"], "line 11: column sex"),
        ("bad age", ["--by", "sex"], "line 4: column age"),
        ("repeated record", ["--by", "sex"], "line 14: column record_id"),
        ("none", ["--by", "sex", "--k", "1"], "k must be"),
        ("none", ["--by", "sex", "--epsilon", "-0.5"], "epsilon must be a positive"),
        ("none", ["--by", "sex", "--epsilon", "0"], "epsilon must be a positive"),
        ("none", ["--by", "sex", "--epsilon", "0.5"], "kept in a data directory's ledger"),
        ("none", ["--by", "sex,age"], "unknown dimension 'age'"),
        ("none", ["--by", "age_band", "--age-bands", "primero"], "unknown age bands 'primero'"),
        ("none", ["--by", "sex,year,route,nationality,age_band"], "1 to 4 dimensions"),
    ],
)
def test_bad_input_is_refused_and_leaves_the_output_as_it_was(
    tmp_path: Path, change: str, arguments: list[str], message: str
) -> None:
    facts = bad_file(tmp_path, change)
    output = tmp_path / "out" / "release.csv"
    output.parent.mkdir()
    output.write_text("the previous release\n")
    if "--k" not in arguments:
        arguments = [*arguments, "--k", "3"]
    result = CliRunner().invoke(
        app,
        ["observatory", "release", str(facts), *arguments, "--output", str(output)],
        env={"ROUTECARE_DATA_DIR": str(tmp_path / "nothing-here")},
    )
    assert result.exit_code == 1
    assert message in result.output
    assert output.read_text() == "the previous release\n"
    assert [path.name for path in output.parent.iterdir()] == ["release.csv"]
