"""A design measured, not shipped: the given, father's and mother's name filters salted by
the family name (a keyed permutation of each filter chosen by the first two consonants of the
family name's skeleton), the salt carried as a keyed token, and names of differently salted
records compared as missing (`salt_rule`).

Over a whole file in clear it stops the attacks on given names (a bigram sets different bits
under each salt, so clusters and bit positions do not carry over), but not an attacker inside
each salt, and it cannot ship as it is (docs/linkage.md): with the rule, u of the salted names
is measured among same-salt pairs, mostly relatives, and a partner's spelling variant of a
child (Abdulai Jallow for Abdoulaye Diallo) scored 0.02 instead of 0.99; without it, scores
where few children cross were far too high (precision 0.56 at `probable`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from routecare.linkage import matching
from routecare.linkage.comparison import FIELDS, MISSING
from routecare.linkage.encoded import EncodedSet
from routecare.linkage.encoding import Encoder
from routecare.linkage.names import normalise
from routecare.linkage.records import Registration

SALT_LETTERS = 2
SALTED_FIELDS = ("given", "father", "mother")


def family_salt(record: Registration) -> str:
    """The first SALT_LETTERS of the family name's first skeleton token (sorted); empty
    without a family name."""
    skeleton = sorted(normalise(record.family_name).skeleton)
    return skeleton[0][:SALT_LETTERS] if skeleton else ""


def permutation(key: bytes, salt: str, width: int) -> np.ndarray:
    """A keyed permutation of `width` bit positions for `salt` (SHAKE-256 over key and salt)."""
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


def salted_design(encoder: Encoder, records: Sequence[Registration]) -> EncodedSet:
    """The records' encodings with the salted names, then the scheme's randomized response."""
    encoded = encoder.encode_set(records, hardened=False)
    salts = [family_salt(r) for r in records]
    for field in SALTED_FIELDS:
        for form in ("latin", "skeleton"):
            name = f"{field}_{form}"
            key = encoder.keys.key(f"salt/{name}")
            encoded.bloom[name] = salted(encoded.bloom[name], salts, key)
    encoded.tokens["salt"] = np.array([encoder.token("salt", s) for s in salts], np.uint64)
    encoder._randomize(encoded)
    encoded._sizes.clear()
    return encoded


@contextmanager
def salt_rule() -> Iterator[None]:
    """While the block runs, the linkage compares salted names of differently salted records
    as missing."""
    original = matching.compare

    def compare(left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray):
        levels = original(left, right, li, ri)
        apart = np.take(left.tokens["salt"], li) != np.take(right.tokens["salt"], ri)
        for field in SALTED_FIELDS:
            levels[apart, FIELDS.index(field)] = MISSING
        return levels

    matching.compare = compare
    try:
        yield
    finally:
        matching.compare = original
