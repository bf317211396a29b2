"""Privacy-preserving encodings of registrations, made locally with a secret shared by partners.

Scheme `routecare-pprl/1`, following Schnell, Borgs & Encheva (2016, "Hardening encrypted patient
names against cryptographic attacks using cell or attribute level Bloom filters in record
linkage") for attribute-level filters and Schnell & Borgs (2016, "Randomized response and
balanced Bloom filters for privacy preserving record linkage") for the randomized response:

- one Bloom filter per name field (attribute-level) and form — canonical Latin spelling, and
  consonant skeleton (the only form Arabic script gives) — with bigrams hashed by HMAC-SHA256
  under a field key derived from the secret by HKDF, so fields cannot be cross-analysed, and
  bits shuffled by a keyed permutation;
- **randomized response**: each bit flips with probability 2 %, seeded by the secret and the
  record id, so two children with the same name get different encodings (frequency alignment
  finds nothing to align) while the same registration always encodes the same way. Balancing
  was tried and dropped: on short names it compressed similarities so much that true pairs
  spelled differently could not be told from strangers;
- other fields as keyed tokens (sex, nationality and its confusion group, birth-year window,
  exact date of birth); blocking keys are keyed hashes of pairs of name skeletons.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import random
from dataclasses import dataclass

import numpy as np
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from routecare.linkage.names import NameTokens, normalise
from routecare.linkage.records import Registration

SCHEME = "routecare-pprl/1"
NAME_FIELDS = ("given", "father", "family", "all_names", "mother", "birth_place")
FILTER_BITS = {**{f: 256 for f in NAME_FIELDS}, "all_names": 512}
FILTER_BITS = {
    f"{field}{form}": FILTER_BITS[field] for field in NAME_FIELDS for form in ("", "_skeleton")
}
HASHES_PER_GRAM = 8
FLIP_PROBABILITY = 0.02
YEAR_WINDOW = 2  # estimated ages are rarely more than two years off
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


class Encoder:
    """Encodes registrations under one secret; instances cache the derived keys."""

    def __init__(self, secret: bytes) -> None:
        self.keys = Keys(secret)
        self._field_keys = {f: self.keys.key(f"bloom/{f}") for f in FILTER_BITS}
        self._token_key = self.keys.key("tokens")
        self._block_key = self.keys.key("blocks")
        self._flip_key = self.keys.key("flips")
        self._position_cache: dict[str, dict[str, tuple[int, ...]]] = {}
        self._permutations = {
            f: random.Random(self.keys.key(f"permutation/{f}")).sample(range(bits), bits)
            for f, bits in FILTER_BITS.items()
        }

    def token(self, kind: str, value: str) -> str:
        return hmac.new(self._token_key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[
            :16
        ]

    def _positions(self, field: str, gram: str) -> tuple[int, ...]:
        """Bit positions of one bigram (double hashing over an HMAC), cached: names repeat."""
        cache = self._position_cache.setdefault(field, {})
        found = cache.get(gram)
        if found is None:
            bits = FILTER_BITS[field]
            digest = hmac.new(self._field_keys[field], gram.encode(), hashlib.sha256).digest()
            first = int.from_bytes(digest[:8], "big")
            second = int.from_bytes(digest[8:16], "big") | 1
            permutation = self._permutations[field]
            found = tuple(permutation[(first + i * second) % bits] for i in range(HASHES_PER_GRAM))
            cache[gram] = found
        return found

    def _bloom(
        self, field: str, tokens: tuple[str, ...], record_id: str, hardened: bool
    ) -> np.ndarray:
        bits = FILTER_BITS[field]
        vector = np.zeros(bits, dtype=bool)
        for gram in {g for t in tokens for g in _bigrams(t)}:
            vector[list(self._positions(field, gram))] = True
        if not hardened:
            return vector
        # Randomized response: FLIP_PROBABILITY of the bits, chosen by a keyed stream seeded
        # with the record id, so the same registration always flips the same bits.
        stream = hmac.new(self._flip_key, f"{record_id}/{field}".encode(), hashlib.sha256).digest()
        flips = [
            int.from_bytes(stream[2 * i : 2 * i + 2], "big") % bits
            for i in range(round(FLIP_PROBABILITY * bits))
        ]
        vector[flips] ^= True
        return vector

    def encode(self, record: Registration, *, hardened: bool = True) -> dict[str, object]:
        """One record's encoding: record id, Bloom filters (base64), tokens, blocking keys.

        `hardened=False` gives plain attribute-level Bloom filters; it exists only so the attack
        test and benchmark can compare, and is never written by the CLI.
        """
        given = normalise(record.given_name)
        father = normalise(record.father_name)
        family = normalise(record.family_name)
        everything = NameTokens(
            given.full + father.full + family.full,
            given.skeleton + father.skeleton + family.skeleton,
        )
        names = {
            "given": given,
            "father": father,
            "family": family,
            "all_names": everything,
            "mother": normalise(record.mother_name),
            "birth_place": normalise(record.birth_place),
        }
        filters = {}
        for field, name in names.items():
            for suffix, tokens in (("", name.full), ("_skeleton", name.skeleton)):
                if tokens:
                    vector = self._bloom(field + suffix, tokens, record.record_id, hardened)
                    filters[field + suffix] = base64.b64encode(np.packbits(vector)).decode()
        tokens: dict[str, object] = {}
        if record.sex:
            tokens["sex"] = self.token("sex", record.sex)
        if record.nationality:
            tokens["nationality"] = self.token("nat", record.nationality)
            group = next((sorted(g)[0] for g in CONFUSION_GROUPS if record.nationality in g), "")
            tokens["nationality_group"] = self.token("natgroup", group or record.nationality)
        year = record.birth_year()
        if year is not None:
            value, exact = year
            tokens["year"] = self.token("year", str(value))
            tokens["year_window"] = sorted(
                self.token("year", str(value + d)) for d in range(-YEAR_WINDOW, YEAR_WINDOW + 1)
            )
            if exact and record.birth_date is not None:
                tokens["birth_date"] = self.token("dob", record.birth_date.isoformat())
        skeletons = sorted(set(everything.skeleton))
        pairs = (
            ["|".join(p) for p in itertools.combinations(skeletons, 2)]
            if len(skeletons) > 1
            else skeletons
        )
        blocks = sorted(
            {hmac.new(self._block_key, p.encode(), hashlib.sha256).hexdigest()[:12] for p in pairs}
        )
        return {"id": record.record_id, "bloom": filters, "tokens": tokens, "blocks": blocks}


def _bigrams(token: str) -> list[str]:
    padded = f"_{token}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]
