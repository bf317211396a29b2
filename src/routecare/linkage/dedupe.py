"""Duplicates within one organisation's own registrations (plaintext allowed there).

The same engine as cross-border matching, run on one set against itself with a throwaway
secret: registrations never leave the organisation, so nothing needs protecting from a partner.
"""

from __future__ import annotations

import secrets

import numpy as np

from routecare.linkage.encoding import Encoder
from routecare.linkage.matching import THRESHOLDS, exclusive, scored_candidates
from routecare.linkage.records import Registration


def scored_duplicates(
    records: list[Registration], threshold: float = THRESHOLDS["possible"]
) -> list[tuple[str, str, float]]:
    """Pairs of records at or above `threshold` that may be the same child, each with its
    exclusive probability (a record's duplicates compete like a partner's candidates)."""
    encoder = Encoder(secrets.token_bytes(32))
    encoded = encoder.encode_set(records)
    li, ri, scores = scored_candidates(encoded, encoded, same_set=True)
    scores = exclusive(li, ri, scores, same_set=True)
    kept = scores >= threshold
    return [
        (encoded.ids[a], encoded.ids[b], float(s))
        for a, b, s in zip(li[kept], ri[kept], scores[kept], strict=True)
    ]


def dedupe(
    records: list[Registration], threshold: float = THRESHOLDS["probable"]
) -> dict[str, int]:
    """Cluster number per record id; records alone in their cluster are not duplicated."""
    row = {r.record_id: i for i, r in enumerate(records)}
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b, _ in scored_duplicates(records, threshold):
        parent[root(row[a])] = root(row[b])
    roots = np.array([root(i) for i in range(len(records))])
    _, cluster = np.unique(roots, return_inverse=True)
    return {r.record_id: int(c) + 1 for r, c in zip(records, cluster, strict=True)}
