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

import numpy as np
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from routecare.linkage.encoded import FILTER_BITS, SCHEME, YEAR_WINDOW, EncodedSet
from routecare.linkage.names import NameTokens, normalise
from routecare.linkage.records import Registration

HASHES_PER_GRAM = 8
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


def _document(number: str) -> str:
    """Document numbers as clerks copy them: case, spaces and dashes vary."""
    return "".join(c for c in number.lower() if c.isalnum())


def _bigrams(token: str) -> list[str]:
    padded = f"_{token}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


class _FilterMaker:
    """Clean (not yet flipped) Bloom filters of one field, as uint64 words, each distinct
    value hashed once."""

    def __init__(self, key: bytes, bits: int) -> None:
        self.key, self.bits = key, bits
        self._grams: dict[str, list[int]] = {}
        self._filters: dict[tuple[str, ...], np.ndarray] = {}

    def _positions(self, gram: str) -> list[int]:
        found = self._grams.get(gram)
        if found is None:
            digest = hmac.new(self.key, gram.encode(), hashlib.sha256).digest()
            first = int.from_bytes(digest[:8], "big")
            second = int.from_bytes(digest[8:16], "big") | 1
            found = [(first + i * second) % self.bits for i in range(HASHES_PER_GRAM)]
            self._grams[gram] = found
        return found

    def filter(self, tokens: tuple[str, ...]) -> np.ndarray:
        found = self._filters.get(tokens)
        if found is None:
            vector = np.zeros(self.bits, dtype=bool)
            grams = {g for t in tokens for g in _bigrams(t)}
            vector[[p for gram in grams for p in self._positions(gram)]] = True
            found = np.packbits(vector, bitorder="little").view("<u8")
            self._filters[tokens] = found
        return found


class Encoder:
    """Encodes registrations under one secret; instances cache the derived keys and the
    filters of names already seen."""

    def __init__(self, secret: bytes) -> None:
        self.keys = Keys(secret)
        self._fields = {
            f: _FilterMaker(self.keys.key(f"bloom/{f}"), bits) for f, bits in FILTER_BITS.items()
        }
        self._token_key = self.keys.key("tokens")
        self._flip_key = self.keys.key("flips")
        self._token_cache: dict[str, str] = {}

    def token(self, kind: str, value: str) -> str:
        text = f"{kind}:{value}"
        found = self._token_cache.get(text)
        if found is None:
            found = hmac.new(self._token_key, text.encode(), hashlib.sha256).hexdigest()[:16]
            self._token_cache[text] = found
        return found

    def _block(self, value: str) -> str:
        """Blocking keys: keyed like the tokens, shorter, under their own prefix."""
        return self.token("block", value)[:12]

    def encode_set(self, records: Sequence[Registration], *, hardened: bool = True) -> EncodedSet:
        """Encodings of `records` as arrays.

        `hardened=False` gives plain Bloom filters; it exists only so the attack test and the
        benchmark can compare, and is never written by the CLI.
        """
        encoded = EncodedSet.empty([r.record_id for r in records], self.keys.check_value())
        values: dict[str, list[tuple[str, ...]]] = {key: [] for key in FILTER_BITS}
        for row, record in enumerate(records):
            names = _name_fields(record)
            for field, name in names.items():
                values[f"{field}_latin"].append(name.full)
                values[f"{field}_skeleton"].append(name.skeleton)
            document = _document(record.document_number)
            values["document"].append((document,) if document else ())
            self._other_tokens(encoded, row, record, names)
        for key, column in values.items() if records else ():
            # Each distinct value is hashed once, then copied to its rows in one step.
            distinct = {value: index for index, value in enumerate(dict.fromkeys(column))}
            table = np.stack([self._fields[key].filter(value) for value in distinct])
            encoded.bloom[key][:] = table[[distinct[value] for value in column]]
            encoded.has_bloom[key][:] = [bool(value) for value in column]
        if hardened:
            self._randomize(encoded)
        encoded.index_blocks()
        return encoded

    def _other_tokens(
        self, encoded: EncodedSet, row: int, record: Registration, names: dict[str, NameTokens]
    ) -> None:
        values = encoded.tokens
        if record.sex:
            values["sex"][row] = self.token("sex", record.sex)
        if record.nationality:
            values["nationality"][row] = self.token("nat", record.nationality)
            group = next((sorted(g)[0] for g in CONFUSION_GROUPS if record.nationality in g), "")
            values["nationality_group"][row] = self.token("natgroup", group or record.nationality)
        year = record.birth_year()
        blocks = []
        if year is not None:
            value, exact = year
            values["year"][row] = self.token("year", str(value))
            encoded.year_window[row] = [
                self.token("year", str(value + d)) for d in range(-YEAR_WINDOW, YEAR_WINDOW + 1)
            ]
            if exact and record.birth_date is not None:
                values["birth_date"][row] = self.token("dob", record.birth_date.isoformat())
                blocks.append(self._block(f"dob:{record.birth_date.isoformat()}"))
        if document := _document(record.document_number):
            blocks.append(self._block(f"doc:{document}"))
        skeletons = sorted(set(names["all_names"].skeleton))
        pairs = (
            ["|".join(p) for p in itertools.combinations(skeletons, 2)]
            if len(skeletons) > 1
            else skeletons
        )
        blocks.extend(self._block(f"{record.sex}|{p}") for p in pairs)
        encoded.record_blocks.append(sorted(set(blocks)))

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
                    record_id.encode(), key=self._flip_key, person=f"flips{k}".encode(),
                    digest_size=64,
                ).digest()
                for record_id in encoded.ids
                for k in range(rounds)
            ),
            dtype="<u2",
        ).reshape(len(encoded.ids), -1)
        offset = 0
        rows = np.arange(len(encoded.ids))[:, None]
        for array, width, count in zip(encoded.bloom.values(), widths, flips, strict=True):
            bits = stream[:, offset : offset + count].astype(np.int64) % width
            offset += count
            masks = np.left_shift(np.uint64(1), (bits % 64).astype(np.uint64))
            np.bitwise_xor.at(array, (np.broadcast_to(rows, bits.shape), bits // 64), masks)
