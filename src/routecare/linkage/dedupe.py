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


def dedupe(
    records: list[Registration], threshold: float = THRESHOLDS["probable"]
) -> dict[str, int]:
    """Cluster number per record id; records alone in their cluster are not duplicated."""
    encoder = Encoder(secrets.token_bytes(32))
    encoded = encoder.encode_set(records)
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    li, ri, scores = scored_candidates(encoded, encoded, same_set=True)
    scores = exclusive(li, ri, scores, same_set=True)
    for a, b in zip(li[scores >= threshold], ri[scores >= threshold], strict=True):
        parent[root(int(a))] = root(int(b))
    roots = np.array([root(i) for i in range(len(records))])
    _, cluster = np.unique(roots, return_inverse=True)
    return {r.record_id: int(c) + 1 for r, c in zip(records, cluster, strict=True)}
