"""What an attacker holding a published table computes: for every suppressed cell, the
smallest and largest value consistent with every published cell and margin (linear
programming over the interior cells, counts >= 0), as tau-argus audits a table."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog

ALL = "All"
Cell = tuple[tuple[str, ...], int | None]


def covers(margin: tuple[str, ...], interior: tuple[str, ...]) -> bool:
    return all(m in (ALL, value) for m, value in zip(margin, interior, strict=True))


def suppressed_bounds(cells: Sequence[Cell]) -> dict[tuple[str, ...], tuple[float, float]]:
    interior = [key for key, _ in cells if ALL not in key]
    published = [(key, count) for key, count in cells if count is not None]
    matrix = np.array(
        [[1.0 if covers(key, inner) else 0.0 for inner in interior] for key, _ in published]
    )
    values = np.array([count for _, count in published], dtype=float)
    bounds = {}
    for key, count in cells:
        if count is not None:
            continue
        objective = np.array([1.0 if covers(key, inner) else 0.0 for inner in interior])
        low = linprog(objective, A_eq=matrix, b_eq=values, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=matrix, b_eq=values, bounds=(0, None), method="highs")
        assert low.status == 0 and high.status in (0, 3), (low.message, high.message)
        bounds[key] = (low.fun, np.inf if high.status == 3 else -high.fun)
    return bounds
