"""Count tables for the disclosure tests: generated interior cells and their true margins,
computed here by plain summing (not by the product's code)."""

from __future__ import annotations

import random
from itertools import product

from hypothesis import strategies as st

ALL = "All"


def with_margins(counts: dict[tuple[str, ...], int], sizes: list[int]) -> dict:
    """Every key of the full table (categories from `sizes`, `All` for margins) → true count."""
    labels = [[f"v{index}" for index in range(size)] + [ALL] for size in sizes]
    return {
        key: sum(
            value
            for cell, value in counts.items()
            if all(part in (ALL, actual) for part, actual in zip(key, cell, strict=True))
        )
        for key in product(*labels)
    }


def random_counts(rng: random.Random, sizes: list[int], fill: float = 0.8) -> dict:
    """A sparse table where small counts are common, as in real case data."""
    return {
        key: rng.choice([1, 1, 2, 3, 5, 8, 12, 20, 40])
        for key in product(*[[f"v{index}" for index in range(size)] for size in sizes])
        if rng.random() < fill
    }


@st.composite
def count_tables(draw: st.DrawFn) -> tuple[dict, list[int]]:
    """1 to 4 dimensions, every category used at least once, counts skewed small."""
    dimensions = draw(st.integers(1, 4))
    sizes = [draw(st.integers(2, 4 if dimensions <= 3 else 3)) for _ in range(dimensions)]
    keys = list(product(*[[f"v{index}" for index in range(size)] for size in sizes]))
    values = draw(
        st.lists(
            st.one_of(st.integers(0, 12), st.integers(13, 60)),
            min_size=len(keys),
            max_size=len(keys),
        )
    )
    counts = {key: value for key, value in zip(keys, values, strict=True) if value}
    for axis, size in enumerate(sizes):  # keep every category present, as data would
        for index in range(size):
            if not any(key[axis] == f"v{index}" for key in counts):
                counts[next(key for key in keys if key[axis] == f"v{index}")] = 1
    return counts, sizes


def naive_suppression(truth: dict, k: int) -> set:
    """The heuristic tau-argus replaced: hide small cells, then, while some line (a margin and
    its parts along one dimension) has exactly one hidden cell, hide its smallest other
    non-zero cell."""
    hidden = {key for key, value in truth.items() if 1 <= value < k}
    lines = []
    for key in truth:
        for axis, part in enumerate(key):
            if part == ALL:
                lines.append(
                    [key]
                    + [
                        other
                        for other in truth
                        if other[axis] != ALL and _same_except(other, key, axis)
                    ]
                )
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(key in hidden for key in line) == 1:
                candidates = [key for key in line if key not in hidden and truth[key] > 0]
                if candidates:
                    hidden.add(min(candidates, key=lambda key: truth[key]))
                    changed = True
    return hidden


def _same_except(one: tuple, other: tuple, axis: int) -> bool:
    return all(a == b for index, (a, b) in enumerate(zip(one, other, strict=True)) if index != axis)
