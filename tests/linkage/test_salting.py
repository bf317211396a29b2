"""Salting (`linkage/salting.py`): within a salt the filters keep every similarity the
comparison reads; across salts a bigram's bits are elsewhere."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from routecare.linkage.salting import permutation, salted

KEY = b"k" * 32
WORD = st.integers(0, 2**64 - 1)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(WORD, WORD, WORD, WORD), min_size=2, max_size=8),
    st.lists(st.sampled_from(["", "dl", "jl", "tr"]), min_size=8, max_size=8),
)
def test_within_a_salt_similarities_hold(rows: list[tuple[int, ...]], salts: list[str]) -> None:
    filters = np.array(rows, dtype=np.uint64)
    out = salted(filters, salts[: len(rows)], KEY)
    sizes = np.bitwise_count(filters).sum(axis=1)
    assert (np.bitwise_count(out).sum(axis=1) == sizes).all()
    for i in range(len(rows)):
        for j in range(len(rows)):
            if salts[i] == salts[j]:
                common = np.bitwise_count(filters[i] & filters[j]).sum()
                assert np.bitwise_count(out[i] & out[j]).sum() == common


def test_each_salt_moves_the_bits_elsewhere() -> None:
    """The same filter under two salts shares about as many bits as two unrelated ones."""
    one_bigram = np.zeros((2, 4), dtype=np.uint64)
    one_bigram[:, 0] = np.uint64(0xFF)  # eight bits, as one bigram sets
    out = salted(one_bigram, ["dl", "jl"], KEY)
    assert np.bitwise_count(out[0] & out[1]).sum() <= 2
    assert sorted(permutation(KEY, "dl", 256).tolist()) == list(range(256))
    assert (permutation(KEY, "dl", 256) != permutation(b"other key" * 4, "dl", 256)).any()
