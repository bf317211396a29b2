"""Linking two encoded sets: blocking, scoring, thresholds and one-to-one assignment.

A pair's Fellegi–Sunter probability says how well two records agree, not whether another
record agrees as well: three namesakes of the same age can each look certain. Scores are
therefore made exclusive (`exclusive`): a record is at most one child, so a pair's odds are
shared with every other likely candidate of either record. With the prior over all record
pairs (`calibration.py`) these scores are posterior probabilities, and the thresholds are read
as such, not tuned on any generator; docs/linkage.md measures them on a family of route
generators (tests/linkage/test_calibration.py):
- `probable` ≥ 0.85 — "probably the same child";
- `possible` ≥ 0.50 — likelier this record than any other or none: worth a human look, never
  acted on alone.

Siblings travelling together share every name but one; the independence assumption of
Fellegi–Sunter would add up all that shared evidence. So a pair whose given names disagree
(lowest level), whose order-free name sets are not near-identical and whose exact dates of
birth do not agree is never linked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
from numpy.random import default_rng

from routecare.linkage.calibration import exclusive_odds, refine
from routecare.linkage.comparison import FIELDS, MISSING, NAME_CUTS, compare
from routecare.linkage.encoded import EncodedSet, ranges
from routecare.linkage.model import Model, Patterns, estimate
from routecare.linkage.workers import CORES

THRESHOLDS = {"probable": 0.85, "possible": 0.50}
COMPETING = 0.001  # candidates less likely than this do not compete for a record
MAX_BLOCK = 2000  # blocks larger than this (a very common name pair) are skipped
BATCH = 5000  # left rows blocked and compared together
# Pairs compared at a time: a piece's arrays stay in the processor's cache, and the threads
# seldom wait on each other for the interpreter between NumPy calls (50,000 → 100,000: route
# 5,000 × 5,000 blocked and compared in 86 → 78 ms, 100,000 × 100,000 no slower).
PIECE = 100_000
RANDOM_PAIRS = 20_000
TRAINING_PAIRS = 4_000_000  # beyond this, weights are estimated on a sample of left records
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


def candidate_batches(
    left: EncodedSet, right: EncodedSet, *, same_set: bool = False, batch: int = BATCH
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Pairs sharing at least one keyed blocking key, a batch of left rows at a time: a
    regional run has a hundred million candidate pairs, never all held at once."""
    low, high = left.blocks_of(left.block_keys)
    left_small = high - low <= MAX_BLOCK  # per entry of left.block_keys
    records = left.block_rows()
    for start in range(0, len(left), batch):
        entries = slice(left.block_starts[start], left.block_starts[min(start + batch, len(left))])
        first, stop = right.blocks_of(left.block_keys[entries])
        sizes = np.where(left_small[entries] & (stop - first <= MAX_BLOCK), stop - first, 0)
        if not sizes.any():
            continue
        li = np.repeat(records[entries], sizes)
        ri = right.rows_by_block()[ranges(first, sizes)]
        if same_set:
            li, ri = li[li < ri], ri[li < ri]
            if not li.size:
                continue
        width = np.int32 if len(left) * len(right) < 2**31 else np.int64
        # One integer per pair; already in runs (a left record's pairs together), which a
        # stable sort (timsort) exploits: three times faster than quicksort here.
        pairs = np.sort((li * len(right) + ri).astype(width), kind="stable")
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))].astype(np.int64)
        yield pairs // len(right), pairs % len(right)


def candidate_pairs(
    left: EncodedSet, right: EncodedSet, *, same_set: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """All candidate pairs at once (small sets: one organisation, tests)."""
    batches = list(candidate_batches(left, right, same_set=same_set))
    if not batches:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches])


def _random_levels(
    left: EncodedSet, right: EncodedSet, *, same_set: bool = False, seed: int = 0
) -> np.ndarray:
    """Comparison levels of random pairs, nearly all non-matches: what u is measured on.
    Within one set a record is never drawn against itself: it agrees with itself on every
    field, and would make agreement look common among non-matches."""
    rng = default_rng(seed)
    count = min(RANDOM_PAIRS, len(left) * len(right))
    li = rng.integers(0, len(left), count)
    if same_set and len(left) > 1:
        ri = (li + rng.integers(1, len(left), count)) % len(left)
    else:
        ri = rng.integers(0, len(right), count)
    return compare(left, right, li, ri)


