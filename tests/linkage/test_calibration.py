"""Scores mean what they say on route data shaped unlike the default generator: on every
variant of the family (`route_shapes.VARIANTS`), links scored at or above p are right at
least p − 0.05 of the time (every p from 0.1 to 0.95 in steps of 0.05), and `probable`
keeps its precision; `linkage dedupe` does not merge namesakes. Nothing in the model is set
on a variant: it learns each one without labels."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from routecare.linkage import calibration
from routecare.linkage.calibration import (
    LOWEST,
    Messages,
    exclusive_odds,
    matched_records,
    one_to_one_marginals,
    pair_odds,
)
from routecare.linkage.dedupe import dedupe, scored_duplicates
from routecare.linkage.matching import THRESHOLDS, Link, band_of, link
from routecare.linkage.model import Side
from tests.linkage.helpers import encoded, registration
from tests.linkage.reliability import reliability
from tests.linkage.route_data import generate
from tests.linkage.route_shapes import VARIANTS

SIZE = 1500
TOLERANCE = 0.05
# Where precision at `probable` reaches 0.95 and recall 0.45 (docs/linkage.md). On "sparse" a
# fifth of the children cross, so the few wrong links (a child who never crossed and a
# namesake of the same place and age) weigh more: precision there is 0.94-0.99 by seed at
# 2,000, calibrated within the tolerance. On "namesakes" (twins, cousins named after their
# grandfather, six family names) fewer children can be told apart from a look-alike, so
# recall is lower (0.36-0.37 at 2,000); on "sparse" it is 0.48-0.53 by seed. "estimated"
# reaches 0.469 here.
PRECISION_HOLDS = [name for name in VARIANTS if name != "sparse"]
RECALL_HOLDS = [name for name in VARIANTS if name not in ("sparse", "namesakes")]


@pytest.fixture(scope="module", params=list(VARIANTS))
def variant(request: pytest.FixtureRequest) -> tuple[str, list[Link], set[tuple[str, str]]]:
    left, right, truth = generate(SIZE, seed=3, shape=VARIANTS[request.param])
    return request.param, link(encoded(left), encoded(right), 0.1), truth


def test_links_scored_at_least_p_are_right_at_least_p_of_the_time(
    variant: tuple[str, list[Link], set[tuple[str, str]]],
) -> None:
    name, links, truth = variant
    measured = reliability(links, truth)
    # At every p from 0.1 to 0.95 in steps of 0.05, the thresholds among them.
    assert measured.worst_shortfall <= TOLERANCE, (name, measured.worst_shortfall)
    if name in PRECISION_HOLDS:
        assert measured.precision["probable"] >= 0.95, (name, measured.precision)
    if name in RECALL_HOLDS:
        assert measured.recall["probable"] >= 0.45, (name, measured.recall)


def test_scores_are_close_to_observed_precision(
    variant: tuple[str, list[Link], set[tuple[str, str]]],
) -> None:
    """The expected calibration error over the links scored 0.1 and above stays small."""
    name, links, truth = variant
    assert reliability(links, truth).expected_calibration_error <= 0.15, name


def test_few_children_crossing_does_not_inflate_scores() -> None:
    """Where a fifth of the children reach the other side, a prior learned as a share of
    blocked candidates made every score too high (precision 0.77 at `probable`)."""
    left, right, truth = generate(2000, seed=1, shape=VARIANTS["sparse"])
    measured = reliability(link(encoded(left), encoded(right), 0.5), truth)
    for band, cut in THRESHOLDS.items():
        assert measured.precision[band] >= cut + TOLERANCE, (band, measured.precision)


@pytest.mark.parametrize("shape", ["namesakes", "sparse"])
def test_dedupe_does_not_merge_namesakes(shape: str) -> None:
    """One organisation's registrations full of twins, cousins and namesakes ("namesakes"),
    or of siblings and cousins of which few are registered twice ("sparse", where two in
    five merged pairs were relatives before the prior over all pairs): the records `dedupe`
    puts together at `probable` are the same child, and its scores are calibrated."""
    left, right, truth = generate(1000, seed=5, shape=VARIANTS[shape])
    records = [registration(row) for row in left + right]
    same = truth | {(b, a) for a, b in truth}
    clusters = dedupe(records)
    members: dict[int, list[str]] = {}
    for record_id, cluster in clusters.items():
        members.setdefault(cluster, []).append(record_id)
    merged = [(a, b) for ids in members.values() for a in ids for b in ids if a < b]
    assert merged
    # 0.895-0.931 over runs on "sparse" (the flips are random per run; 0.876 seen with the
    # former competition): 0.85 keeps the test stable; before the prior over all pairs it was
    # 0.60. Precision at `probable` is under the 0.95 of links there (docs/linkage.md).
    assert sum(pair in same for pair in merged) >= 0.85 * len(merged)
    scored = [Link(a, b, s, band_of(s)) for a, b, s in scored_duplicates(records, 0.1)]
    measured = reliability(scored, same)  # either order is right: recall is not read
    assert measured.worst_shortfall <= TOLERANCE, measured.worst_shortfall  # every p


def _exact_marginals(pairs: list[tuple[int, int, float]], same_set: bool) -> list[float]:
    """Each pair's probability under the one-to-one model, by enumerating every matching:
    a set of pairs no two of which share a record, weighted by the product of their odds."""
    node = (lambda side, r: r) if same_set else (lambda side, r: (side, r))
    total, inside = 0.0, [0.0] * len(pairs)
    for chosen in itertools.product((False, True), repeat=len(pairs)):
        used = [
            x for k, (a, b, _) in enumerate(pairs) if chosen[k] for x in (node(0, a), node(1, b))
        ]
        if len(used) != len(set(used)):
            continue
        weight = float(np.prod([o for k, (_, _, o) in enumerate(pairs) if chosen[k]]))
        total += weight
        for k in range(len(pairs)):
            inside[k] += weight if chosen[k] else 0.0
    return [x / total for x in inside]


@st.composite
def forests(draw: st.DrawFn) -> tuple[list[tuple[int, int, float]], bool]:
    """Candidate pairs that form no cycle (a forest of records), with their odds."""
    same_set = draw(st.booleans())
    parent: dict[object, object] = {}

    def root(x: object) -> object:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    pairs = []
    for a, b, odds in draw(
        st.lists(
            st.tuples(st.integers(0, 5), st.integers(0, 5), st.floats(0.0, 1e4)),
            min_size=1,
            max_size=11,
        )
    ):
        if same_set and a >= b:
            continue
        ends = (a, b) if same_set else ((0, a), (1, b))
        if root(ends[0]) != root(ends[1]):
            parent[root(ends[0])] = root(ends[1])
            pairs.append((a, b, odds))
    assume(pairs)
    return pairs, same_set


@settings(max_examples=60, deadline=None)
@given(forests())
def test_exclusive_odds_are_the_one_to_one_posteriors(
    drawn: tuple[list[tuple[int, int, float]], bool],
) -> None:
    """Where the candidate pairs form no cycle, each pair's exclusive score is exactly its
    probability when every record is at most one child (checked against every matching).
    The former o / (1 + the larger of its records' summed odds) fails: it counts a namesake
    that is itself another child's match as a full competitor."""
    pairs, same_set = drawn
    li, ri = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    found = exclusive_odds(li, ri, np.array([p[2] for p in pairs]), same_set=same_set)
    expected = _exact_marginals(pairs, same_set)
    assert found == pytest.approx(expected, abs=1e-4)


# A chain of eight strong pairs, which hypothesis found: thirty damped rounds left it 1e-4 off.
CHAIN = [(0, 1, 98.0), (0, 2, 2555.0), (2, 0, 931.0), (3, 0, 3239.0), (3, 4, 53.0)]
CHAIN += [(1, 1, 4.0), (1, 4, 26.0), (4, 2, 59.0)]


@settings(max_examples=40, deadline=None)
@given(forests(), st.lists(st.floats(0.0, 1e4), min_size=11, max_size=11))
@example((CHAIN, False), [0.0] * 11)
def test_warm_started_marginals_are_the_one_to_one_posteriors(
    drawn: tuple[list[tuple[int, int, float]], bool], earlier: list[float]
) -> None:
    """`refine` starts each round's belief propagation from the last round's messages,
    computed for other odds: the marginals reached are still the exact ones."""
    pairs, same_set = drawn
    li, ri = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    records = max(int(li.max()), int(ri.max())) + 1 if same_set else 0
    left, right = Side.of(li, records), Side.of(ri, records)
    messages = Messages.none(len(pairs))
    one_to_one_marginals(
        np.array(earlier[: len(pairs)]), left, right, same_set=same_set, messages=messages
    )
    odds = np.array([p[2] for p in pairs])
    found = one_to_one_marginals(odds, left, right, same_set=same_set, messages=messages)
    assert found == pytest.approx(_exact_marginals(pairs, same_set), abs=1e-4)


def test_marginals_do_not_depend_on_how_the_rounds_are_split(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Large sets run each round a chunk at a time on one thread per core: the same
    marginals, to the last bit, as one chunk after another on one thread."""
    rng = np.random.default_rng(7)
    li, ri = rng.integers(0, 3000, 40_000), rng.integers(0, 3000, 40_000)
    odds = rng.lognormal(-2.0, 3.0, 40_000)
    alone = exclusive_odds(li, ri, odds)
    monkeypatch.setattr(calibration, "CHUNK", 1000)
    monkeypatch.setattr(calibration, "THREADED", 1)
    assert np.array_equal(exclusive_odds(li, ri, odds), alone)


def test_a_namesake_matched_elsewhere_does_not_take_the_childs_score() -> None:
    """Aminata (left 0) is Aminata (right 0); her namesake on the right (1) is as alike to
    her but is certainly the other Aminata (left 1), who has no other candidate. The
    namesake is explained away: the true pair stays `probable` (0.5 before)."""
    li, ri = np.array([0, 0, 1]), np.array([0, 1, 1])
    found = exclusive_odds(li, ri, np.array([100.0, 100.0, 1e4]))
    assert found[0] >= THRESHOLDS["probable"]
    assert found[1] < 0.05


def test_route_f1_at_the_issues_sizes() -> None:
    """Route F1 at `probable` holds 0.70 at 4,000 × 4,000 (issue 15; 0.679 with the former
    competition, which counted matched namesakes as full competitors)."""
    left, right, truth = generate(4000, seed=1)
    measured = reliability(link(encoded(left), encoded(right)), truth)
    assert measured.f1("probable") >= 0.70, (measured.precision, measured.recall)
    assert measured.precision["probable"] >= 0.95


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.0, 1e6), min_size=1, max_size=30),
    st.integers(1, 40),
)
def test_matched_records_stay_between_none_and_every_record(
    ratios: list[float], extra: int
) -> None:
    left_records = len(ratios)
    right_records = len(ratios) + extra
    totals = [np.array(ratios), np.array(ratios + [0.0] * extra)]
    matched = matched_records(totals, left_records, right_records)
    assert LOWEST <= matched <= min(left_records, right_records)
    assert pair_odds(matched, left_records, right_records) > 0
