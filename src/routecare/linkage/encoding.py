"""Privacy-preserving encodings of registrations, made locally with a secret shared by partners.

Scheme `routecare-pprl/3` (files and stored rows seal each encoding: `linkage/sealing.py`,
because the encodings below, once readable, name children: docs/linkage.md), following
Schnell, Borgs & Encheva (2016, "Hardening encrypted patient names against cryptographic
attacks using cell or attribute level Bloom filters in record linkage") for attribute-level
filters and Schnell & Borgs (2016, "Randomized response and balanced Bloom filters for
privacy preserving record linkage") for the randomized response:

- one Bloom filter per field and form — canonical Latin spelling, and consonant skeleton (the
  only form Arabic script gives) — for the names by role (given, father, family, mother) and
  the birth place; bigrams hashed by HMAC-SHA256 under a field key derived from the secret by
  HKDF, so fields cannot be cross-analysed;
- one more filter for all names together (given, father, family): the order-free set, which
  survives swapped fields and a father's name written into the given-name field;
- **randomized response**: each bit flips with probability 2 %, chosen by a keyed stream of the
  record id, so two children with the same name do not get byte-identical encodings while the
  same registration always encodes the same way. It does not stop an attacker who clusters
  similar encodings (`bench/linkage/attacks`); stronger flips cost the linkage first. Balancing
  was tried and dropped: on short names it compressed similarities so much that true pairs
  spelled differently could not be told from strangers;
- other fields as keyed tokens (sex, nationality and its confusion group, birth-year window,
  exact date of birth); blocking keys are keyed hashes of pairs of name skeletons, and of the
  exact date of birth.

Records are encoded as a batch into arrays (`encode_set`): each distinct name is hashed once and
its filter copied, which is what makes encoding a country's registrations take seconds.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TypeVar

import numpy as np
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from routecare.linkage.encoded import (
    BLOCK_BITS,
    FILTER_BITS,
    SCHEME,
    YEAR_WINDOW,
    EncodedSet,
    ranges,
)
from routecare.linkage.names import NameTokens, normalise
from routecare.linkage.records import Registration
from routecare.linkage.workers import CORES, split

HASHES_PER_GRAM = 8
PARALLEL_RECORDS = 2_000  # from this many records, encode on every core
T = TypeVar("T")
FLIP_PROBABILITY = 0.02
NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
# Nationalities that clerks along the route often confuse (neighbours, shared languages).
CONFUSION_GROUPS = [
    {"GIN", "MLI", "SEN", "GMB", "SLE", "GNB", "CIV", "BFA", "LBR"},
    {"NER", "NGA", "TCD", "CMR"},
    {"SDN", "SSD", "TCD"},
    {"ERI", "ETH", "SOM", "DJI"},
    {"MAR", "DZA", "TUN", "LBY", "EGY"},
]


@dataclass(frozen=True)
class Keys:
    """Field keys derived from the partners' secret."""

    secret: bytes

    def key(self, purpose: str) -> bytes:
        return HKDF(
            algorithm=hashes.SHA256(), length=32, salt=SCHEME.encode(), info=purpose.encode()
        ).derive(self.secret)

    def check_value(self) -> str:
        """Lets a partner detect a wrong secret without revealing it."""
        return _Mac(self.key("check")).digest(b"routecare").hex()[:16]


# Where each filtered name field comes from: all names together are one order-free set.
NAME_SOURCES = {
    "given": ("given_name",),
    "father": ("father_name",),
    "family": ("family_name",),
    "all_names": ("given_name", "father_name", "family_name"),
    "mother": ("mother_name",),
    "birth_place": ("birth_place",),
}


class _Mac:
    """HMAC-SHA256 under one key, the key absorbed once: copying the keyed state costs less
    than keying again, and encoding a batch computes tens of thousands of these. The
    `cryptography` HMAC copies in half the time of the standard library's, whose `copy` is
    Python code."""

    def __init__(self, key: bytes) -> None:
        self._keyed = crypto_hmac.HMAC(key, hashes.SHA256())

    def digest(self, message: bytes) -> bytes:
        mac = self._keyed.copy()
        mac.update(message)
        return mac.finalize()


def _names(texts: tuple[str, ...]) -> NameTokens:
    """The tokens of several name fields, as one set."""
    full: tuple[str, ...] = ()
    skeleton: tuple[str, ...] = ()
    for part in map(normalise, texts):
        full += part.full
        skeleton += part.skeleton
    return NameTokens(full, skeleton)


def _encode_range(
    encoder: Encoder, records: Sequence[Registration], hardened: bool, start: int, stop: int
) -> EncodedSet:
    return encoder._encode(records[start:stop], hardened)


