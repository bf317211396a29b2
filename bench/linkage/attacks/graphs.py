"""Graph matching (after Vidanage, Ranbaduge, Christen & Schnell 2020, "A graph matching
attack on privacy-preserving record linkage"), for encodings that preserve similarity but
hide bit positions, such as a diffusion layer over Bloom filters (Armknecht et al. 2023): the
largest clusters of denoised encodings are matched to the attacker's names by how far apart
they are, against how far apart the scheme (open source) makes the names' encodings; every
record then takes the name of the nearest matched cluster."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
from bench.linkage.attacks.clusters import Denoised
from bench.linkage.attacks.patterns import SUPPORTED, expected_overlaps, incidence, matched_by

# (names' bigram incidence, filter bits) -> expected distances between the names' encodings
Model = Callable[[np.ndarray, int], np.ndarray]


def bloom_distances(has: np.ndarray, bits: int) -> np.ndarray:
    """Expected Hamming distances of plain Bloom filters (diagonal: bits set)."""
    overlap = expected_overlaps(has, bits)
    sizes = np.diag(overlap)
    distances = sizes[:, None] + sizes[None, :] - 2 * overlap
    np.fill_diagonal(distances, sizes)
    return distances


def diffused_distances(taps: int) -> Model:
    """Expected Hamming distances after a diffusion layer whose output bits each XOR `taps`
    input bits: an output bit differs when an odd number of its taps do."""

    def model(has: np.ndarray, bits: int) -> np.ndarray:
        plain = bloom_distances(has, bits)
        share = np.clip(plain / bits, 0, 0.5)
        return bits * (1 - (1 - 2 * share) ** taps) / 2

    return model


def graph_matching(denoised: Denoised, frequencies: Counter[str], model: Model) -> list[str]:
    rows, inverse, weights = np.unique(
        denoised.bits, axis=0, return_inverse=True, return_counts=True
    )
    inverse = inverse.reshape(-1)
    names = [name for name, _ in frequencies.most_common()]
    top = np.argsort(-weights, kind="stable")
    top = top[weights[top] >= SUPPORTED][: len(names)]
    if not top.size:
        return [names[0]] * len(inverse)
    as_int = rows.astype(np.int32)
    distances = (as_int[:, None, :] != as_int[None, top, :]).sum(axis=2)  # rows × top
    observed = distances[top].astype(float)
    np.fill_diagonal(observed, as_int[top].sum(axis=1))
    matched = matched_by(observed, model(incidence(names), rows.shape[1]))
    known = matched < len(names)
    nearest = distances[:, known].argmin(axis=1)
    return [names[matched[known][k]] for k in nearest[inverse]]
