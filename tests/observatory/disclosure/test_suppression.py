"""Small-cell suppression attacked by a reader with an integer-programming solver."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings

from routecare.errors import InvalidInput
from routecare.observatory.disclosure.suppression import protect_counts
from tests.observatory.attacker import pinned_below
from tests.observatory.tables import (
    count_tables,
    naive_suppression,
    random_counts,
    with_margins,
)

K = 11


def released_rows(table):
    return [(cell.key, cell.count) for cell in table.cells]


def check_release(counts: dict, sizes: list[int], k: int) -> None:
    table = protect_counts(counts, [f"d{axis}" for axis in range(len(sizes))], k)
    truth = with_margins(counts, sizes)
    rows = released_rows(table)
    assert {key for key, _ in rows} == set(truth), "every cell and every margin is released"
    for cell in table.cells:
        if cell.suppressed:
            assert cell.count is None and truth[cell.key] >= 1
        else:
            assert cell.count == truth[cell.key]
            assert cell.count == 0 or cell.count >= k, "a small cell was published"
    assert pinned_below(rows, truth, k) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count_tables())
def test_no_suppressed_cell_can_be_proven_small(table: tuple[dict, list[int]]) -> None:
    counts, sizes = table
    check_release(counts, sizes, K)


@pytest.mark.parametrize("seed", range(4))
def test_random_three_and_four_dimension_tables_resist_the_solver(seed: int) -> None:
    rng = random.Random(seed)
    sizes = [rng.randint(3, 4), 3, rng.randint(2, 3)] + [2] * (seed % 2)
    check_release(random_counts(rng, sizes), sizes, K)


def test_the_naive_heuristic_lets_a_solver_pin_cells() -> None:
    """Hiding the next smallest cell of each line leaves 3-D tables open: the same reader
    pins a small cell in one of them, where the LP-chosen suppression holds."""
    for seed in range(20):
        rng = random.Random(seed)
        sizes = [3, 3, 3]
        counts = random_counts(rng, sizes, fill=0.6)
        truth = with_margins(counts, sizes)
        hidden = naive_suppression(truth, K)
        rows = [(key, None if key in hidden else value) for key, value in truth.items()]
        if pinned_below(rows, truth, K):
            check_release(counts, sizes, K)
            return
    pytest.fail("the naive heuristic resisted every table")


def test_margins_that_are_small_are_suppressed_too() -> None:
    table = protect_counts(
        {("GIN", "female"): 4, ("GIN", "male"): 3, ("NER", "male"): 50}, ["nationality", "sex"], K
    )
    by_key = {cell.key: cell for cell in table.cells}
    assert by_key[("GIN", "All")].suppressed
    assert by_key[("All", "female")].suppressed
    assert by_key[("NER", "female")].count == 0


@pytest.mark.parametrize(
    ("counts", "dimensions", "k", "message"),
    [
        ({("a",): 3}, ["x"], 1, "k must be"),
        ({("a",): 3}, ["x"], 0, "k must be"),
        ({("a",) * 5: 3}, ["a", "b", "c", "d", "e"], 11, "1 to 4 dimensions"),
        ({("a", "b"): 3}, ["x"], 11, "2 values for 1"),
        ({("All",): 3}, ["x"], 11, "'All'"),
        ({("a",): -1}, ["x"], 11, "non-negative"),
        ({("a",): 3}, ["x", "x"], 11, "named twice"),
        ({(str(i), str(i)): 1 for i in range(400)}, ["x", "y"], 11, "more than 100,000"),
    ],
)
def test_bad_input_is_refused(counts, dimensions, k, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        protect_counts(counts, dimensions, k)
