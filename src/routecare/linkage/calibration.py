"""Scores that are probabilities: a prior over all record pairs, and m re-estimated from the
posteriors the one-to-one scores give.

How likely a pair is to be the same child before its fields are compared is estimated from
how many records have a match at all.

A share of *candidate* pairs depends on blocking (how many namesakes share a key), not on the
data: on a route where few children reach the other side, the matches' share of candidates is
set by EM against relatives and namesakes and comes out far too high, and every score with it
(precision 0.77 at `probable` where a fifth of the children crossed). So the prior is read from
the records instead. Each record either has its match somewhere on the other side, with
probability π, equally likely any of the N records there, or has none. Given the pairs'
likelihood ratios LR (the model's weights; u is measured on random pairs, so these are ratios
over all pairs, not over candidates), the posterior that a record has a match is S / (1 + S),
S = λ Σ LR over its candidates, with prior odds per pair λ = π / ((1 − π) N). EM re-estimates
the number of records with a match, M = Σ S / (1 + S), on both sides, until it settles. The
scores `matching.exclusive` then makes of λ·LR are these very posteriors: o / (1 + Σ o).

The first EM (`model.estimate`) learns m among candidates with a share of candidate pairs as
its prior; its posteriors still count a child's namesakes and relatives as part-matches. So m
is estimated once more (`refine`) from the posteriors of this very model: each pair's odds
λ·LR set against every other candidate of either record (`exclusive_odds`), which is what the
links are scored by. Namesakes then share one match instead of each adding to m.
Both steps need only the comparison levels and their weights, never an encoding, so they hold
for any encoding whose levels EM learns m and u for.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from routecare.linkage.model import Model, Patterns, Side, reestimated_m

ROUNDS = 100
REFINING = 8  # rounds of re-estimating m from exclusive posteriors (it settles in about 5)
SETTLED = 1e-4  # relative change in the number of matched records that ends EM
SETTLED_M = 1e-3  # largest change of an m probability that ends the refinement
LOWEST = 0.5  # at least half a matched record: a prior of zero would never recover


def pair_odds(matched: float, left_records: int, right_records: int) -> float:
    """Prior odds that a given pair is a match when `matched` records of the smaller side have
    their match on the other side: π / ((1 − π) N) seen from each side, their geometric mean
    (the two agree when the sides are the same size)."""
    from_left = matched / (max(left_records - matched, LOWEST) * right_records)
    from_right = matched / (max(right_records - matched, LOWEST) * left_records)
    return float(np.sqrt(from_left * from_right))


def matched_records(
    totals: list[np.ndarray], left_records: int, right_records: int, *, same_set: bool = False
) -> float:
    """EM estimate of how many records have their match on the other side, from each record's
    sum of likelihood ratios over its candidates (`totals`: left records', then right
    records'; one array within one set, where a record's candidates are the pairs it is in on
    either side)."""
    most = float(min(left_records, right_records)) - LOWEST
    if most < LOWEST:
        return LOWEST
    share = 1.0 if same_set else 0.5  # both sides count the same matches
    matched = most / 2
    for _ in range(ROUNDS):
        odds = pair_odds(matched, left_records, right_records)
        estimate = 0.0
        for summed in totals:
            estimate += share * float((odds * summed / (1.0 + odds * summed)).sum())
        estimate = float(np.clip(estimate, LOWEST, most))
        settled = abs(estimate - matched) < SETTLED * matched
        matched = estimate
        if settled:
            break
    return matched


def record_totals(
    values: np.ndarray, left: Side, right: Side, *, same_set: bool = False
) -> list[np.ndarray]:
    """Each record's sum of `values` over its pairs: left records', then right records' (one
    array within one set, a record's pairs on either side of it)."""
    if same_set:
        return [left.totals(values) + right.totals(values)]
    return [left.totals(values), right.totals(values)]


def exclusive_odds(
    li: np.ndarray, ri: np.ndarray, odds: np.ndarray, *, same_set: bool = False
) -> np.ndarray:
    """Each pair's probability given its records' other candidates: its odds o over one plus
    the odds of all candidates of the record, o / (1 + sum), the lower of its two records'.
    Within one set (`same_set`) a record competes on either side of a pair."""
    records = max(int(li.max(initial=-1)), int(ri.max(initial=-1))) + 1 if same_set else 0
    left, right = Side.of(li, records), Side.of(ri, records)
    return _exclusive(odds, record_totals(odds, left, right, same_set=same_set), left, right)


def _exclusive(odds: np.ndarray, totals: list[np.ndarray], left: Side, right: Side) -> np.ndarray:
    """o / (1 + the larger of its two records' summed odds)."""
    larger = np.maximum(np.take(totals[0], left.index), np.take(totals[-1], right.index))
    exclusive: np.ndarray = odds / (1.0 + larger)
    return exclusive


def refine(
    model: Model,
    patterns: Patterns,
    vetoed: np.ndarray,
    li: np.ndarray,
    ri: np.ndarray,
    left_records: int,
    right_records: int,
    *,
    same_set: bool = False,
) -> Model:
    """`model` with m re-estimated from exclusive posteriors and its prior over all record
    pairs, on the candidate pairs `li`, `ri` (their `patterns`; `vetoed` patterns never
    link) of `left_records` × `right_records` records. Each round sums the pairs' likelihood
    ratios per record once: the number of matched records and every pair's exclusive
    posterior both follow from those sums."""
    records = max(left_records, right_records) if same_set else 0
    left, right = Side.of(li, records), Side.of(ri, records)
    sizes = (left_records, right_records)
    rounds = 0
    while True:
        ratios = np.exp(np.clip(model.log_ratios(patterns.table), -60.0, 60.0))
        ratios[vetoed] = 0.0
        per_pair = np.take(ratios, patterns.inverse)
        totals = record_totals(per_pair, left, right, same_set=same_set)
        odds = pair_odds(matched_records(totals, *sizes, same_set=same_set), *sizes)
        if rounds == REFINING:  # the prior of the last m
            break
        posterior = _exclusive(odds * per_pair, [odds * t for t in totals], left, right)
        m = reestimated_m(model.m, model.u, patterns.table, patterns.weights_of(posterior))
        moved = max(float(np.abs(new - old).max()) for new, old in zip(m, model.m, strict=True))
        model = replace(model, m=m)
        rounds = REFINING if moved < SETTLED_M else rounds + 1
    return replace(model, prior=odds / (1.0 + odds))
