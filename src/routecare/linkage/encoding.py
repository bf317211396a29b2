"""Privacy-preserving encodings of registrations, made locally with a secret shared by partners.

Scheme `routecare-pprl/2`, following Schnell, Borgs & Encheva (2016, "Hardening encrypted patient
names against cryptographic attacks using cell or attribute level Bloom filters in record
linkage") for attribute-level filters and Schnell & Borgs (2016, "Randomized response and
balanced Bloom filters for privacy preserving record linkage") for the randomized response:

- one Bloom filter per field and form — canonical Latin spelling, and consonant skeleton (the
  only form Arabic script gives) — for the names by role (given, father, family, mother) and
  the birth place; bigrams hashed by HMAC-SHA256 under a field key derived from the secret by
  HKDF, so fields cannot be cross-analysed;
- one more filter for all names together (given, father, family): the order-free set, which
  survives swapped fields and a father's name written into the given-name field;
- **randomized response**: each bit flips with probability 2 %, chosen by a keyed stream of the
  record id, so two children with the same name get different encodings (frequency alignment
  finds nothing to align) while the same registration always encodes the same way. Balancing
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
import hmac
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from routecare.linkage.encoded import FILTER_BITS, SCHEME, YEAR_WINDOW, EncodedSet
from routecare.linkage.names import NameTokens, normalise
from routecare.linkage.records import Registration
from routecare.linkage.workers import CORES, workers

HASHES_PER_GRAM = 8
PARALLEL_RECORDS = 20_000  # from this many records, encode on every core
T = TypeVar("T")
FLIP_PROBABILITY = 0.02
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
        return hmac.new(self.key("check"), b"routecare", hashlib.sha256).hexdigest()[:16]


def _name_fields(record: Registration) -> dict[str, NameTokens]:
    given = normalise(record.given_name)
    father = normalise(record.father_name)
    family = normalise(record.family_name)
    return {
        "given": given,
        "father": father,
        "family": family,
        "all_names": NameTokens(
            given.full + father.full + family.full,
            given.skeleton + father.skeleton + family.skeleton,
        ),
        "mother": normalise(record.mother_name),
        "birth_place": normalise(record.birth_place),
    }


def _encode_part(secret: bytes, records: Sequence[Registration], hardened: bool) -> EncodedSet:
    return Encoder(secret)._encode(records, hardened)


def _group(nationality: str) -> str:
    if not nationality:
        return ""
    return next((sorted(g)[0] for g in CONFUSION_GROUPS if nationality in g), nationality)


def _document(number: str) -> str:
    """Document numbers as clerks copy them: case, spaces and dashes vary."""
    return "".join(c for c in number.lower() if c.isalnum())


def _bigrams(token: str) -> list[str]:
    padded = f"_{token}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


class _FilterMaker:
    """Clean (not yet flipped) Bloom filters of one field, as uint64 words. Bigram positions
    are hashed once per bigram and all filters of a batch are set in one array operation."""

    def __init__(self, key: bytes, bits: int) -> None:
        self.key, self.bits = key, bits
        self._gram_rows: dict[str, int] = {}
        self._positions: list[list[int]] = []

    def _gram(self, gram: str) -> int:
        row = self._gram_rows.get(gram)
        if row is None:
            digest = hmac.new(self.key, gram.encode(), hashlib.sha256).digest()
            first = int.from_bytes(digest[:8], "big")
            second = int.from_bytes(digest[8:16], "big") | 1
            self._positions.append(
                [(first + i * second) % self.bits for i in range(HASHES_PER_GRAM)]
            )
            row = self._gram_rows[gram] = len(self._positions) - 1
        return row

    def filters(self, values: list[tuple[str, ...]]) -> np.ndarray:
        """(values, words): one filter per value."""
        rows, grams = [], []
        for row, tokens in enumerate(values):
            for gram in {g for t in tokens for g in _bigrams(t)}:
                rows.append(row)
                grams.append(self._gram(gram))
        matrix = np.zeros((len(values), self.bits), dtype=bool)
        if grams:
            positions = np.asarray(self._positions, dtype=np.int64)[grams]
            matrix[np.repeat(rows, HASHES_PER_GRAM), positions.ravel()] = True
        return np.packbits(matrix, axis=1, bitorder="little").view("<u8")


def _distinct(column: list[T]) -> tuple[list[T], np.ndarray]:
    """The distinct values of a column, and the index of each row's value among them."""
    index: dict[T, int] = {}
    rows = np.fromiter((index.setdefault(v, len(index)) for v in column), np.int64, len(column))
    return list(index), rows


