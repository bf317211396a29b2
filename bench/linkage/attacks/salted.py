"""Attacks inside each salt (the salting design, `attacks/salting.py`): given names are
comparable only between records whose family names begin alike, so the attacker groups the
records by their salt token (in clear in the file) and runs cluster alignment and pattern
mining inside each group, against the given names of the families of that salt in its own
list. The group's salt is taken as known: the family names, which are not salted, are named by
the same attacks (docs/linkage.md), and the salt is their first consonants. This is the
attacker the salting has to face; the attacks over the whole file are not."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
from bench.linkage.attacks.clusters import cluster_attack
from bench.linkage.attacks.common import bits_of, name_key
from bench.linkage.attacks.patterns import pattern_mining
from bench.linkage.attacks.salting import family_salt

from routecare.linkage.encoded import EncodedSet
from routecare.linkage.records import Registration

SMALLEST = 4  # a group this small is named by its commonest name: too few to cluster


def given_names_by_salt(people: Sequence[Registration]) -> dict[str, Counter[str]]:
    """The attacker's given-name frequencies within each family salt of its list."""
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for person in people:
        found[family_salt(person)][name_key(person.given_name)] += 1
    return found


def per_salt_attacks(
    encoded: EncodedSet,
    records: Sequence[Registration],
    frequencies: dict[str, Counter[str]],
) -> dict[str, list[str]]:
    """Given names guessed per record by cluster alignment and by pattern mining, each run
    inside the records' salt groups."""
    bits = bits_of(encoded.bloom["given_latin"])
    overall = sum(frequencies.values(), Counter())
    guesses: dict[str, list[str]] = {
        "cluster alignment": [""] * len(records),
        "pattern mining": [""] * len(records),
    }
    tokens = encoded.tokens["salt"]
    for token in np.unique(tokens).tolist():
        rows = np.flatnonzero(tokens == token)
        known = frequencies.get(family_salt(records[rows[0]])) or overall
        if rows.size < SMALLEST:
            named = {"cluster alignment": [known.most_common(1)[0][0]] * rows.size}
            named["pattern mining"] = named["cluster alignment"]
        else:
            by_cluster, denoised = cluster_attack(bits[rows], known)
            named = {
                "cluster alignment": by_cluster,
                "pattern mining": pattern_mining(denoised, known),
            }
        for attack, names in named.items():
            for row, name in zip(rows.tolist(), names, strict=True):
                guesses[attack][row] = name
    return guesses
