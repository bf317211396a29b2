"""Fellegi–Sunter weights estimated without labels, by an EM that cannot collapse.

Splink's EM re-estimates u as well as m and, on route data (few true pairs, fields that agree
by chance within large families and common names), drifts into a degenerate solution. Here u is
measured directly on random pairs — almost all of them non-matches — and held fixed, so EM only
estimates m and the match proportion; it starts from "matches mostly agree" and is bounded so
that a field's top level is always at least as likely among matches as among non-matches.
Splink also cannot compare Bloom filters, which is why this model is our own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routecare.linkage.comparison import FIELDS, LEVELS, MISSING

SMOOTHING = 1.0
ITERATIONS = 40
# The order-free set of all names restates given, father and family names; counting it too
# would count the same evidence twice. It serves blocking and the sibling rule instead.
SCORED = [c for c, name in enumerate(FIELDS) if name != "all_names"]


@dataclass
class Model:
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float  # share of candidate pairs that are matches

    def weights(self, levels: np.ndarray) -> np.ndarray:
        """Sum of log-likelihood ratios per pair (missing fields add nothing)."""
        total = np.zeros(levels.shape[0])
        for column in SCORED:
            level = levels[:, column]
            present = level != MISSING
            ratio = np.log(self.m[column] / self.u[column])
            total[present] += ratio[level[present]]
        return total

    def probability(self, levels: np.ndarray) -> np.ndarray:
        logit = np.log(self.prior / (1 - self.prior)) + self.weights(levels)
        return 1.0 / (1.0 + np.exp(-np.clip(logit, -60, 60)))


def _frequencies(levels: np.ndarray, column: int, weights: np.ndarray | None = None) -> np.ndarray:
    count = LEVELS[FIELDS[column]]
    level = levels[:, column]
    present = level != MISSING
    w = np.ones(level.size) if weights is None else weights
    tallies = np.bincount(level[present], weights=w[present], minlength=count)
    return (tallies + SMOOTHING) / (tallies.sum() + SMOOTHING * count)


def _increasing(values: np.ndarray) -> np.ndarray:
    """Pool adjacent violators: the closest non-decreasing sequence. Among true matches a
    higher similarity level is never rarer than a lower one; without this EM can settle on
    "same family, different child" — siblings agree on everything but the given name."""
    blocks = [[float(v), 1] for v in values]
    merged: list[list[float]] = []
    for block in blocks:
        merged.append(block)
        while len(merged) > 1 and merged[-2][0] > merged[-1][0]:
            value, weight = merged.pop()
            merged[-1] = [
                (merged[-1][0] * merged[-1][1] + value * weight) / (merged[-1][1] + weight),
                merged[-1][1] + weight,
            ]
    result = np.concatenate([[v] * int(w) for v, w in merged])
    return result / result.sum()


def _initial_m(column: int) -> np.ndarray:
    count = LEVELS[FIELDS[column]]
    shape = np.array([0.5 ** (count - 1 - level) for level in range(count)])
    return shape / shape.sum()


def _seed_posterior(levels: np.ndarray) -> np.ndarray:
    """Start EM from pairs that agree on every name and are born within the same window: they
    are mostly the same child, whereas most blocked pairs are relatives or namesakes (a Mamadou
    Diallo is rarely the only one)."""

    def at_least(field: str, level: int) -> np.ndarray:
        column = levels[:, FIELDS.index(field)]
        return (column == MISSING) | (column >= level)

    top = LEVELS["given"] - 1
    seeds = (
        at_least("given", top - 1)
        & at_least("all_names", top - 1)
        & at_least("father", top - 1)
        & at_least("year", 1)
        & at_least("mother", 1)
    )
    return np.where(seeds, 0.9, 0.01)


def _one_to_one(posterior: np.ndarray, li: np.ndarray, ri: np.ndarray) -> np.ndarray:
    """A record is at most one child: scale its pairs' posteriors to sum to at most 1, on both
    sides. Otherwise a child's ten relatives count as ten half-matches and EM learns kinship."""
    for side in (li, ri):
        sums = np.bincount(side, weights=posterior)
        posterior = posterior / np.maximum(sums[side], 1.0)
    return posterior


def estimate(
    candidate_levels: np.ndarray,
    random_levels: np.ndarray,
    expected_matches: float,
    li: np.ndarray,
    ri: np.ndarray,
) -> Model:
    """EM on the candidate pairs with u fixed from random pairs."""
    u = [_frequencies(random_levels, c) for c in range(len(FIELDS))]
    pairs = max(len(candidate_levels), 1)
    # One-to-one: at most one true pair per record of the smaller side, so the match share is
    # bounded. Without the bound EM settles on "same family" instead of "same child".
    ceiling = float(np.clip(expected_matches / pairs, 1e-5, 0.5))
    posterior = _one_to_one(_seed_posterior(candidate_levels), li, ri)
    m = [_initial_m(c) for c in range(len(FIELDS))]
    model = Model(m, u, ceiling / 2)
    for _ in range(ITERATIONS):
        prior = float(np.clip(posterior.mean(), 1e-5, ceiling))
        new_m = []
        for column in range(len(FIELDS)):
            estimated = _frequencies(candidate_levels, column, posterior)
            if FIELDS[column] != "sex":
                estimated = _increasing(estimated)
            top = len(estimated) - 1
            if estimated[top] < u[column][top]:  # a field never counts against agreement
                estimated = m[column]
            new_m.append(estimated)
        m = new_m
        model = Model(m, u, prior)
        posterior = _one_to_one(model.probability(candidate_levels), li, ri)
    return model
