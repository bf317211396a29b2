"""The attacker's view of a table with suppressed cells, solved exactly.

A reader knows every published count, that each margin is the sum of its parts, and that
every suppressed cell holds at least one child (zero cells are always published, so a
suppressed cell is never zero). Over those facts, the smallest and largest value each
suppressed cell can take is a linear program (an integer one for the strongest reader); a cell
whose interval cannot reach k is not protected, whatever heuristic chose the suppressions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from routecare.observatory.disclosure.hypercube import Hypercube

UNBOUNDED = float("inf")


@dataclass(frozen=True)
class AttackerModel:
    """The equations a reader can write about the suppressed cells: `matrix @ x == rhs`,
    `x >= 1`, where x are the suppressed cells in the order of `cells`."""

    cells: np.ndarray
    matrix: sparse.csr_array
    rhs: np.ndarray

    def column(self, cell: int) -> int:
        return int(np.searchsorted(self.cells, cell))


def attacker_model(cube: Hypercube, suppressed: np.ndarray) -> AttackerModel:
    """Substitute the published counts into the additivity equations."""
    hidden = np.flatnonzero(suppressed)
    shown = np.flatnonzero(~suppressed)
    matrix = cube.equations[:, hidden]
    rhs = -(cube.equations[:, shown] @ cube.values[shown].astype(float))
    touched = np.flatnonzero(np.diff(sparse.csr_array(matrix).indptr) > 0)
    return AttackerModel(cells=hidden, matrix=sparse.csr_array(matrix[touched]), rhs=rhs[touched])


def bound(model: AttackerModel, cell: int, *, upper: bool, integer: bool = True) -> float:
    """The largest (or smallest) value the reader can prove for suppressed `cell`."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # slow to load: see suppression

    count = len(model.cells)
    objective = np.zeros(count)
    objective[model.column(cell)] = -1.0 if upper else 1.0
    constraints = (
        [LinearConstraint(model.matrix, model.rhs, model.rhs)] if model.matrix.shape[0] else []
    )
    result = milp(
        objective,
        constraints=constraints,
        bounds=Bounds(np.ones(count), np.full(count, np.inf)),
        integrality=np.ones(count) if integer else np.zeros(count),
    )
    # The true table always satisfies the model, so "unbounded or infeasible" is unbounded.
    if upper and result.status in (3, 4) and result.x is None:
        return UNBOUNDED
    if result.status != 0:
        raise RuntimeError(f"the audit could not solve its model: {result.message}")
    value = float(result.x[model.column(cell)])
    return round(value) if integer else value


def feasible_intervals(
    cube: Hypercube, suppressed: np.ndarray, cells: Iterable[int] | None = None
) -> dict[int, tuple[float, float]]:
    """[min, max] a reader can prove for each suppressed cell (all of them by default)."""
    model = attacker_model(cube, suppressed)
    chosen = model.cells if cells is None else np.fromiter(cells, dtype=np.int64)
    return {
        int(cell): (bound(model, int(cell), upper=False), bound(model, int(cell), upper=True))
        for cell in chosen
    }