class Encoder:
    """Encodes registrations under one secret; instances cache the derived keys and the
    positions of bigrams already seen."""

    def __init__(self, secret: bytes) -> None:
        self.keys = Keys(secret)
        self._fields = {
            f: _FilterMaker(self.keys.key(f"bloom/{f}"), bits) for f, bits in FILTER_BITS.items()
        }
        self._token_key = self.keys.key("tokens")
        self._flip_key = self.keys.key("flips")
        self._token_cache: dict[str, int] = {}

    def token(self, kind: str, value: str) -> int:
        """A keyed 64-bit token: equal values give equal tokens, under this secret only."""
        text = f"{kind}:{value}"
        found = self._token_cache.get(text)
        if found is None:
            digest = hmac.new(self._token_key, text.encode(), hashlib.sha256).digest()
            found = int.from_bytes(digest[:8], "big") or 1  # 0 means "missing"
            self._token_cache[text] = found
        return found

    def _tokens(self, kind: str, column: list[str]) -> np.ndarray:
        distinct, rows = _distinct(column)
        table = np.array([self.token(kind, v) if v else 0 for v in distinct], dtype=np.uint64)
        return table[rows]

    def _block(self, value: str) -> str:
        """Blocking keys: keyed like the tokens, shorter, under their own prefix."""
        return f"{self.token('block', value):016x}"[:12]

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
        if cores > 1:
            bounds = np.linspace(0, len(records), cores + 1).astype(int)
            chunks = [records[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
            with workers((self.keys.secret,), cores) as pool:
                parts = pool.map(_encode_part, [(chunk, hardened) for chunk in chunks])
            return EncodedSet.concatenate(parts)
        return self._encode(records, hardened)

    def _encode(self, records: Sequence[Registration], hardened: bool) -> EncodedSet:
        """In this process: each column's distinct values hashed once, then copied to rows."""
        encoded = EncodedSet.empty([r.record_id for r in records], self.keys.check_value())
        values: dict[str, list[tuple[str, ...]]] = {key: [] for key in FILTER_BITS}
        columns: dict[str, list[str]] = {c: [] for c in ("sex", "nat", "group", "dob")}
        years: list[int] = []
        for record in records:
            names = _name_fields(record)
            for field, name in names.items():
                values[f"{field}_latin"].append(name.full)
                values[f"{field}_skeleton"].append(name.skeleton)
            document = _document(record.document_number)
            values["document"].append((document,) if document else ())
            columns["sex"].append(record.sex)
            columns["nat"].append(record.nationality)
            columns["group"].append(_group(record.nationality))
            year = record.birth_year()
            years.append(year[0] if year else 0)
            exact = year is not None and year[1] and record.birth_date is not None
            columns["dob"].append(record.birth_date.isoformat() if exact else "")  # type: ignore[union-attr]
            encoded.record_blocks.append(self._blocks(record, names, document, columns["dob"][-1]))
        for key, column in values.items():
            distinct, rows = _distinct(column)
            encoded.bloom[key][:] = self._fields[key].filters(distinct)[rows]
            encoded.has_bloom[key][:] = np.array([bool(v) for v in distinct], dtype=bool)[rows]
        tokens = encoded.tokens
        tokens["sex"] = self._tokens("sex", columns["sex"])
        tokens["nationality"] = self._tokens("nat", columns["nat"])
        tokens["nationality_group"] = self._tokens("natgroup", columns["group"])
        tokens["birth_date"] = self._tokens("dob", columns["dob"])
        distinct_years, rows = _distinct(years)
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
        if hardened:
            self._randomize(encoded)
        encoded.index_blocks()
        return encoded

    def _blocks(
        self, record: Registration, names: dict[str, NameTokens], document: str, dob: str
    ) -> list[str]:
        blocks = [self._block(f"dob:{dob}")] if dob else []
        if document:
            blocks.append(self._block(f"doc:{document}"))
        skeletons = sorted(set(names["all_names"].skeleton))
        pairs = (
            ["|".join(p) for p in itertools.combinations(skeletons, 2)]
            if len(skeletons) > 1
            else skeletons
        )
        blocks.extend(self._block(f"{record.sex}|{p}") for p in pairs)
        return sorted(set(blocks))

    def _randomize(self, encoded: EncodedSet) -> None:
        """Randomized response: FLIP_PROBABILITY of each filter's bits, chosen by a keyed
        stream of the record id (BLAKE2b in keyed mode, a PRF), so the same registration
        always flips the same bits."""
        widths = [a.shape[1] * 64 for a in encoded.bloom.values()]
        flips = [round(FLIP_PROBABILITY * w) for w in widths]
        rounds = -(-sum(flips) * 2 // 64)  # 64-byte digests, 2 bytes per flipped bit
        stream = np.frombuffer(
            b"".join(
                hashlib.blake2b(
                    record_id.encode(),
                    key=self._flip_key,
                    person=f"flips{k}".encode(),
                    digest_size=64,
                ).digest()
                for record_id in encoded.ids
                for k in range(rounds)
            ),
            dtype="<u2",
        ).reshape(len(encoded.ids), rounds * 32)
        offset = 0
        rows = np.arange(len(encoded.ids))[:, None]
        for array, width, count in zip(encoded.bloom.values(), widths, flips, strict=True):
            bits = stream[:, offset : offset + count].astype(np.int64) % width
            offset += count
            masks = np.left_shift(np.uint64(1), (bits % 64).astype(np.uint64))
            np.bitwise_xor.at(array, (np.broadcast_to(rows, bits.shape), bits // 64), masks)
