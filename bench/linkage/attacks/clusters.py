"""Cluster alignment: records with the same name have far more alike filters than records
with different names, whatever the noise, so clustering by Dice similarity and voting per
bit gives back each name's unflipped filter; clusters ranked by size are then aligned with
the attacker's names ranked by frequency."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

NEIGHBOURS = 3  # a record's vote needs at least this many look-alikes (itself included)


@dataclass(frozen=True)
class Denoised:
    bits: np.ndarray  # (n, bits) bool: each record's filter after the vote
    voted: np.ndarray  # (n,) bool: whether its neighbourhood was large enough to vote


def dice_matrix(bits: np.ndarray) -> np.ndarray:
    """Dice similarity of every pair of filters (a keyless computation)."""
    as_float = bits.astype(np.float32)
    common = as_float @ as_float.T
    sizes = as_float.sum(axis=1)
    return 2 * common / np.maximum(sizes[:, None] + sizes[None, :], 1)


def threshold_of(similarity: np.ndarray, neighbours: int = 10) -> float:
    """The attacker's cut, read off the file whatever the noise: the emptiest similarity
    between how alike a record is to a random record and to its tenth most similar record
    (namesakes, as most names are shared by many): the valley between the two modes."""
    near = float(np.median(np.partition(similarity, -neighbours - 1, axis=1)[:, -neighbours - 1]))
    low = float(np.median(similarity))
    counts, edges = np.histogram(similarity, bins=40, range=(low, near))
    return float(edges[int(np.argmin(counts))] + (edges[1] - edges[0]) / 2)


def denoise(bits: np.ndarray, threshold: float | None = None, rounds: int = 2) -> Denoised:
    """Each record's filter replaced by the per-bit majority of the filters at least
    `threshold`-similar to it (its own included; default `threshold_of` the file), twice:
    the second round votes among the first round's cleaner filters."""
    current, voted = bits, np.zeros(len(bits), dtype=bool)
    if threshold is None:
        threshold = threshold_of(dice_matrix(bits))
    for _ in range(rounds):
        near = (dice_matrix(current) >= threshold).astype(np.float32)
        sizes = near.sum(axis=1)
        votes = near @ bits.astype(np.float32)
        voted = sizes >= NEIGHBOURS
        current = np.where(voted[:, None], 2 * votes > sizes[:, None], bits)
    return Denoised(current, voted)


def clusters_of(denoised: Denoised) -> np.ndarray:
    """A cluster number per record: records with identical voted filters share one; a record
    that could not vote is its own cluster."""
    _, cluster = np.unique(denoised.bits, axis=0, return_inverse=True)
    cluster = cluster.reshape(-1).astype(np.int64)
    alone = np.flatnonzero(~denoised.voted)
    cluster[alone] = cluster.max(initial=-1) + 1 + np.arange(alone.size)
    return cluster


def frequency_alignment(cluster: np.ndarray, frequencies: Counter[str]) -> list[str]:
    """The i-th largest cluster named with the attacker's i-th most frequent name; records in
    clusters beyond the list get the most frequent name (the guesser's answer)."""
    sizes = Counter(cluster.tolist())
    ranked = [name for name, _ in frequencies.most_common()]
    naming = {c: ranked[i] for i, (c, _) in enumerate(sizes.most_common(len(ranked)))}
    return [naming.get(c, ranked[0]) for c in cluster.tolist()]


def exact_recovery(denoised: Denoised, clean: np.ndarray) -> float:
    """Share of the records in voting neighbourhoods of at least NEIGHBOURS whose voted filter
    is their exact unflipped one."""
    voted = denoised.voted
    if not voted.any():
        return 0.0
    same = (denoised.bits[voted] == clean[voted]).all(axis=1)
    return float(same.mean())


def cluster_attack(
    bits: np.ndarray, frequencies: Counter[str], threshold: float | None = None
) -> tuple[list[str], Denoised]:
    """Names guessed for every record by cluster alignment, and the denoised filters."""
    denoised = denoise(bits, threshold)
    return frequency_alignment(clusters_of(denoised), frequencies), denoised
