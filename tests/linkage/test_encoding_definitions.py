"""The encoding's fast paths give, byte for byte, what its definitions say (scheme
`routecare-pprl/3`): partners on older releases must keep linking with new ones."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from routecare.linkage.encoding import FLIP_PROBABILITY, Encoder
from routecare.linkage.names import LATIN_RULES, _fold_latin
from routecare.linkage.records import Registration

ENCODER = Encoder(b"partners secret 0123456789")
CHILD = Registration(
    "r-1", "Mamadou", "Ibrahima", "Diallo", "m", None, 15, date(2025, 6, 1), "GIN", "Labé", "Bah"
)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=14))
def test_a_document_number_encodes_as_its_letters_and_digits_in_lower_case(number: str) -> None:
    kept = "".join(c for c in number.lower() if c.isalnum())  # the definition
    as_typed = ENCODER.encode_set([replace(CHILD, document_number=number)]).record(0)
    as_defined = ENCODER.encode_set([replace(CHILD, document_number=kept)]).record(0)
    assert as_typed == as_defined


def _flipped_by_definition(clean: np.ndarray, record_id: str, field_index: int) -> np.ndarray:
    """Randomized response as the scheme defines it: BLAKE2b keyed with the flips key, one
    64-byte digest per round (`person` b"flips<round>") of the record id; 2 bytes
    (little-endian) per flipped bit, filters in FILTER_BITS order, each bit position taken
    modulo the filter's width; a bit drawn twice flips back."""
    key = ENCODER.keys.key("flips")
    widths = [a.shape[1] * 64 for a in ENCODER.encode_set([CHILD], hardened=False).bloom.values()]
    flips = [round(FLIP_PROBABILITY * w) for w in widths]
    rounds = -(-sum(flips) * 2 // 64)
    stream = b"".join(
        hashlib.blake2b(
            record_id.encode(), key=key, person=f"flips{k}".encode(), digest_size=64
        ).digest()
        for k in range(rounds)
    )
    start = sum(flips[:field_index])
    bits = np.unpackbits(clean.view(np.uint8), bitorder="little")
    for k in range(start, start + flips[field_index]):
        bits[int.from_bytes(stream[2 * k : 2 * k + 2], "little") % widths[field_index]] ^= 1
    return np.packbits(bits, bitorder="little").view(np.uint64)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=4, unique=True))
def test_each_records_flips_are_the_keyed_stream_of_its_id(ids: list[str]) -> None:
    records = [replace(CHILD, record_id=i) for i in ids]
    clean = ENCODER.encode_set(records, hardened=False)
    hardened = ENCODER.encode_set(records)
    for field_index, field in enumerate(clean.bloom):
        for row, record_id in enumerate(ids):
            expected = _flipped_by_definition(clean.bloom[field][row], record_id, field_index)
            assert np.array_equal(hardened.bloom[field][row], expected)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdeghijkloqstuwxy", max_size=10) | st.text(max_size=8))
def test_latin_folding_skips_only_rules_that_cannot_match(token: str) -> None:
    """`_fold_latin` runs a rule only when its letters are in the token; every rule in
    turn, unconditionally, is the definition."""
    folded = token
    for _, pattern, replacement in LATIN_RULES:
        folded = pattern.sub(replacement, folded)
    assert _fold_latin(token) == folded