def sibling_veto(levels: np.ndarray) -> np.ndarray:
    """True where the pair must not link: given names disagree, name sets not near-identical,
    and no exact date of birth agrees (siblings are born on different days)."""
    top = len(NAME_CUTS)
    given_disagrees = levels[:, GIVEN] == 0
    names_not_same = (levels[:, ALL_NAMES] != MISSING) & (levels[:, ALL_NAMES] < top)
    return given_disagrees & names_not_same & (levels[:, BIRTH_DATE] != 1)


def levels_of(left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray) -> np.ndarray:
    """Comparison levels of the pairs, a piece at a time."""
    parts = [
        compare(left, right, li[s : s + PIECE], ri[s : s + PIECE]) for s in range(0, li.size, PIECE)
    ]
    return np.concatenate(parts) if parts else np.empty((0, len(FIELDS)), dtype=np.int8)


def training_sample(left_records: int, pairs: int, limit: int = TRAINING_PAIRS) -> np.ndarray:
    """Which left records to fit the model on when there are more than `limit` candidate
    pairs (all of them otherwise): a uniform random sample, each sampled record keeping every
    pair that competes for it, so the one-to-one constraint and the match share are estimated
    as on the whole set. Both engines sample by this rule."""
    if pairs <= limit:
        return np.ones(left_records, dtype=bool)
    return default_rng(1).random(left_records) < limit / pairs


def fit(
    left: EncodedSet,
    right: EncodedSet,
    li: np.ndarray,
    ri: np.ndarray,
    left_records: int | None = None,
) -> Model:
    """Weights estimated without labels on the candidate pairs `li`, `ri`: every pair of
    `left_records` left records (default: the whole left side; fewer for a sample)."""
    patterns = Patterns.of(levels_of(left, right, li, ri))
    rows = len(left) if left_records is None else left_records
    same_set = left is right
    random_levels = _random_levels(left, right, same_set=same_set)
    model = estimate(patterns, random_levels, min(rows, len(right)), li, ri)
    return with_prior(model, patterns, li, ri, rows, len(right), same_set=same_set)


def with_prior(
    model: Model,
    patterns: Patterns,
    li: np.ndarray,
    ri: np.ndarray,
    left_records: int,
    right_records: int,
    *,
    same_set: bool = False,
) -> Model:
    """The model calibrated on the candidate pairs `li`, `ri` of `left_records` ×
    `right_records` records (`calibration.refine`): its prior over all record pairs, and m
    from the exclusive posteriors, siblings vetoed."""
    vetoed = sibling_veto(patterns.table)
    return refine(model, patterns, vetoed, li, ri, left_records, right_records, same_set=same_set)


def score_pairs(
    model: Model, left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray
) -> np.ndarray:
    """Match probabilities of the pairs, siblings vetoed."""
    return _scores(model, Patterns.of(levels_of(left, right, li, ri)))


def _scores(model: Model, patterns: Patterns) -> np.ndarray:
    per_pattern = model.pattern_probability(patterns.table)
    per_pattern[sibling_veto(patterns.table)] = 0.0
    return per_pattern[patterns.inverse]


