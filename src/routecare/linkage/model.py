"""Fellegi–Sunter weights estimated without labels, by an EM that cannot collapse.

On route data most blocked pairs are namesakes (many a Mamadou Diallo) and relatives (siblings
share every name but one). A plain EM over all fields, Splink's included, settles on "same
name" or "same family" instead of "same child". So:
- u is measured on random pairs (nearly all non-matches) and held fixed;
- m of the non-name fields is estimated among pairs whose given and family names agree, and m
  of the name fields among pairs with the same birth year, nationality and sex — the fields
  that select the pairs are not estimated on them (Splink's training rule);
- posteriors are kept one-to-one (a record is at most one child) and m is kept non-decreasing
  in the similarity level;
- names are read two ways: by role (given, father, family), or as one order-free set, which
  is what survives a clerk swapping the given and family names or writing the father's name
  into the given-name field. A match's names follow one reading or the other, so their
  likelihood is a mixture of the two (`SET_SHARE`). The set's m is estimated last, from the
  posteriors the role reading gives.
Splink cannot compare Bloom filters either, which is why this model is our own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routecare.linkage.comparison import FIELDS, LEVELS, SIMILAR

SMOOTHING = 1.0  # pseudo-pairs per level added to the random pairs u is counted on
PRIOR_MATCHES = 4.0  # pseudo-matches drawing m towards `_initial_m` (`match_frequencies`)
# The share of matches whose names are read as a set rather than by role. The mixture replaced
# the likelier of the two readings where the sets agreed: a maximum of two likelihood ratios
# is optimistic among non-matches, and where few children are registered twice `dedupe` was
# over-confident (`sparse` ECE 0.12–0.15; 0.062–0.070 with the mixture). The share is not
# known from the field: one in five is the route generator's (on the partner's side, a tenth
# of registrations with the given and family names swapped, a tenth with the father's name as
# the given name). Nor is it estimated: EM settles on 0.02–0.07 and `dedupe`'s precision at
# `probable` falls with it. At 0.1 and 0.4 instead, no figure of the seven generator
# variants moves by more than 0.025 (docs/linkage.md).
SET_SHARE = 0.2
ITERATIONS = 40
CONVERGED = 1e-3  # an EM round stops once no m probability moves by more than this
ROLES = [FIELDS.index(f) for f in ("given", "father", "family")]
ALL_NAMES = FIELDS.index("all_names")
# The order-free set restates the names by role: it is an alternative reading of them, never
# added to them (that would count the same evidence twice).
OTHERS = [c for c in range(len(FIELDS)) if c not in ROLES and c != ALL_NAMES]


@dataclass
class Model:
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float  # probability that a pair is a match before comparing (see `calibration.py`)
    names_as_set: bool = True  # False while the set reading's m is not yet estimated

    def _column_weights(self, table: np.ndarray, column: int) -> np.ndarray:
        """Log-likelihood ratio of one field per row of levels (0 where missing)."""
        return _ratios(self.m[column], self.u[column])[table[:, column]]

    def _table_weights(self, table: np.ndarray) -> np.ndarray:
        """Sum of log-likelihood ratios per row of levels, the names' as the mixture of
        their two readings (`SET_SHARE`)."""
        names = sum((self._column_weights(table, c) for c in ROLES), np.zeros(table.shape[0]))
        if self.names_as_set:
            as_set = self._column_weights(table, ALL_NAMES)
            names = np.logaddexp(names + np.log1p(-SET_SHARE), as_set + np.log(SET_SHARE))
        return names + sum(self._column_weights(table, c) for c in OTHERS)

    def log_ratios(self, table: np.ndarray) -> np.ndarray:
        """Each row's log-likelihood ratio of match against non-match (before the prior)."""
        return self._table_weights(table)

    def pattern_probability(self, table: np.ndarray) -> np.ndarray:
        logit = np.log(self.prior / (1 - self.prior)) + self._table_weights(table)
        return 1.0 / (1.0 + np.exp(-np.clip(logit, -60, 60)))

    def probability(self, levels: np.ndarray) -> np.ndarray:
        patterns = Patterns.of(levels)
        return self.pattern_probability(patterns.table)[patterns.inverse]


