"""Pattern mining (after Christen, Vidanage, Ranbaduge & Schnell 2017, "Pattern-mining based
cryptanalysis of Bloom filters for privacy-preserving record linkage"): a bigram always sets
the same bit positions, so filters whose names share bigrams share bits, as many as the
scheme (open source: bits, hashes per bigram) predicts. The largest clusters of denoised
filters are matched to the attacker's names as two graphs, their edges the bits two filters
share and the bits two names would share (quadratic assignment); each bigram's positions are
then learned from the matched names, and every filter is decoded against the name list.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from bench.linkage.attacks.clusters import Denoised
from scipy.optimize import quadratic_assignment

SUPPORTED = 3  # clusters of at least this many records are matched to names
HASHES = 8  # the scheme's bit positions per bigram (routecare-pprl/2: HASHES_PER_GRAM)
STARTS = 24
ROUNDS = 10


def bigrams(name: str) -> set[str]:
    """The scheme's bigrams: each token padded with `_` on both sides."""
    grams: set[str] = set()
    for token in name.split():
        padded = f"_{token}_"
        grams.update(padded[i : i + 2] for i in range(len(padded) - 1))
    return grams


def incidence(names: list[str]) -> np.ndarray:
    """(names, bigrams) 0/1: which bigrams each name has."""
    grams = sorted(set().union(*map(bigrams, names)))
    index = {b: i for i, b in enumerate(grams)}
    has = np.zeros((len(names), len(grams)))
    for n, name in enumerate(names):
        has[n, [index[b] for b in bigrams(name)]] = 1
    return has


def expected_overlaps(has: np.ndarray, bits: int) -> np.ndarray:
    """Bits two names' filters are expected to share (diagonal: a filter's bits set)."""
    sizes = has.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - has @ has.T
    empty = np.exp(-HASHES * sizes / bits)
    return bits * (1 - empty[:, None] - empty[None, :] + np.exp(-HASHES * union / bits))


def structure_match(rows: np.ndarray, has: np.ndarray) -> np.ndarray:
    """The name (row of `has`) of each of `rows`, matched on observed against expected
    shared bits."""
    as_float = rows.astype(float)
    return matched_by(as_float @ as_float.T, expected_overlaps(has, rows.shape[1]))


def matched_by(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """The row of `expected` each row of `observed` stands for: quadratic assignment (FAQ,
    from several starts), each start improved by swaps, the closest fit kept."""
    size = max(len(observed), len(expected))
    left, right = np.zeros((size, size)), np.zeros((size, size))
    left[: len(observed), : len(observed)] = observed
    right[: len(expected), : len(expected)] = expected
    best, best_cost = np.arange(size), np.inf
    for start in range(STARTS):
        guess = (
            "barycenter"
            if start == 0
            else np.eye(size)[np.random.default_rng(start).permutation(size)]
        )
        found = quadratic_assignment(
            left,
            right,
            method="faq",
            options={"maximize": True, "P0": guess, "rng": np.random.default_rng(start)},
        )
        order, cost = _swaps(observed, right, found.col_ind)
        if cost < best_cost:
            best, best_cost = order, cost
    return best[: len(observed)]


def pattern_mining(denoised: Denoised, frequencies: Counter[str]) -> list[str]:
    """A name from the attacker's list for every record."""
    rows, inverse, weights = np.unique(
        denoised.bits, axis=0, return_inverse=True, return_counts=True
    )
    inverse = inverse.reshape(-1)
    names = [name for name, _ in frequencies.most_common()]
    has = incidence(names)
    top = np.argsort(-weights, kind="stable")
    top = top[weights[top] >= SUPPORTED][: len(names)]
    if not top.size:
        return [names[0]] * len(inverse)
    matched = structure_match(rows[top], has)
    known = matched < len(names)
    top, matched = top[known], matched[known]
    decoded = np.zeros(len(rows), dtype=np.int64)
    decoded[top] = matched
    chosen = np.zeros(len(rows), dtype=bool)
    chosen[top] = True
    for _ in range(ROUNDS):
        now = _decode(rows, weights * chosen, decoded, has)
        if (now == decoded).all():
            break
        decoded, chosen = now, np.ones(len(rows), dtype=bool)
    return [names[d] for d in decoded[inverse]]


def _decode(rows: np.ndarray, weights: np.ndarray, decoded: np.ndarray, has: np.ndarray):
    """Each bigram's positions learned from the filters named so far (those set in nine
    tenths of the weight of the filters whose name has the bigram), then every filter named
    after the list's name whose learned filter is most like it (Dice)."""
    containing = has[decoded].T * weights[None, :]  # (bigrams, filters)
    counts = containing @ rows.astype(float)
    total = containing.sum(axis=1)[:, None]
    learned = (counts >= 0.9 * total) & (total > 0)
    predicted = ((has @ learned) > 0).astype(float)
    as_float = rows.astype(float)
    sizes = as_float.sum(axis=1)[:, None] + predicted.sum(axis=1)[None, :]
    return (2 * (as_float @ predicted.T) / np.maximum(sizes, 1)).argmax(axis=1)


def _swaps(
    observed: np.ndarray, expected: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, float]:
    """Local search from a matching: swap two names (or a name for an unmatched one) while
    the squared difference of observed and expected shared bits falls."""
    order, count = order.copy(), len(observed)

    def cost() -> float:
        chosen = order[:count]
        return float(((observed - expected[np.ix_(chosen, chosen)]) ** 2).sum())

    best, improved = cost(), True
    while improved:
        improved = False
        for i in range(count):
            for j in range(i + 1, len(order)):
                order[[i, j]] = order[[j, i]]
                now = cost()
                if now < best - 1e-9:
                    best, improved = now, True
                else:
                    order[[i, j]] = order[[j, i]]
    return order, best
