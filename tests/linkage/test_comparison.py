"""Comparison levels are the Dice similarity of the filters cut into levels, whatever shortcut
computes them (level tables, reused buffers, pieces on threads); years of birth are levelled
by how many years apart they are."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from routecare.linkage.comparison import FIELDS, NAME_CUTS, compare
from routecare.linkage.encoded import EncodedSet
from routecare.linkage.encoding import Encoder
from routecare.linkage.records import Registration

BITS = st.sets(st.integers(0, 255), max_size=40)  # few bits: Dice lands exactly on the cuts too


def _side(filters: list[set[int]], field: str) -> EncodedSet:
    encoded = EncodedSet.empty([f"r{i}" for i in range(len(filters))])
    for name in (f"{field}_latin", f"{field}_skeleton"):
        encoded.has_bloom[name][:] = True
    for row, bits in enumerate(filters):
        for bit in bits:
            encoded.bloom[f"{field}_latin"][row, bit // 64] |= np.uint64(1 << (bit % 64))
    return encoded


def _expected(a: set[int], b: set[int]) -> int:
    dice = 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0
    return sum(dice >= cut for cut in NAME_CUTS)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(BITS, BITS), min_size=1, max_size=30),
    st.sampled_from(["given", "all_names"]),  # 256- and 512-bit filters
)
def test_name_levels_are_dice_cut_into_levels(pairs: list[tuple[set[int], set[int]]], field: str):
    left = _side([a for a, _ in pairs], field)
    right = _side([b for _, b in pairs], field)
    rows = np.arange(len(pairs))
    levels = compare(left, right, rows, rows)[:, FIELDS.index(field)]
    assert levels.tolist() == [_expected(a, b) for a, b in pairs]


def test_exact_cuts_reach_their_level() -> None:
    # 2 × 17 / 40 = 0.85 exactly: the top cut is reached; one bit fewer in common is not.
    a = set(range(20))
    top = len(NAME_CUTS)
    for common, level in ((17, top), (16, top - 1)):  # 0.80 reaches the next cut down (0.75)
        b = set(range(common)) | set(range(100, 100 + 20 - common))
        left, right = _side([a], "given"), _side([b], "given")
        zero = np.zeros(1, dtype=np.int64)
        assert compare(left, right, zero, zero)[0, FIELDS.index("given")] == level


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1990, 2025), st.integers(1990, 2025)), min_size=1))
def test_year_levels_say_how_many_years_apart(years: list[tuple[int, int]]) -> None:
    """3: the same year of birth, 2: one year apart, 1: two, 0: further (the right record's
    window of neighbouring years tells which), through real encodings of the years."""
    encoder = Encoder(b"a secret for the years")
    left, right = (
        encoder.encode_set([_born(f"{side}{i}", pair[k]) for i, pair in enumerate(years)])
        for k, side in ((0, "L"), (1, "R"))
    )
    rows = np.arange(len(years))
    levels = compare(left, right, rows, rows)[:, FIELDS.index("year")]
    assert list(levels) == [max(0, 3 - abs(a - b)) for a, b in years]


def _born(record_id: str, year: int) -> Registration:
    return Registration(
        record_id, "Awa", "Moussa", "Diallo", "f", date(year, 5, 1), None, None, "GIN", "", ""
    )
