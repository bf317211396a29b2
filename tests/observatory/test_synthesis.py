"""Differentially private synthetic microdata: made only from noisy counts, and useful."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from routecare.deployment import Deployment
from routecare.errors import InvalidInput
from routecare.observatory.facts_files import PUBLIC_CATEGORIES, count_facts_by
from routecare.observatory.releases.queries import release_content
from routecare.observatory.synthesis import ATTRIBUTES, CHAIN, REPORTED, synthesize
from tests.cli_runner import run_cli
from tests.observatory.facts_files import facts_rows, write_facts


def pair_counts(tmp_path: Path, people: int, seed: int) -> dict:
    facts = write_facts(tmp_path / "facts.csv", facts_rows(random.Random(seed), people))
    return dict(
        zip(REPORTED, count_facts_by(facts, [list(pair) for pair in REPORTED]), strict=True)
    )


def test_synthetic_people_keep_the_cross_tabs_at_a_generous_epsilon(tmp_path: Path) -> None:
    pairs = pair_counts(tmp_path, 4000, 11)
    synthesis = synthesize(pairs, epsilon=6.0, categories=PUBLIC_CATEGORIES, seed=1)
    assert abs(len(synthesis.rows) - 4000) < 100
    assert all(set(person) == set(ATTRIBUTES) for person in synthesis.rows)
    assert synthesis.noise_scale == pytest.approx(len(CHAIN) / 6.0)
    for pair, distance in synthesis.distances.items():
        assert distance < 0.08, pair


def test_a_small_epsilon_costs_utility(tmp_path: Path) -> None:
    """The noise is real: with a hundredth of the budget the same data synthesise worse."""
    pairs = pair_counts(tmp_path, 600, 12)
    generous = synthesize(pairs, epsilon=10.0, categories=PUBLIC_CATEGORIES, seed=2)
    strict = synthesize(pairs, epsilon=0.1, categories=PUBLIC_CATEGORIES, seed=2)
    assert sum(strict.distances.values()) > sum(generous.distances.values())


def test_epsilon_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="epsilon"):
        synthesize({}, epsilon=-1.0, categories=PUBLIC_CATEGORIES)


def test_the_command_records_spends_and_hides_small_real_counts(
    deployment: Deployment, tmp_path: Path
) -> None:
    facts = write_facts(tmp_path / "facts.csv", facts_rows(random.Random(13), 500))
    output, report = tmp_path / "synthetic.csv", tmp_path / "utility.csv"
    arguments = ["observatory", "synthesize", str(facts), "--output", str(output)]
    arguments += ["--report", str(report), "--k", "11"]
    done = run_cli(deployment, *arguments, "--epsilon", "0.8")
    assert done.exit_code == 0, done.output
    with output.open(newline="") as file:
        people = list(csv.DictReader(file))
    assert list(people[0]) == ["synthetic_id", *ATTRIBUTES]
    assert release_content(deployment, 1) == output.read_text()
    with report.open(newline="") as file:
        real = [row["real"] for row in csv.DictReader(file)]
    assert "" in real and not any(count and 1 <= int(count) < 11 for count in real)

    before = (output.read_text(), report.read_text())
    refused = run_cli(deployment, *arguments, "--epsilon", "0.3")
    assert refused.exit_code == 1 and "privacy budget" in refused.output
    assert (output.read_text(), report.read_text()) == before
