"""Small-cell suppression with complementary (secondary) cells chosen by linear programming,
and every suppressed small cell proven protected before the table leaves.

Primary: every cell, interior or margin, counting 1 to k−1 children. Zero cells are published:
they describe no child, and publishing them is what lets a reader (and our audit) know that
every suppressed cell holds at least one. Secondary: for each small cell, a linear program
(the incremental-attacker model tau-argus's optimal method is built on) finds the cheapest
set of further cells whose hiding lets the table be re-balanced with that cell raised to k;
they are suppressed. The re-balanced whole-number table is the proof (a witness that a
reader cannot rule out); a fractional one sends the cell to integer programs instead.
Suppressing only widens what a reader cannot know, so a cell once proven stays proven.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from routecare.errors import InvalidInput
from routecare.observatory.disclosure.audit import (
    attacker_model,
    bound,
    feasible_intervals,
)
from routecare.observatory.disclosure.hypercube import Hypercube, build_hypercube
from routecare.observatory.disclosure.solver import WarmLinearProgram

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
    """Which cells to suppress (a boolean per cell), primary and complementary. Each primary
    cell is proven protected by a witness: a whole table, consistent with everything
    published, in which it holds at least k. One witness often covers several cells."""
    suppressed = primary_cells(cube, k)
    balance = _Balance(cube, suppressed, k)
    witnessed = np.zeros(len(cube.values), dtype=bool)
    # The cells closest to zero need the widest cover: protect them first, and later cells
    # often find themselves covered by their witnesses. Each linear program raises the first
    # unproven interior cell together with later ones that share no line or plane with it: one
    # witness then proves several cells (38 solves instead of 127, for 2 % more cells hidden, on the
    # benchmark's table); when it is fractional, the first cell is raised alone.
    order = sorted(map(int, np.flatnonzero(suppressed)), key=lambda index: cube.values[index])
    for cell in order:
        if witnessed[cell]:
            continue
        batch = _unlinked(cube, [c for c in order if not witnessed[c]], cell)
        added, table = balance.raise_to_k(batch)
        if table is None and len(batch) > 1:
            added, table = balance.raise_to_k([cell])
        suppressed |= added
        balance.hide(added)
        if table is not None:
            witnessed |= suppressed & (table >= k)
            continue
        # The linear model's table is fractional: ask the integer programs.
        if not _protected(cube, suppressed, cell, k):
            added = _complements(cube, suppressed, cell, k, integer=True)
            suppressed |= added
            balance.hide(added)
            if not _protected(cube, suppressed, cell, k):  # pragma: no cover - cannot happen
                raise RuntimeError("secondary suppression failed its own audit")
        witnessed[cell] = True
    return suppressed


def _unlinked(cube: Hypercube, candidates: list[int], first: int) -> list[int]:
    """`first`, then the interior candidates that differ from every cell already taken in
    every coordinate (they share no row, column or plane): raised together in one witness,
    they seldom compete for the same complements. A margin is raised alone: it sums a whole
    line, so raising it with another cell would hide more than either needs."""
    taken = [first]
    if cube.margin_levels[first]:
        return taken
    used = [{part} for part in cube.keys[first]]
    for cell in candidates:
        key = cube.keys[cell]
        if cube.margin_levels[cell]:
            continue
        if cell != first and all(part not in seen for part, seen in zip(key, used, strict=True)):
            taken.append(cell)
            for part, seen in zip(key, used, strict=True):
                seen.add(part)
    return taken


class _Balance:
    """The complement model over the non-zero cells, kept warm from one small cell to the next:
    raise a cell to k and re-balance the table with changes up, and down to 1 at most, keeping
    every margin the sum of its parts. Hidden cells change for free; published ones cost per
    unit (margins more), and those that must change are the cells to hide."""

    def __init__(self, cube: Hypercube, suppressed: np.ndarray, k: int) -> None:
        self.cube, self.k = cube, k
        self.movable = np.flatnonzero(cube.values > 0)
        self.position = {int(cell): index for index, cell in enumerate(self.movable)}
        self.values = cube.values[self.movable].astype(float)
        matrix = sparse.csr_array(cube.equations[:, self.movable])
        matrix = sparse.csc_array(matrix[np.flatnonzero(np.diff(matrix.indptr) > 0)])
        cost = 1.0 + MARGIN_COST * cube.margin_levels[self.movable] + np.log1p(self.values) / 8
        cost = np.where(suppressed[self.movable], 0.0, cost)
        count = len(self.movable)
        self.program = WarmLinearProgram(
            sparse.csc_array(sparse.hstack([matrix, -matrix])),
            np.zeros(2 * count),
            np.concatenate([np.full(count, np.inf), self.values - 1]),
            np.concatenate([cost, cost]),
        )

    def raise_to_k(self, cells: list[int]) -> tuple[np.ndarray, np.ndarray | None]:
        """The cells to hide so that every one of `cells` can be k at once, and the re-balanced
        table (every cell, zeros included) when it is whole, else None."""
        count = len(self.movable)
        up = np.array([self.position[cell] for cell in cells], dtype=int)
        down, value = up + count, self.values[up]
        self.program.set_bounds(up, self.k - value, np.full(len(up), np.inf))
        self.program.set_bounds(down, np.zeros(len(up)), np.zeros(len(up)))
        solution = self.program.solve()
        self.program.set_bounds(up, np.zeros(len(up)), np.full(len(up), np.inf))
        self.program.set_bounds(down, np.zeros(len(up)), value - 1)
        assert solution is not None  # costs are non-negative
        change = solution[:count] - solution[count:]
        chosen = np.zeros(len(self.cube.values), dtype=bool)
        chosen[self.movable[np.abs(solution[:count]) + np.abs(solution[count:]) > 1e-7]] = True
        if not np.all(np.abs(change - np.round(change)) < 1e-7):
            return chosen, None
        table = self.cube.values.astype(float)
        table[self.movable] += np.round(change)
        return chosen, table

    def hide(self, cells: np.ndarray) -> None:
        columns = np.array([self.position[int(cell)] for cell in np.flatnonzero(cells)], dtype=int)
        both = np.concatenate([columns, columns + len(self.movable)])
        self.program.set_cost(both, np.zeros(len(both)))


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
    # Imported here: scipy.optimize takes half a second to load, and most tables are proven
    # by the linear model's witnesses without it (a batch release pays for its imports).
    from scipy.optimize import Bounds, LinearConstraint, milp

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