def _ratios(m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Log-likelihood ratio of each level, and 0 last: what MISSING (-1) indexes."""
    return np.append(np.log(m / u), 0.0)


BASE = max(LEVELS.values()) + 1  # a level and "missing" per digit
assert BASE ** len(FIELDS) < 2**31, "pattern keys are int32"


def _dense(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct small non-negative integers, ascending, and each value's rank among them."""
    used = np.bincount(values) > 0
    ranks = (np.cumsum(used) - 1).astype(np.int32)
    return np.flatnonzero(used), ranks[values]


def _distinct_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(keys, return_inverse=True)` by counting instead of sorting (the sort was the
    slowest step of comparing a batch). A key's upper and lower digits each take few values,
    so each half is counted densely, then the pairs of halves that occur."""
    split = BASE ** (len(FIELDS) // 2)
    upper, upper_ids = _dense(keys // split)
    lower, lower_ids = _dense(keys % split)
    if upper.size * lower.size > 4 * keys.size + 1_000_000:  # too sparse to count densely
        distinct, inverse = np.unique(keys, return_inverse=True)
        return distinct, inverse.reshape(-1).astype(np.int32)
    pairs, inverse = _dense(upper_ids.astype(np.int64) * lower.size + lower_ids)
    return upper[pairs // lower.size] * split + lower[pairs % lower.size], inverse


@dataclass
class Patterns:
    """The distinct rows of a levels array and which row each pair has. Pairs number in the
    millions but patterns in the thousands, so EM and scoring run over patterns (as Splink
    does over its comparison vectors)."""

    table: np.ndarray  # (patterns, fields) int8
    inverse: np.ndarray  # (pairs,) pattern of each pair

    @staticmethod
    def keys_of(levels: np.ndarray) -> np.ndarray:
        """One integer per pair, its levels as digits: 8 bytes instead of a row."""
        key = np.zeros(levels.shape[0], dtype=np.int32)  # BASE ** len(FIELDS) < 2**31
        for column in range(levels.shape[1]):
            key *= BASE
            key += levels[:, column]
            key += 1
        return key

    @classmethod
    def from_keys(cls, keys: np.ndarray) -> Patterns:
        distinct, inverse = _distinct_keys(keys)
        table = np.empty((distinct.size, len(FIELDS)), dtype=np.int8)
        for column in reversed(range(len(FIELDS))):
            table[:, column] = distinct % BASE - 1
            distinct = distinct // BASE
        return cls(table, inverse.reshape(-1).astype(np.int32))

    @classmethod
    def of(cls, levels: np.ndarray) -> Patterns:
        return cls.from_keys(cls.keys_of(levels))

    @classmethod
    def concatenate(cls, parts: list[Patterns]) -> Patterns:
        """Batches' patterns as one: only the small tables are merged, never the pairs sorted."""
        keys = [cls.keys_of(part.table) for part in parts]
        merged = cls.from_keys(np.concatenate(keys))
        merged_keys = cls.keys_of(merged.table)
        inverse = np.empty(sum(part.inverse.size for part in parts), dtype=np.int32)
        start = 0
        for k, part in zip(keys, parts, strict=True):
            renumbered = np.searchsorted(merged_keys, k).astype(np.int32)
            stop = start + part.inverse.size
            np.take(renumbered, part.inverse, out=inverse[start:stop], mode="clip")
            start = stop
        return cls(merged.table, inverse)

    def subset(self, chosen: np.ndarray) -> Patterns:
        """The `chosen` pairs, with only the patterns they have."""
        inverse = self.inverse[chosen]
        used = np.bincount(inverse, minlength=len(self.table)) > 0
        renumbered = (np.cumsum(used) - 1).astype(np.int32)
        return Patterns(self.table[used], renumbered[inverse])

    def weights_of(self, posterior: np.ndarray) -> np.ndarray:
        return np.bincount(self.inverse, weights=posterior, minlength=len(self.table))


def _tallies(table: np.ndarray, column: int, weights: np.ndarray | None = None) -> np.ndarray:
    """How many rows of `table` (each counted by its weight) have each level of `column`,
    missing rows left out."""
    count = LEVELS[FIELDS[column]]
    shifted = table[:, column] + 1  # MISSING counts in bin 0, which is dropped
    return np.bincount(shifted, weights=weights, minlength=count + 1)[1:]


def level_frequencies(table: np.ndarray, column: int) -> np.ndarray:
    """u of `column`: the levels' shares among the rows of `table` (random pairs), smoothed
    so that no level is impossible."""
    tallies = _tallies(table, column)
    return (tallies + SMOOTHING) / (tallies.sum() + SMOOTHING * len(tallies))


def match_frequencies(table: np.ndarray, column: int, weights: np.ndarray) -> np.ndarray:
    """m of `column`: the levels' shares among matches, each row of `table` counted by its
    match posterior `weights`, drawn towards `_initial_m` (a match is likelier at a higher
    level) by PRIOR_MATCHES pseudo-matches. Drawn towards every level alike, as u is, a file
    with a handful of matches left m nearly flat over six name levels: a small office's
    obvious match (18 × 22 registrations, one child on both sides, born the same day, names
    spelled by two clerks) scored 0.43–0.86 by secret, and the demo's cross-border notice
    came and went; 0.99 with this prior, figures on large files unchanged (docs/linkage.md)."""
    tallies = _tallies(table, column, weights)
    return (tallies + PRIOR_MATCHES * _initial_m(column)) / (tallies.sum() + PRIOR_MATCHES)


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


NAME_COLUMNS = [FIELDS.index(f) for f in ("given", "family", "father", "mother", "birth_place")]
OTHER_COLUMNS = [
    FIELDS.index(f)
    for f in (
        "sex",
        "nationality",
        "year",
        "birth_date",
        "document",
        "mother",
        "birth_place",
        "father",
    )
]


@dataclass(frozen=True)
class Side:
    """Which record of one side each pair is, for totals per record. `np.bincount` over a
    sorted index adds into one slot after another, each addition waiting for the last: ten
    times slower than over a shuffled one. The left side is sorted (candidates come in left
    record order), so it is summed a run of equal records at a time."""

    index: np.ndarray
    records: int  # one more than the highest record number
    starts: np.ndarray | None  # where each run of equal records starts, when sorted

    @classmethod
    def of(cls, index: np.ndarray, records: int = 0) -> Side:
        """The side of `index`, with totals for at least `records` records."""
        index = index.astype(np.int64, copy=False)  # as bincount and take use it
        records = max(records, int(index.max()) + 1 if index.size else 0)
        if index.size < 2 or not bool(np.all(index[1:] >= index[:-1])):
            return cls(index, records, None)
        starts = np.flatnonzero(np.concatenate(([True], index[1:] != index[:-1])))
        return cls(index, records, starts)

    def totals(self, values: np.ndarray) -> np.ndarray:
        """The sum of `values` over each record's pairs, by record number."""
        if self.starts is None:
            return np.bincount(self.index, weights=values, minlength=self.records)
        totals = np.zeros(self.records)
        totals[self.index[self.starts]] = np.add.reduceat(values, self.starts)
        return totals


class Pairs:
    """The pairs EM runs over: their patterns, their records on both sides, and two buffers
    the posteriors of every round are computed in. Fresh arrays of this size each round would
    be faulted into memory page by page, which took a third of EM's time."""

    def __init__(self, patterns: Patterns, left: Side, right: Side) -> None:
        self.patterns, self.left, self.right = patterns, left, right
        self._buffers = np.empty((2, patterns.inverse.size))

    @classmethod
    def of(cls, patterns: Patterns, li: np.ndarray, ri: np.ndarray) -> Pairs:
        inverse = patterns.inverse.astype(np.int64)  # as take and bincount use it
        return cls(Patterns(patterns.table, inverse), Side.of(li), Side.of(ri))

    def subset(self, chosen: np.ndarray) -> Pairs:
        return Pairs.of(
            self.patterns.subset(chosen), self.left.index[chosen], self.right.index[chosen]
        )

    def posteriors(self, per_pattern: np.ndarray) -> np.ndarray:
        """Each pair's probability, kept one-to-one: a record is at most one child, so its
        pairs' probabilities are scaled to sum to at most 1, on both sides. Otherwise a
        child's ten relatives count as ten half-matches and EM learns kinship. The result is
        overwritten by the next call."""
        values, scale = self._buffers
        # mode="clip" (the indices are valid): the default mode gathers into a new array.
        np.take(per_pattern, self.patterns.inverse, out=values, mode="clip")
        for side in (self.left, self.right):
            totals = side.totals(values)
            np.maximum(totals, 1.0, out=totals)
            np.take(totals, side.index, out=scale, mode="clip")
            np.divide(values, scale, out=values)
        return values

    def __len__(self) -> int:
        return self.patterns.inverse.size


def _at_least(table: np.ndarray, field: str, level: int) -> np.ndarray:
    return table[:, FIELDS.index(field)] >= level


def reestimated_m(
    m: list[np.ndarray],
    u: list[np.ndarray],
    table: np.ndarray,
    weights: np.ndarray,
    columns: list[int] | None = None,
) -> list[np.ndarray]:
    """EM's M step: m of `columns` (default all) from the patterns' posterior `weights`, kept
    non-decreasing in the level (sex has no order), and kept as it was where agreement would
    come out rarer among matches than among non-matches (a field never counts against
    agreement)."""
    result = list(m)
    for column in range(len(FIELDS)) if columns is None else columns:
        estimated = match_frequencies(table, column, weights)
        if FIELDS[column] != "sex":
            estimated = _increasing(estimated)
        top = len(estimated) - 1
        if estimated[top] >= u[column][top]:
            result[column] = estimated
    return result


def _em_round(
    pairs: Pairs, u: list[np.ndarray], m: list[np.ndarray], columns: list[int], ceiling: float
) -> None:
    """EM for the m of `columns` only, on pairs already selected by other fields: the fields
    used to select the pairs say nothing more inside them (Splink's training rule)."""
    table = pairs.patterns.table
    prior = ceiling / 2
    for _ in range(ITERATIONS):
        before = [m[column].copy() for column in columns]
        logit = np.full(len(table), np.log(prior / (1 - prior)))
        for column in columns:
            logit += _ratios(m[column], u[column])[table[:, column]]
        posterior = pairs.posteriors(1.0 / (1.0 + np.exp(-np.clip(logit, -60, 60))))
        prior = float(np.clip(posterior.mean(), 1e-5, 0.9))
        m[:] = reestimated_m(m, u, table, pairs.patterns.weights_of(posterior), columns)
        change = max(np.abs(m[c] - old).max() for c, old in zip(columns, before, strict=True))
        if change < CONVERGED:
            break


def estimate(
    patterns: Patterns,
    random_levels: np.ndarray,
    expected_matches: float,
    li: np.ndarray,
    ri: np.ndarray,
) -> Model:
    """u from random pairs; m in two rounds that cannot settle on namesakes or relatives:
    non-name fields among pairs whose given and family names agree, then name fields among
    pairs born the same year with the same nationality and sex; the match share only as far
    as the set reading's m needs it (`calibration.refine` sets the prior)."""
    table = patterns.table
    pairs = Pairs.of(patterns, li, ri)
    u = [level_frequencies(random_levels, c) for c in range(len(FIELDS))]
    m = [_initial_m(c) for c in range(len(FIELDS))]
    same_names = _at_least(table, "given", SIMILAR) & _at_least(table, "family", SIMILAR)
    same_birth = (
        _at_least(table, "year", LEVELS["year"] - 1)
        & _at_least(table, "nationality", 2)
        & _at_least(table, "sex", 1)
    )
    for selected, columns in ((same_names, OTHER_COLUMNS), (same_birth, NAME_COLUMNS[:3])):
        chosen = selected[pairs.patterns.inverse]
        if chosen.any():
            _em_round(pairs.subset(chosen), u, m, columns, 0.5)
    # One-to-one: at most one true pair per record of the smaller side.
    ceiling = float(np.clip(expected_matches / max(len(pairs), 1), 1e-5, 0.5))
    first = Model(m, u, ceiling / 2, names_as_set=False)
    by_role = _match_share(first, pairs, ceiling)
    posterior = pairs.posteriors(by_role.pattern_probability(table))
    weights = pairs.patterns.weights_of(posterior)
    m[ALL_NAMES] = _increasing(match_frequencies(table, ALL_NAMES, weights))
    # The prior stays the role reading's: `calibration.refine` replaces it with one over all
    # record pairs, so re-estimating it here would be thrown away.
    return Model(m, u, by_role.prior)


def _match_share(model: Model, pairs: Pairs, ceiling: float) -> Model:
    """The model with its prior re-estimated as the one-to-one share of matches (until it
    moves by less than a thousandth of itself)."""
    for _ in range(ITERATIONS // 4):
        posterior = pairs.posteriors(model.pattern_probability(pairs.patterns.table))
        prior = float(np.clip(posterior.mean(), 1e-5, ceiling))
        converged = abs(prior - model.prior) < 1e-3 * model.prior
        model = Model(model.m, model.u, prior, model.names_as_set)
        if converged:
            break
    return model
