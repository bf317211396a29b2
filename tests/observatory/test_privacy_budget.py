"""Noisy releases: the privacy-budget ledger refuses a release past the budget (also when
releases race), and the noise has the scale its epsilon promises."""

from __future__ import annotations

import math
import random
import statistics
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from routecare.deployment import Deployment
from routecare.errors import Conflict
from routecare.observatory.disclosure.noise import noisy_counts
from routecare.observatory.releases.actions import Kind, Release, record_release
from routecare.observatory.releases.queries import release_content, remaining_budget
from routecare.observatory.releases.tables import release_table
from tests.cli_runner import run_cli
from tests.observatory.facts_files import facts_rows, write_facts
from tests.observatory.test_release_cli import read_output


def release(deployment: Deployment, facts: Path, output: Path, epsilon: str):
    return run_cli(
        deployment,
        "observatory",
        "release",
        str(facts),
        "--by",
        "nationality,sex",
        "--k",
        "11",
        "--output",
        str(output),
        "--epsilon",
        epsilon,
    )


def test_the_ledger_refuses_a_release_past_the_budget(
    deployment: Deployment, tmp_path: Path
) -> None:
    facts = write_facts(tmp_path / "facts.csv", facts_rows(random.Random(5), 400))
    output = tmp_path / "release.csv"
    assert release(deployment, facts, output, "0.6").exit_code == 0
    first = output.read_text()
    refused = release(deployment, facts, output, "0.6")
    assert refused.exit_code == 1
    assert "privacy budget of this dataset is spent" in refused.output
    assert output.read_text() == first
    assert release(deployment, facts, output, "0.4").exit_code == 0
    assert release_content(deployment, 2) == output.read_text()
    assert release_content(deployment, 3) is None  # the refused release left no record
    assert remaining_budget(deployment, "sha256:other") == 1.0  # another file, its own budget


def test_parallel_releases_cannot_spend_more_than_the_budget(deployment: Deployment) -> None:
    table = release_table({("NGA",): 40, ("GIN",): 30}, ["nationality"], 11, epsilon=0.3)
    release = Release(
        kind=Kind.FACTS_FILE,
        dataset="sha256:race",
        dimensions=table.dimensions,
        k=table.k,
        epsilon=table.epsilon,
        released_as="csv",
        content="x",
    )

    def attempt(_: int) -> bool:
        try:
            record_release(deployment, None, release)
        except Conflict:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        accepted = sum(pool.map(attempt, range(8)))
    assert accepted == 3  # 3 × 0.3 fits in 1.0, a fourth would not
    assert remaining_budget(deployment, "sha256:race") == pytest.approx(0.1, abs=1e-9)


def test_the_published_noise_scale_is_one_over_epsilon(
    deployment: Deployment, tmp_path: Path
) -> None:
    facts = write_facts(tmp_path / "facts.csv", facts_rows(random.Random(6), 300))
    output = tmp_path / "release.csv"
    assert release(deployment, facts, output, "0.25").exit_code == 0
    header, rows = read_output(output)
    assert header == ["nationality", "sex", "count", "suppressed", "noise_scale"]
    interior = [row for row in rows if "All" not in (row["nationality"], row["sex"])]
    assert {float(row["noise_scale"]) for row in interior} == {4.0}
    assert all(row["count"] == "" or int(row["count"]) >= 0 for row in rows)
    sexes = 4  # a margin over sex adds four noisy cells
    margins = [row for row in rows if row["sex"] == "All" and row["nationality"] != "All"]
    assert {float(row["noise_scale"]) for row in margins} == {4.0 * math.sqrt(sexes)}


def discrete_laplace_variance(scale: float) -> float:
    q = math.exp(-1 / scale)
    return 2 * q / (1 - q) ** 2


def test_the_empirical_error_matches_the_scale() -> None:
    cells = {(f"c{index}",): 1000 for index in range(6000)}
    for epsilon in (0.5, 2.0):
        noisy, scale = noisy_counts(cells, epsilon)
        assert scale == 1 / epsilon
        errors = [noisy[key] - 1000 for key in cells]
        expected = discrete_laplace_variance(scale)
        assert statistics.pvariance(errors) == pytest.approx(expected, rel=0.1)
        assert abs(statistics.fmean(errors)) < 4 * math.sqrt(expected / len(errors))
