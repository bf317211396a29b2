"""Pseudonyms across files: encodings that stay the same for the same child in every file
made under the same secret let anyone who holds two files join them, with no key and no
similarity search. Blocking keys are the obvious candidate (one-to-one with name pairs)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from routecare.linkage.encoded import EncodedSet


def block_sets(encoded: EncodedSet) -> list[bytes]:
    """Each record's set of blocking keys as one value."""
    starts = encoded.block_starts
    return [encoded.block_keys[starts[i] : starts[i + 1]].tobytes() for i in range(len(encoded))]


@dataclass(frozen=True)
class Linkability:
    unique: float  # share of records whose set of blocking keys no other record has
    joined: float  # share of the first file's children joined to themselves in the second


def pseudonym_attack(first: EncodedSet, second: EncodedSet, truth: dict[str, str]) -> Linkability:
    """Join two files on identical sets of blocking keys (kept where the set is unique in
    both files): the share joined to the right record. `truth` maps first ids to second."""
    a, b = block_sets(first), block_sets(second)
    count_a, count_b = Counter(a), Counter(b)
    where = {key: i for i, key in enumerate(b) if count_b[key] == 1}
    joined = sum(
        1
        for i, key in enumerate(a)
        if key
        and count_a[key] == 1
        and key in where
        and truth.get(first.ids[i]) == second.ids[where[key]]
    )
    unique = float(np.mean([bool(k) and count_a[k] == 1 for k in a])) if a else 0.0
    return Linkability(unique, joined / max(len(first), 1))
