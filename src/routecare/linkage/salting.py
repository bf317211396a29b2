"""Salting by the family name (scheme `routecare-pprl/4`): the filters of the given, father's
and mother's names are keyed by a short prefix of the family name's consonant skeleton as well
as by the secret.

Why: a keyless holder of a file in clear (a linkage unit) compares its records with each other
as `match` compares them across files. Unsalted, the records of one file cluster by given
name, and the clusters' sizes and bit positions, set against a public name list, name them
(`bench/linkage/attacks`: nine in ten given names). Salted, a bigram sets different bits under
each salt (a keyed permutation of the filter), so clusters and learned bit positions do not
carry over from one salt to another: the attacks over the whole file get the base rate. What
it does not do (measured, docs/linkage.md): an attacker who reads the family names (not
salted) and attacks each salt on its own still names a quarter of the given names in a file
of 2,000, more in larger files. Years are not salted: salted, they still chained within each
salt, and their disagreement across salts made scores too high where few children cross
(docs/linkage.md). The same child in two files keeps its salt while the first consonants of
its family name agree, which the skeleton keeps for most spellings; where they differ the
salted names compare as missing (`comparison.compare`, by the salt's keyed token).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from routecare.linkage.names import normalise
from routecare.linkage.records import Registration

SALT_LETTERS = 2  # consonants of the family name's skeleton that key the salted fields
SALTED_FIELDS = ("given", "father", "mother")  # by role; the family name is the salt


def family_salt(record: Registration) -> str:
    """The salt of a record: the first SALT_LETTERS of its family name's first skeleton token
    (tokens sorted, so a reordered compound family name keeps it); empty without one."""
    skeleton = sorted(normalise(record.family_name).skeleton)
    return skeleton[0][:SALT_LETTERS] if skeleton else ""


def permutation(key: bytes, salt: str, width: int) -> np.ndarray:
    """A keyed permutation of `width` bit positions for `salt`: positions sorted by a keyed
    pseudo-random value (SHAKE-256 over key and salt, so every installation derives the same
    one)."""
    stream = hashlib.shake_256(key + b"\x00" + salt.encode()).digest(4 * width)
    return np.argsort(np.frombuffer(stream, dtype="<u4"), kind="stable")


def salted(filters: np.ndarray, salts: Sequence[str], key: bytes) -> np.ndarray:
    """(records, words) uint64 filters, each one's bits permuted by its salt's permutation."""
    width = filters.shape[1] * 64
    bits = np.unpackbits(
        np.ascontiguousarray(filters.astype("<u8")).view(np.uint8), axis=1, bitorder="little"
    )
    distinct, rows = np.unique(np.asarray(salts, dtype=object), return_inverse=True)
    order = np.argsort(rows, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=len(distinct)))))
    out = np.empty_like(bits)
    for i, salt in enumerate(distinct.tolist()):
        members = order[bounds[i] : bounds[i + 1]]
        out[members] = bits[members][:, permutation(key, salt, width)]
    packed = np.packbits(out, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8").astype(np.uint64)
