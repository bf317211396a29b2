"""Age bands: one module names both schemes; the CLI bands in SQL what the fact store bands in
Python, the same way, and no band mixes children with adults."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest

from routecare.deployment import Deployment
from routecare.observatory.age_bands import CTDC, HUMANITARIAN, UNKNOWN, AgeScheme
from tests.cli_runner import run_cli
from tests.observatory.facts_files import BANDS, band, facts_rows, true_counts, write_facts
from tests.observatory.test_release_cli import read_output

AGES = [str(age) for age in range(131)]


@pytest.mark.parametrize("scheme", [CTDC, HUMANITARIAN], ids=lambda scheme: scheme.name)
def test_every_age_falls_in_the_band_brief_gives_in_python_and_in_sql(scheme: AgeScheme) -> None:
    with duckdb.connect() as connection:
        banded = connection.execute(
            f"SELECT coalesce({scheme.sql('age')}, '{UNKNOWN}') "
            "FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS t(age, n) ORDER BY n",
            [[*AGES, None, "x"]],
        ).fetchall()
    assert [value for (value,) in banded] == [
        *(band(a, scheme.name) for a in AGES),
        UNKNOWN,
        UNKNOWN,
    ]
    assert [scheme.band(int(a)) for a in AGES] == [band(a, scheme.name) for a in AGES]
    assert scheme.band(None) == scheme.band(-1) == UNKNOWN
    assert scheme.labels == (*(label for _, _, label in BANDS[scheme.name]), UNKNOWN)
    # children 0-17 are never in a band with an adult
    for label in scheme.labels[:-1]:
        ages = {int(a) for a in AGES if scheme.band(int(a)) == label}
        assert max(ages) <= 17 or min(ages) >= 18, label


def test_a_release_says_which_bands_it_uses_and_counts_by_them(
    deployment: Deployment, tmp_path: Path
) -> None:
    rows = facts_rows(random.Random(5), 300)
    facts = write_facts(tmp_path / "facts.csv", rows)
    output = tmp_path / "release.csv"
    result = run_cli(
        deployment, "observatory", "release", str(facts), "--by", "age_band", "--k", "2",
        "--output", str(output), "--age-bands", "humanitarian",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    truth = true_counts(rows, ["age_band"], "humanitarian")
    released = {row["age_band"]: row["count"] for row in read_output(output)[1]}
    assert set(released) == {*HUMANITARIAN.labels, "All"}
    assert {label: int(released[label]) for label in HUMANITARIAN.labels} == {
        label: truth[(label,)] for label in HUMANITARIAN.labels
    }
