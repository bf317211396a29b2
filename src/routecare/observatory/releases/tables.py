"""A released table: every cell and margin with its count, or suppressed, or noisy.

Two ways to release counts, chosen per release. Without epsilon: exact counts under small-cell
suppression with audited complementary cells (`disclosure/suppression.py`). With epsilon:
every interior cell gets calibrated noise and the margins are sums of noisy cells; noisy
counts from 1 to k−1 are still hidden, but as post-processing of noisy values, since a reader
who recomputes a hidden value from the margins learns a noisy figure, never a true count.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product

from routecare.observatory.disclosure.hypercube import ALL, build_hypercube
from routecare.observatory.disclosure.suppression import check_threshold, protect_counts


@dataclass(frozen=True)
class ReleasedRow:
    key: tuple[str, ...]  # one value per dimension; "All" for a margin
    count: int | None  # None when suppressed
    suppressed: bool
    noise_scale: float | None  # Laplace scale of this figure's noise (None: exact)


@dataclass(frozen=True)
class ReleasedTable:
    dimensions: tuple[str, ...]
    k: int
    epsilon: float | None
    rows: tuple[ReleasedRow, ...]


def release_table(
    counts: Mapping[tuple[str, ...], int],
    dimensions: Sequence[str],
    k: int,
    epsilon: float | None = None,
    categories: Mapping[str, Sequence[str]] | None = None,
) -> ReleasedTable:
    """The table of `counts` as it may leave. `categories`: dimensions whose categories are
    fixed in advance (for noise, every combination of them is a cell, counted or not)."""
    check_threshold(k)
    if epsilon is None:
        protected = protect_counts(counts, dimensions, k)
        rows = tuple(
            ReleasedRow(cell.key, cell.count, cell.suppressed, None) for cell in protected.cells
        )
        return ReleasedTable(tuple(dimensions), k, None, rows)
    # OpenDP is loaded only for noisy releases (most batch releases are suppressed tables).
    from routecare.observatory.disclosure.noise import check_epsilon, noisy_counts

    check_epsilon(epsilon)
    noisy, scale = noisy_counts(every_cell(counts, dimensions, categories or {}), epsilon)
    cube = build_hypercube(noisy, dimensions)
    rows = tuple(
        ReleasedRow(
            key,
            None if 1 <= value < k else int(value),
            bool(1 <= value < k),
            # a margin adds up `cells` independent noises: the same spread as one of this scale
            scale * math.sqrt(_cells_under(key, cube.categories)),
        )
        for key, value in zip(cube.keys, cube.values, strict=True)
    )
    return ReleasedTable(tuple(dimensions), k, epsilon, rows)


def every_cell(
    counts: Mapping[tuple[str, ...], int],
    dimensions: Sequence[str],
    categories: Mapping[str, Sequence[str]],
) -> dict[tuple[str, ...], int]:
    """Every combination of categories, zero where no child is counted: which cells get noise
    must not depend on who is in the data."""
    labels = [
        sorted(set(categories.get(name, ())) | {key[axis] for key in counts})
        for axis, name in enumerate(dimensions)
    ]
    return {key: counts.get(key, 0) for key in product(*labels)}


def _cells_under(key: tuple[str, ...], categories: tuple[tuple[str, ...], ...]) -> int:
    return math.prod(
        len(values) for part, values in zip(key, categories, strict=True) if part == ALL
    )
