"""Linking two encoded sets: blocking, scoring, thresholds and one-to-one assignment.

Thresholds on the posterior match probability, set on the synthetic route benchmark:
- `probable` ≥ 0.99 — "probably the same child" (precision about 0.94 there);
- `possible` ≥ 0.90 — worth a human look, never acted on alone.

Siblings travelling together share every name but one; the independence assumption of
Fellegi–Sunter would add up all that shared evidence. So a pair whose given names disagree
(lowest level) and whose order-free name sets are not near-identical is never linked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from routecare.linkage.comparison import FIELDS, MISSING, NAME_CUTS, compare
from routecare.linkage.encoded import EncodedSet
from routecare.linkage.model import Model, estimate

THRESHOLDS = {"probable": 0.99, "possible": 0.90}
MAX_BLOCK = 2000  # blocks larger than this (a very common name pair) are skipped
RANDOM_PAIRS = 20_000
GIVEN, ALL_NAMES, BIRTH_DATE = (FIELDS.index(f) for f in ("given", "all_names", "birth_date"))


@dataclass(frozen=True)
class Link:
    left_id: str
    right_id: str
    score: float
    band: str


def band_of(score: float) -> str:
    return (
        "probable"
        if score >= THRESHOLDS["probable"]
        else ("possible" if score >= THRESHOLDS["possible"] else "unlikely")
    )


def candidate_pairs(
    left: EncodedSet, right: EncodedSet, *, same_set: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sharing at least one keyed blocking key (pairs of name skeletons)."""
    chunks_left: list[np.ndarray] = []
    chunks_right: list[np.ndarray] = []
    for key, right_rows in right.blocks.items():
        left_rows = left.blocks.get(key)
        if not left_rows or len(left_rows) > MAX_BLOCK or len(right_rows) > MAX_BLOCK:
            continue
        a = np.repeat(np.asarray(left_rows, dtype=np.int64), len(right_rows))
        b = np.tile(np.asarray(right_rows, dtype=np.int64), len(left_rows))
        chunks_left.append(a)
        chunks_right.append(b)
    if not chunks_left:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    li, ri = np.concatenate(chunks_left), np.concatenate(chunks_right)
    if same_set:
        li, ri = li[li < ri], ri[li < ri]
    pairs = np.unique(li * len(right) + ri)  # one integer per pair: a flat sort is fastest
    return pairs // len(right), pairs % len(right)


def _random_pairs(left: EncodedSet, right: EncodedSet, seed: int = 0) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    count = min(RANDOM_PAIRS, len(left) * len(right))
    return rng.integers(0, len(left), count), rng.integers(0, len(right), count)


def sibling_veto(levels: np.ndarray) -> np.ndarray:
    """True where the pair must not link: given names disagree, name sets not near-identical,
    and no exact date of birth agrees (siblings are born on different days)."""
    top = len(NAME_CUTS)
    given_disagrees = levels[:, GIVEN] == 0
    names_not_same = (levels[:, ALL_NAMES] != MISSING) & (levels[:, ALL_NAMES] < top)
    return given_disagrees & names_not_same & (levels[:, BIRTH_DATE] != 1)


def levels_of(
    left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray, chunk: int = 200_000
) -> np.ndarray:
    """Comparison levels of the pairs, computed in chunks to bound memory."""
    parts = [compare(left, right, li[s : s + chunk], ri[s : s + chunk])
             for s in range(0, li.size, chunk)]
    return np.concatenate(parts) if parts else np.empty((0, len(FIELDS)), dtype=np.int8)


def _fit_levels(
    left: EncodedSet, right: EncodedSet, levels: np.ndarray, li: np.ndarray, ri: np.ndarray
) -> Model:
    random_levels = compare(left, right, *_random_pairs(left, right))
    return estimate(levels, random_levels, min(len(left), len(right)), li, ri)


def _score_levels(model: Model, levels: np.ndarray) -> np.ndarray:
    scores = model.probability(levels)
    scores[sibling_veto(levels)] = 0.0
    return scores


def fit(left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray) -> Model:
    """Weights estimated without labels on the candidate pairs `li`, `ri`."""
    return _fit_levels(left, right, levels_of(left, right, li, ri), li, ri)


def score_pairs(
    model: Model, left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray
) -> np.ndarray:
    """Match probabilities of the pairs, siblings vetoed."""
    return _score_levels(model, levels_of(left, right, li, ri))


def one_to_one(
    li: np.ndarray, ri: np.ndarray, scores: np.ndarray, threshold: float
) -> list[tuple[int, int, float]]:
    """Greedy assignment by descending score: each record links at most once."""
    order = np.argsort(-scores, kind="stable")
    used_left: set[int] = set()
    used_right: set[int] = set()
    links = []
    for k in order:
        if scores[k] < threshold:
            break
        a, b = int(li[k]), int(ri[k])
        if a in used_left or b in used_right:
            continue
        used_left.add(a)
        used_right.add(b)
        links.append((a, b, float(scores[k])))
    return links


def lookup(model: Model, probe: EncodedSet, index: EncodedSet) -> list[tuple[str, float]]:
    """Candidates for one new registration (`probe`, a set of one) in an indexed set, best
    first: the same engine as `link`, for a case worker registering a child."""
    rows = sorted(
        {row for key in probe.record_blocks[0] for row in index.blocks.get(key, [])[:MAX_BLOCK]}
    )
    if not rows:
        return []
    ri = np.asarray(rows, dtype=np.int64)
    scores = score_pairs(model, probe, index, np.zeros(ri.size, dtype=np.int64), ri)
    order = np.argsort(-scores)
    return [(index.ids[ri[k]], float(scores[k])) for k in order if scores[k] > 0]


Blocking = Callable[[EncodedSet, EncodedSet], tuple[np.ndarray, np.ndarray]]


def link(
    left: EncodedSet,
    right: EncodedSet,
    threshold: float = THRESHOLDS["probable"],
    progress: Callable[[str], None] = lambda step: None,
    blocking: Blocking = candidate_pairs,
) -> list[Link]:
    """One-to-one links at or above `threshold` between two encoded sets.

    `blocking` is the engine seam: the in-process default, or `spark_backend.spark_blocking`
    for regional batch runs where the pair join outgrows one machine."""
    progress("blocking")
    li, ri = blocking(left, right)
    if li.size == 0:
        return []
    progress(f"comparing {li.size:,} candidate pairs")
    levels = levels_of(left, right, li, ri)
    progress("estimating weights")
    scores = _score_levels(_fit_levels(left, right, levels, li, ri), levels)
    return [
        Link(left.ids[a], right.ids[b], round(s, 6), band_of(s))
        for a, b, s in one_to_one(li, ri, scores, threshold)
    ]