def _group(nationality: str) -> str:
    if not nationality:
        return ""
    return next((sorted(g)[0] for g in CONFUSION_GROUPS if nationality in g), nationality)


def _document(number: str) -> str:
    """Document numbers as clerks copy them: case, spaces and dashes vary. What is not a
    letter or digit (`str.isalnum`, which is what `\\W` and `_` together leave out) is dropped
    by one regular expression, not a character at a time: a batch has one number per record."""
    lowered = number.lower()
    return lowered if lowered.isalnum() else NOT_ALPHANUMERIC.sub("", lowered)


def _bigrams(token: str) -> list[str]:
    padded = f"_{token}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


class _FilterMaker:
    """Clean (not yet flipped) Bloom filters of one field, as uint64 words. A value's filter is
    the OR of its tokens' filters, a token's the OR of its bigrams' (a bigram set twice is set
    once): each token is hashed once, and a batch's filters are one `bitwise_or.reduceat`."""

    def __init__(self, key: bytes, bits: int) -> None:
        self.mac, self.bits = _Mac(key), bits
        self._grams: dict[str, int] = {}  # bigram -> its filter, as a Python integer
        self._token_rows: dict[str, int] = {}
        self._token_bytes: list[bytes] = []
        self._table = np.zeros((0, bits // 64), dtype=np.uint64)

    def _gram(self, gram: str) -> int:
        mask = self._grams.get(gram)
        if mask is None:
            digest = self.mac.digest(gram.encode())
            first = int.from_bytes(digest[:8], "big")
            second = int.from_bytes(digest[8:16], "big") | 1
            mask = 0
            for i in range(HASHES_PER_GRAM):
                mask |= 1 << (first + i * second) % self.bits
            self._grams[gram] = mask
        return mask

    def _token(self, token: str) -> int:
        row = self._token_rows.get(token)
        if row is None:
            mask = 0
            for gram in _bigrams(token):
                mask |= self._gram(gram)
            self._token_bytes.append(mask.to_bytes(self.bits // 8, "little"))  # bit i: word i//64
            row = self._token_rows[token] = len(self._token_bytes) - 1
        return row

    def filters(self, values: list[tuple[str, ...]]) -> np.ndarray:
        """(values, words): one filter per value."""
        tokens = [t for value in values for t in value]
        for token in set(tokens).difference(self._token_rows):
            self._token(token)  # a token's row is only an index: any order will do
        flat = list(map(self._token_rows.__getitem__, tokens))
        words = self.bits // 64
        if len(self._table) < len(self._token_bytes):
            joined = b"".join(self._token_bytes)
            self._table = np.frombuffer(joined, dtype="<u8").reshape(-1, words)
        result = np.zeros((len(values), words), dtype=np.uint64)
        lengths = np.fromiter(map(len, values), np.int64, len(values))
        filled = lengths > 0
        if flat:
            starts = (np.cumsum(lengths) - lengths)[filled]
            rows = np.asarray(flat, dtype=np.int64)
            result[filled] = np.bitwise_or.reduceat(
                np.take(self._table, rows, axis=0), starts, axis=0
            )
        return result


def _distinct(column: list[T]) -> tuple[list[T], np.ndarray]:
    """The distinct values of a column, and the index of each row's value among them."""
    distinct = list(dict.fromkeys(column))  # in order of first appearance
    index = {v: i for i, v in enumerate(distinct)}
    return distinct, np.fromiter(map(index.__getitem__, column), np.int64, len(column))


def _name_pairs(values: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, first, second): each pair first < second of a value's distinct name ids, or
    (value, id, -1) for a value with a single name; ordered by value."""
    lengths = np.fromiter(map(len, values), np.int64, len(values))
    width = int(lengths.max(initial=0))
    matrix = np.full((len(values), max(width, 2)), -1, dtype=np.int64)
    columns = ranges(np.zeros_like(lengths), lengths)
    matrix[np.repeat(np.arange(len(values)), lengths), columns] = np.fromiter(
        itertools.chain.from_iterable(values), np.int64, int(lengths.sum())
    )
    parts = [(np.flatnonzero(lengths == 1), 0, 1)]  # column 1 holds -1 there
    parts += [
        (np.flatnonzero(lengths > j), i, j) for i, j in itertools.combinations(range(width), 2)
    ]
    value = np.concatenate([rows for rows, _, _ in parts])
    first = np.concatenate([matrix[rows, i] for rows, i, _ in parts])
    second = np.concatenate([matrix[rows, j] for rows, _, j in parts])
    order = np.argsort(value, kind="stable")
    return value[order], first[order], second[order]


def _pair_name(sexes: list[str], vocabulary: list[str], code: int, width: int) -> str:
    """The text a (sex, first, second) code stands for: "sex|first|second" or "sex|first"."""
    rest, second = divmod(code, width)
    sex, first = divmod(rest, width)
    names = vocabulary[first] + (f"|{vocabulary[second - 1]}" if second else "")
    return f"{sexes[sex]}|{names}"


class Encoder:
    """Encodes registrations under one secret; instances cache the derived keys and the
    positions of bigrams already seen."""

    def __init__(self, secret: bytes, flip_probability: float = FLIP_PROBABILITY) -> None:
        """`flip_probability` other than the scheme's exists only so the privacy benchmark
        can measure stronger randomized response; files are always written with the scheme's."""
        self.keys = Keys(secret)
        self.flip_probability = flip_probability
        self._fields = {
            f: _FilterMaker(self.keys.key(f"bloom/{f}"), bits) for f, bits in FILTER_BITS.items()
        }
        self._token_mac = _Mac(self.keys.key("tokens"))
        self._flip_key = self.keys.key("flips")
        self._token_cache: dict[str, int] = {}
        self._block_cache: dict[str, int] = {}

    def token(self, kind: str, value: str) -> int:
        """A keyed 64-bit token: equal values give equal tokens, under this secret only."""
        text = f"{kind}:{value}"
        found = self._token_cache.get(text)
        if found is None:
            digest = self._token_mac.digest(text.encode())
            found = int.from_bytes(digest[:8], "big") or 1  # 0 means "missing"
            self._token_cache[text] = found
        return found

    def _tokens(self, kind: str, column: list[str]) -> np.ndarray:
        distinct, rows = _distinct(column)
        table = np.array([self.token(kind, v) if v else 0 for v in distinct], dtype=np.uint64)
        return table[rows]

    def _block(self, value: str) -> int:
        """A blocking key: the first BLOCK_BITS bits of a keyed token under its own prefix."""
        found = self._block_cache.get(value)
        if found is None:
            found = self._block_cache[value] = self.token("block", value) >> (64 - BLOCK_BITS)
        return found

    def encode_set(
        self, records: Sequence[Registration], *, hardened: bool = True, cores: int | None = None
    ) -> EncodedSet:
        """Encodings of `records` as arrays, split over `cores` worker processes (default:
        all, for batch-sized sets); the result does not depend on the split.

        `hardened=False` gives plain Bloom filters; it exists only so the attack test and the
        benchmark can compare, and is never written by the CLI.
        """
        if cores is None:
            cores = CORES if len(records) >= PARALLEL_RECORDS else 1
        bounds = np.linspace(0, len(records), max(1, cores) + 1).astype(int)
        ranges = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
        items = [(self, records, hardened, start, stop) for start, stop in ranges]
        return EncodedSet.concatenate(split(_encode_range, items))

    def _encode(self, records: Sequence[Registration], hardened: bool) -> EncodedSet:
        """In this process, a column at a time: each distinct value hashed once, then copied
        to the rows that have it."""
        encoded = EncodedSet.empty([r.record_id for r in records], self.keys.check_value())
        for field, sources in NAME_SOURCES.items():
            # One source: the value itself; several: a tuple of them.
            distinct, rows = _distinct(list(map(attrgetter(*sources), records)))
            names = list(map(_names if len(sources) > 1 else normalise, distinct))
            self._fill(encoded, f"{field}_latin", [n.full for n in names], rows)
            self._fill(encoded, f"{field}_skeleton", [n.skeleton for n in names], rows)
            if field == "all_names":
                all_names, name_rows = names, rows
        documents = [_document(r.document_number) for r in records]
        self._fill(encoded, "document", [(d,) if d else () for d in documents], None)
        years = [r.birth_year() for r in records]
        dobs = [
            r.birth_date.isoformat() if y is not None and y[1] and r.birth_date else ""
            for r, y in zip(records, years, strict=True)
        ]
        tokens = encoded.tokens
        tokens["sex"] = self._tokens("sex", [r.sex for r in records])
        nationalities = [r.nationality for r in records]
        tokens["nationality"] = self._tokens("nat", nationalities)
        groups = {n: _group(n) for n in set(nationalities)}
        tokens["nationality_group"] = self._tokens("natgroup", [groups[n] for n in nationalities])
        tokens["birth_date"] = self._tokens("dob", dobs)
        distinct_years, rows = _distinct([y[0] if y else 0 for y in years])
        window = np.array(
            [
                [
                    self.token("year", str(y + d)) if y else 0
                    for d in range(-YEAR_WINDOW, YEAR_WINDOW + 1)
                ]
                for y in distinct_years
            ],
            dtype=np.uint64,
        ).reshape(-1, 2 * YEAR_WINDOW + 1)
        encoded.year_window = window[rows]
        tokens["year"] = encoded.year_window[:, YEAR_WINDOW].copy()
        encoded.block_keys, encoded.block_starts = self._record_blocks(
            records, all_names, name_rows, documents, dobs
        )
        if hardened:
            self._randomize(encoded)
        return encoded

    def _fill(
        self,
        encoded: EncodedSet,
        key: str,
        values: list[tuple[str, ...]],
        rows: np.ndarray | None,
    ) -> None:
        """The `key` filters of every record: `values` are distinct, `rows` say which is each
        record's (None: one value per record)."""
        filters = self._fields[key].filters(values)
        present = np.fromiter(map(bool, values), bool, len(values))
        if rows is not None:
            filters, present = np.take(filters, rows, axis=0), present[rows]
        encoded.bloom[key], encoded.has_bloom[key] = filters, present  # new arrays: no copy

    def _record_blocks(
        self,
        records: Sequence[Registration],
        names: list[NameTokens],
        rows: np.ndarray,
        documents: list[str],
        dobs: list[str],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Blocking keys (`EncodedSet.block_keys`, `block_starts`): the exact date of birth,
        the document number, and each pair of distinct name skeletons (or the one) with the
        sex. Pairs are formed in arrays over the distinct sets of names, and each distinct
        (sex, pair) is hashed once."""
        vocabulary = sorted({t for n in names for t in n.skeleton})  # ids ascend like names
        ids = {t: i for i, t in enumerate(vocabulary)}
        value, first, second = _name_pairs([sorted({ids[t] for t in n.skeleton}) for n in names])
        sexes = sorted({r.sex for r in records})
        sex = np.array([sexes.index(r.sex) for r in records], dtype=np.int64)
        per_value = np.bincount(value, minlength=len(names))
        counts = per_value[rows]
        record = np.repeat(np.arange(len(records)), counts)
        starts = np.cumsum(per_value) - per_value
        pair = ranges(starts[rows], counts)
        width = len(vocabulary) + 1
        codes = (sex[record] * width + first[pair]) * width + (second[pair] + 1)
        distinct, which = np.unique(codes, return_inverse=True)
        keyed = np.fromiter(
            (self._block(_pair_name(sexes, vocabulary, int(c), width)) for c in distinct),
            np.int64,
            distinct.size,
        )
        records_of, keys_of = [record], [keyed[which.reshape(-1)]]
        for kind, column in (("dob", dobs), ("doc", documents)):  # each distinct value once
            values, rows_of_value = _distinct(column)
            hashed = np.fromiter(
                (self._block(f"{kind}:{text}") if text else -1 for text in values),
                np.int64,
                len(values),
            )[rows_of_value]
            present = np.flatnonzero(hashed >= 0)  # a key has BLOCK_BITS bits: never -1
            records_of.append(present)
            keys_of.append(hashed[present])
        record, keys = np.concatenate(records_of), np.concatenate(keys_of)
        order = np.lexsort((keys, record))
        record, keys = record[order], keys[order]
        new = np.ones(keys.size, dtype=bool)
        new[1:] = (keys[1:] != keys[:-1]) | (record[1:] != record[:-1])
        record, keys = record[new], keys[new]
        per_record = np.bincount(record, minlength=len(records))
        return keys, np.concatenate(([0], np.cumsum(per_record))).astype(np.int64)

    def _randomize(self, encoded: EncodedSet) -> None:
        """Randomized response: `flip_probability` of each filter's bits, chosen by a keyed
        stream of the record id (BLAKE2b in keyed mode, a PRF), so the same registration
        always flips the same bits."""
        widths = [a.shape[1] * 64 for a in encoded.bloom.values()]
        flips = [round(self.flip_probability * w) for w in widths]
        rounds = -(-sum(flips) * 2 // 64)  # 64-byte digests, 2 bytes per flipped bit
        keyed = [
            hashlib.blake2b(key=self._flip_key, person=f"flips{k}".encode(), digest_size=64)
            for k in range(rounds)
        ]
        digests: list[bytes] = []
        for record_id in [i.encode() for i in encoded.ids]:
            for start in keyed:
                keyed_id = start.copy()  # the key is absorbed once per round, not per record
                keyed_id.update(record_id)
                digests.append(keyed_id.digest())
        stream = np.frombuffer(b"".join(digests), dtype="<u2").reshape(
            len(encoded.ids), rounds * 32
        )
        offset = 0
        rows = np.arange(len(encoded.ids))[:, None]
        for array, width, count in zip(encoded.bloom.values(), widths, flips, strict=True):
            bits = stream[:, offset : offset + count].astype(np.int64) % width
            offset += count
            masks = np.left_shift(np.uint64(1), (bits % 64).astype(np.uint64))
            words = rows * (width // 64) + bits // 64  # flat: ufunc.at's fast one-index path
            np.bitwise_xor.at(array.reshape(-1), words.ravel(), masks.ravel())
