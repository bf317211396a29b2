"""A reader of a released table who tries to pin suppressed cells, written apart from the
product's own audit: it sees only the released rows (keys, counts, which are suppressed), writes
every margin = Σ parts equation it can read off them, knows that published zeros mean a
suppressed cell holds at least one child, and solves integer programs for each hidden cell."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

ALL = "All"
Row = tuple[tuple[str, ...], int | None]  # key, published count (None: suppressed)


def tightest_bounds(
    rows: Sequence[Row], targets: set | None = None
) -> dict[tuple[str, ...], tuple[float, float]]:
    """[min, max] the reader can prove for the suppressed keys in `targets` (all by default;
    max may be inf)."""
    known = dict(rows)
    hidden = [key for key, count in rows if count is None]
    column = {key: index for index, key in enumerate(hidden)}
    dimensions = len(rows[0][0])
    categories = [sorted({key[axis] for key, _ in rows} - {ALL}) for axis in range(dimensions)]
    matrix: list[np.ndarray] = []
    rhs: list[float] = []
    for key in known:
        for axis in range(dimensions):
            if key[axis] != ALL:
                continue
            row = np.zeros(len(hidden))
            constant = 0.0
            parts = [(*key[:axis], value, *key[axis + 1 :]) for value in categories[axis]]
            for term, sign in [(key, 1.0)] + [(part, -1.0) for part in parts]:
                value = known.get(term, 0)  # a key absent from the release is not a cell
                if value is None:
                    row[column[term]] += sign
                else:
                    constant += sign * value
            if row.any():
                matrix.append(row)
                rhs.append(-constant)
    constraints = (
        [LinearConstraint(np.array(matrix), np.array(rhs), np.array(rhs))] if matrix else []
    )
    result = {}
    for key in hidden if targets is None else [key for key in hidden if key in targets]:
        ends = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(hidden))
            objective[column[key]] = sign
            solved = milp(
                objective,
                constraints=constraints,
                bounds=Bounds(np.ones(len(hidden)), np.full(len(hidden), np.inf)),
                integrality=np.ones(len(hidden)),
            )
            if solved.status == 0:
                ends.append(round(float(solved.x[column[key]])))
            else:
                assert sign < 0, solved.message  # only the maximum may be unbounded
                ends.append(float("inf"))
        result[key] = (ends[0], ends[1])
    return result


def pinned_below(rows: Sequence[Row], truth: dict[tuple[str, ...], int], k: int) -> list:
    """The suppressed small cells a reader can prove are below k (each with its interval)."""
    small = {key for key, value in truth.items() if 1 <= value < k}
    return [
        (key, interval) for key, interval in tightest_bounds(rows, small).items() if interval[1] < k
    ]
