"""The supervised ceiling (tests/linkage/ceiling.py) behaves as a bound: its blocking keeps
nearly every true pair, and routecare's label-free `link` does not beat it on the same data.
The full measurement per variant is `bench/linkage/ceiling.py` (docs/linkage.md)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

from routecare.linkage.matching import Link, band_of, link
from tests.linkage.ceiling import PRECISION, best_recall, ceiling
from tests.linkage.helpers import encoded
from tests.linkage.route_data import generate
from tests.linkage.route_shapes import VARIANTS

SIZE = 300


def test_the_ceiling_keeps_nearly_every_true_pair_and_is_not_beaten_by_routecare() -> None:
    shape = VARIANTS["default"]
    test = generate(SIZE, seed=1, shape=shape)
    # One OpenMP thread: under pytest (and one worker per core with xdist) the classifier's
    # threads spin against each other, 0.8 s becoming a minute on the 2-core machine.
    with threadpool_limits(limits=1):
        found = ceiling(generate(SIZE, seed=101, shape=shape), test)
    left, right, truth = test
    assert found.true_pairs == len(truth)
    assert found.kept >= 0.95 * len(truth)
    ours, _ = best_recall(link(encoded(left), encoded(right), 0.1), truth)
    assert found.recall >= ours > 0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 9), st.integers(0, 9), st.booleans()),
        max_size=30,
        unique_by=lambda link: link[0],
    ),
    st.integers(0, 5),
)
def test_best_recall_is_the_highest_recall_of_any_cut_at_the_precision(
    drawn: list[tuple[int, int, bool]], missed: int
) -> None:
    """Against every cut tried one by one (scores from 0.0 to 0.9 so that cuts tie)."""
    links = [
        Link(f"N{k}", f"I{k}" if right else f"X{k}", s / 10, band_of(s / 10))
        for k, s, right in drawn
    ]
    truth = {(f"N{k}", f"I{k}") for k, _, right in drawn if right}
    truth |= {(f"M{k}", f"J{k}") for k in range(missed)}  # true pairs no link found
    expected = 0.0
    for cut in {lk.score for lk in links}:
        kept = [lk for lk in links if lk.score >= cut]
        hits = sum((lk.left_id, lk.right_id) in truth for lk in kept)
        if hits >= PRECISION * len(kept):
            expected = max(expected, hits / max(len(truth), 1))
    recall, cut = best_recall(links, truth)
    assert recall == expected
    if recall:
        kept = [lk for lk in links if lk.score >= cut]
        assert sum((lk.left_id, lk.right_id) in truth for lk in kept) >= PRECISION * len(kept)
