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

import numpy as np

from routecare.linkage.model import Model, Patterns, reestimated_m

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
    ratios: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    left_records: int,
    right_records: int,
    *,
    same_set: bool = False,
) -> float:
    """EM estimate of how many records have their match on the other side, from each candidate
    pair's likelihood ratio (`ratios`, 0 for a vetoed pair) and its records `left`, `right`.
    Within one set (`same_set`) a record's candidates are the pairs it is in on either side."""
    most = float(min(left_records, right_records)) - LOWEST
    if most < LOWEST or not ratios.size:
        return LOWEST
    if same_set:
        records = np.concatenate([left, right])
        ratios_twice = np.concatenate([ratios, ratios])
        sides = [(np.bincount(records, weights=ratios_twice, minlength=left_records), 1.0)]
    else:
        sides = [
            (np.bincount(left, weights=ratios, minlength=left_records), 0.5),
            (np.bincount(right, weights=ratios, minlength=right_records), 0.5),
        ]
    matched = most / 2
    for _ in range(ROUNDS):
        odds = pair_odds(matched, left_records, right_records)
        estimate = 0.0
        for totals, share in sides:
            summed = odds * totals
            estimate += share * float((summed / (1.0 + summed)).sum())
        estimate = float(np.clip(estimate, LOWEST, most))
        settled = abs(estimate - matched) < SETTLED * matched
        matched = estimate
        if settled:
            break
    return matched


def exclusive_odds(
    li: np.ndarray, ri: np.ndarray, odds: np.ndarray, *, same_set: bool = False
) -> np.ndarray:
    """Each pair's probability given its records' other candidates: its odds o over one plus
    the odds of all candidates of the record, o / (1 + sum), the lower of its two records'.
    Within one set (`same_set`) a record competes on either side of a pair."""
    if same_set:
        totals = np.bincount(np.concatenate([li, ri]), weights=np.concatenate([odds, odds]))
        left, right = totals[li], totals[ri]
    else:
        left, right = (np.bincount(side, weights=odds)[side] for side in (li, ri))
    return odds / (1.0 + np.maximum(left, right))


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
    link) of `left_records` × `right_records` records."""
    sizes = (left_records, right_records)
    for _ in range(REFINING):
        ratios, odds = _ratios_and_odds(model, patterns, vetoed, li, ri, sizes, same_set)
        posterior = exclusive_odds(li, ri, odds * ratios, same_set=same_set)
        m = reestimated_m(model.m, model.u, patterns.table, patterns.weights_of(posterior))
        moved = max(float(np.abs(new - old).max()) for new, old in zip(m, model.m, strict=True))
        model = Model(m, model.u, model.prior, model.names_as_set)
        if moved < SETTLED_M:
            break
    _, odds = _ratios_and_odds(model, patterns, vetoed, li, ri, sizes, same_set)
    return Model(model.m, model.u, odds / (1.0 + odds), model.names_as_set)


def _ratios_and_odds(
    model: Model,
    patterns: Patterns,
    vetoed: np.ndarray,
    li: np.ndarray,
    ri: np.ndarray,
    sizes: tuple[int, int],
    same_set: bool,
) -> tuple[np.ndarray, float]:
    """Each pair's likelihood ratio (0 where vetoed) and the prior odds per pair."""
    ratios = np.exp(np.clip(model.log_ratios(patterns.table), -60.0, 60.0))
    ratios[vetoed] = 0.0
    per_pair = ratios[patterns.inverse]
    matched = matched_records(per_pair, li, ri, *sizes, same_set=same_set)
    return per_pair, pair_odds(matched, *sizes)
