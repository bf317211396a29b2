"""Small-cell suppression with complementary (secondary) cells chosen by linear programming and
every suppressed cell audited before the table leaves.

Primary: every cell, interior or margin, counting 1 to k−1 children. Zero cells are published:
they describe no child, and publishing them is what lets a reader (and our audit) know that
every suppressed cell holds at least one. Secondary: for each primary cell whose largest
provable value is still below k, a linear program (the incremental-attacker model tau-argus's
optimal method is built on) finds the cheapest set of further cells whose hiding lets the
table be re-balanced with that cell raised to k; they are suppressed and the cell re-audited
with an integer program. Suppressing only widens what a reader cannot know, so a cell once
protected stays protected, and the last audit covers every primary cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from routecare.errors import InvalidInput
from routecare.observatory.disclosure.audit import attacker_model, bound, feasible_intervals
from routecare.observatory.disclosure.hypercube import Hypercube, build_hypercube

MARGIN_COST = 4.0  # hiding a margin costs readers more than hiding a cell


@dataclass(frozen=True)
class ProtectedCell:
    key: tuple[str, ...]  # one value per dimension; "All" for a margin
    count: int | None  # None when suppressed
    suppressed: bool


@dataclass(frozen=True)
class ProtectedTable:
    dimensions: tuple[str, ...]
    k: int
    cells: tuple[ProtectedCell, ...]  # interior cells and every margin, grand total last


def protect_counts(
    counts: Mapping[tuple[str, ...], int], dimensions: Sequence[str], k: int
) -> ProtectedTable:
    """The table of `counts` (interior cells; zero cells may be absent) with all its margins,
    every cell of 1..k−1 suppressed with complementary cells, audited so that no reader of the
    published cells can prove a suppressed cell is below k. Raises InvalidInput on k < 2, more
    than four dimensions, keys that do not fit or negative counts."""
    check_threshold(k)
    cube = build_hypercube(counts, dimensions)
    suppressed = protect(cube, k)
    return ProtectedTable(
        dimensions=cube.dimensions,
        k=k,
        cells=tuple(
            ProtectedCell(key=key, count=None if hidden else int(value), suppressed=bool(hidden))
            for key, value, hidden in zip(cube.keys, cube.values, suppressed, strict=True)
        ),
    )


def check_threshold(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise InvalidInput("k must be an integer of at least 2 (a count of 1 is one child)")


def primary_cells(cube: Hypercube, k: int) -> np.ndarray:
    return (cube.values >= 1) & (cube.values < k)


def protect(cube: Hypercube, k: int) -> np.ndarray:
    """Which cells to suppress (a boolean per cell), primary and complementary, audited."""
    suppressed = primary_cells(cube, k)
    # The cells closest to zero need the widest cover: protect them first, and later cells
    # often find themselves already covered.
    for cell in sorted(np.flatnonzero(suppressed), key=lambda index: cube.values[index]):
        if _protected(cube, suppressed, cell, k):
            continue
        for integer in (False, True):
            suppressed |= _complements(cube, suppressed, cell, k, integer=integer)
            if _protected(cube, suppressed, cell, k):
                break
        else:  # pragma: no cover - the integer model's solution always passes
            raise RuntimeError("secondary suppression failed its own audit")
    return suppressed


def audit(cube: Hypercube, suppressed: np.ndarray, k: int) -> dict[int, tuple[float, float]]:
    """The feasible interval of every primary cell; raises if one cannot reach k."""
    intervals = feasible_intervals(cube, suppressed, np.flatnonzero(primary_cells(cube, k)))
    if any(high < k for _, high in intervals.values()):
        raise RuntimeError("a suppressed cell can be proven below k")
    return intervals


def _protected(cube: Hypercube, suppressed: np.ndarray, cell: int, k: int) -> bool:
    return bound(attacker_model(cube, suppressed), cell, upper=True) >= k


def _complements(
    cube: Hypercube, suppressed: np.ndarray, cell: int, k: int, *, integer: bool
) -> np.ndarray:
    """The cheapest cells to hide so that the table can be re-balanced with `cell` raised to k.

    Variables: for every non-zero cell an upward and a downward change (down to 1 at most);
    the changes keep every margin equal to the sum of its parts; `cell` rises by k − value.
    Already hidden cells change for free, published ones cost per unit, margins more."""
    movable = np.flatnonzero(cube.values > 0)
    count = len(movable)
    matrix = cube.equations[:, movable]
    cost = np.where(suppressed[movable], 0.0, 1.0 + MARGIN_COST * cube.margin_levels[movable])
    cost += np.where(suppressed[movable], 0.0, np.log1p(cube.values[movable]) / 8)
    lower = np.zeros(2 * count)
    upper = np.concatenate([np.full(count, np.inf), cube.values[movable] - 1.0])
    position = int(np.searchsorted(movable, cell))
    lower[position] = k - cube.values[cell]
    upper[count + position] = 0.0
    result = milp(
        np.concatenate([cost, cost]),
        constraints=[LinearConstraint(np.hstack([matrix.toarray(), -matrix.toarray()]), 0, 0)],
        bounds=Bounds(lower, upper),
        integrality=np.full(2 * count, 1 if integer else 0),
    )
    if result.status != 0:
        raise RuntimeError(f"secondary suppression could not solve its model: {result.message}")
    change = result.x[:count] + result.x[count:]
    chosen = np.zeros(len(cube.values), dtype=bool)
    chosen[movable[change > 1e-7]] = True
    return chosen
