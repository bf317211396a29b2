"""Differentially private synthetic microdata from a facts file, and its utility report.

A small Bayesian-network synthesiser in the spirit of PrivBayes/MST, on OpenDP's noise: the
two-way tables along a fixed chain of attributes (nationality → sex → age band → exploitation
type; nationality → reporting country → year; nationality → route) are counted with noise
(`disclosure/noise.py`), each with an equal share of epsilon; synthetic people are then drawn
attribute by attribute from the noisy conditional tables. Everything after the noisy counts is
post-processing, so the synthetic file is as private as the counts: epsilon in total, by
sequential composition. Utility is reported as the same cross-tabs on real and synthetic data,
side by side, with their total variation distance.

Written here because smartnoise-synth is not on the package index this project installs from;
private-pgm (`mbi`, the library behind MST) is, and is where this should move.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from routecare.observatory.disclosure.noise import check_epsilon, noisy_counts
from routecare.observatory.releases.tables import every_cell

# (parent, child): each child attribute drawn given its parent; the first parent drawn alone.
CHAIN = (
    ("nationality", "sex"),
    ("sex", "age_band"),
    ("age_band", "exploitation_type"),
    ("nationality", "reporting_country"),
    ("reporting_country", "year"),
    ("nationality", "route"),
)
ATTRIBUTES = (
    "nationality",
    "sex",
    "age_band",
    "exploitation_type",
    "reporting_country",
    "year",
    "route",
)
# Cross-tabs compared in the utility report: the chain's pairs and two it does not model.
REPORTED = (*CHAIN, ("nationality", "age_band"), ("sex", "exploitation_type"))


@dataclass(frozen=True)
class UtilityRow:
    dimensions: tuple[str, str]
    key: tuple[str, ...]
    real: int
    synthetic: int


@dataclass(frozen=True)
class Synthesis:
    rows: list[dict[str, str]]  # synthetic people, one dict per person
    utility: list[UtilityRow]
    distances: dict[tuple[str, str], float]  # total variation distance per reported cross-tab
    noise_scale: float


def synthesize(
    pairs: Mapping[tuple[str, str], Mapping[tuple[str, ...], int]],
    epsilon: float,
    categories: Mapping[str, Sequence[str]],
    seed: int | None = None,
) -> Synthesis:
    """Synthetic people from the two-way counts `pairs` (one table per `REPORTED` pair, keys
    (parent value, child value)); only the `CHAIN` tables are read for synthesis, with noise of
    epsilon / len(CHAIN) each. `categories`: fixed value lists for public dimensions."""
    check_epsilon(epsilon)
    share = epsilon / len(CHAIN)
    noisy: dict[tuple[str, str], dict[tuple[str, ...], int]] = {}
    scale = 0.0
    for pair in CHAIN:
        noisy[pair], scale = noisy_counts(every_cell(pairs[pair], pair, categories), share)
    rng = np.random.default_rng(seed)
    first = CHAIN[0][0]
    roots = Counter[str]()
    for (parent, _), count in noisy[CHAIN[0]].items():
        roots[parent] += count
    total = sum(roots.values())
    people: list[dict[str, str]] = [{} for _ in range(total)]
    _draw(people, first, roots, rng)
    for parent, child in CHAIN:
        table = noisy[(parent, child)]
        by_parent: dict[str, Counter[str]] = {}
        for (value, outcome), count in table.items():  # two-way keys
            by_parent.setdefault(value, Counter())[outcome] += count
        fallback = Counter[str]()
        for outcome_counts in by_parent.values():
            fallback.update(outcome_counts)
        groups: dict[str, list[dict[str, str]]] = {}
        for person in people:
            groups.setdefault(person[parent], []).append(person)
        for value, group in groups.items():
            weights = by_parent.get(value)
            _draw(group, child, weights if weights and sum(weights.values()) else fallback, rng)
    utility, distances = _utility(pairs, people)
    return Synthesis(people, utility, distances, scale)


def _draw(
    people: list[dict[str, str]], attribute: str, weights: Counter[str], rng: np.random.Generator
) -> None:
    values = sorted(weights)
    counts = np.array([weights[value] for value in values], dtype=float)
    if not len(people) or counts.sum() <= 0:
        for person in people:
            person[attribute] = values[0] if values else "unknown"
        return
    chosen = rng.choice(len(values), size=len(people), p=counts / counts.sum())
    for person, index in zip(people, chosen, strict=True):
        person[attribute] = values[index]


def _utility(
    pairs: Mapping[tuple[str, str], Mapping[tuple[str, ...], int]],
    people: list[dict[str, str]],
) -> tuple[list[UtilityRow], dict[tuple[str, str], float]]:
    rows: list[UtilityRow] = []
    distances: dict[tuple[str, str], float] = {}
    for pair in REPORTED:
        real = pairs[pair]
        synthetic: Counter[tuple[str, ...]] = Counter(
            (person[pair[0]], person[pair[1]]) for person in people
        )
        keys = sorted(set(real) | set(synthetic))
        rows += [UtilityRow(pair, key, int(real.get(key, 0)), synthetic[key]) for key in keys]
        real_total = max(1, sum(real.values()))
        synthetic_total = max(1, sum(synthetic.values()))
        distances[pair] = 0.5 * sum(
            abs(real.get(key, 0) / real_total - synthetic[key] / synthetic_total) for key in keys
        )
    return rows, distances