def scored_candidates(
    left: EncodedSet,
    right: EncodedSet,
    *,
    same_set: bool = False,
    progress: Callable[[str], None] = lambda step: None,
    cores: int = CORES,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every candidate pair with its match probability: blocked and compared a batch at a
    time, each pair kept as its row numbers and one comparison-pattern key. Each batch is
    compared on `cores` threads: NumPy releases the interpreter lock in the array operations
    comparison is made of, so threads share the encoded sets without copying them."""
    lefts, rights, parts = [], [], []
    cores = max(1, cores)
    compared = partial(_compared, left, right)
    with ThreadPoolExecutor(cores) as threads:
        random_levels = threads.submit(_random_levels, left, right, same_set=same_set)
        comparing: list[Future[Patterns]] = []
        # Blocking finds the next batch's pairs while the threads compare this batch's (at
        # 100,000 × 100,000 it takes a core for a second per batch, twenty times over).
        for li, ri in candidate_batches(left, right, same_set=same_set):
            lefts.append(li.astype(np.int32))
            rights.append(ri.astype(np.int32))
            # Pieces of at most PIECE pairs, as many as a multiple of the threads: the last
            # piece does not run alone.
            count = -(-li.size // (PIECE * cores)) * cores
            size = -(-li.size // count)
            pieces = [
                threads.submit(compared, li[s : s + size], ri[s : s + size])
                for s in range(0, li.size, size)
            ]
            parts += [piece.result() for piece in comparing]
            comparing = pieces
            if parts:
                progress(f"compared {sum(p.inverse.size for p in parts):,} candidate pairs")
        parts += [piece.result() for piece in comparing]
        progress(f"compared {sum(p.inverse.size for p in parts):,} candidate pairs")
    if not parts:
        empty = np.empty(0, dtype=np.int32)
        return empty, empty, np.empty(0)
    li, ri = np.concatenate(lefts), np.concatenate(rights)
    patterns = Patterns.concatenate(parts)
    progress("estimating weights")
    sampled = training_sample(len(left), li.size)
    expected = min(int(sampled.sum()), len(right))  # at most one match per record
    fitting, fit_left, fit_right = patterns, li, ri
    if not sampled.all():
        chosen = sampled[li]
        fitting, fit_left, fit_right = patterns.subset(chosen), li[chosen], ri[chosen]
    model = estimate(fitting, random_levels.result(), expected, fit_left, fit_right)
    rows = int(sampled.sum())
    model = with_prior(model, fitting, fit_left, fit_right, rows, len(right), same_set=same_set)
    return li, ri, _scores(model, patterns)


def _compared(left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray) -> Patterns:
    return Patterns.of(levels_of(left, right, li, ri))


def exclusive(
    li: np.ndarray, ri: np.ndarray, scores: np.ndarray, *, same_set: bool = False
) -> np.ndarray:
    """Match probabilities given the competing candidates, each record at most one child
    (`calibration.one_to_one_marginals`). A child with one likely candidate keeps its score;
    three namesakes that each look certain become one chance in three each; a namesake that
    is surely another child's match hardly competes. Within one set (`same_set`) a record
    competes on either side of a pair. Candidates under COMPETING are left out of the sums,
    so an engine that sends back only the likelier pairs (Spark) gets the same result."""
    odds = np.where(scores >= COMPETING, scores / np.maximum(1.0 - scores, 1e-12), 0.0)
    return exclusive_odds(li, ri, odds, same_set=same_set)


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


def link(
    left: EncodedSet,
    right: EncodedSet,
    threshold: float = THRESHOLDS["probable"],
    progress: Callable[[str], None] = lambda step: None,
    cores: int = CORES,
) -> list[Link]:
    """One-to-one links at or above `threshold` between two encoded sets."""
    li, ri, scores = scored_candidates(left, right, progress=progress, cores=cores)
    return links_of(left, right, li, ri, scores, threshold)


def links_of(
    left: EncodedSet,
    right: EncodedSet,
    li: np.ndarray,
    ri: np.ndarray,
    scores: np.ndarray,
    threshold: float,
) -> list[Link]:
    """The one-to-one links at or above `threshold` among scored candidate pairs (every pair
    of at least COMPETING probability must be there): what both engines return."""
    competing = scores >= COMPETING  # the rest change nothing: a hundred million at 100k
    li, ri, scores = li[competing], ri[competing], scores[competing]
    exclusive_scores = exclusive(li, ri, scores)
    kept = exclusive_scores >= threshold
    return [
        Link(left.ids[a], right.ids[b], round(s, 6), band_of(s))
        for a, b, s in one_to_one(li[kept], ri[kept], exclusive_scores[kept], threshold)
    ]
