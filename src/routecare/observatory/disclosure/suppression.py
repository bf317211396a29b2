"""Small-cell suppression of count tables with their margins.

STAND-IN (branch obs-store): primary suppression only, with the signature the disclosure-control
branch (obs-release) implements with secondary suppression; the integrator keeps that file.
Callers rely on the contract only: every cell of the table and of its margins ("All" in a key
position) is listed, and a cell with a count from 1 to k-1 has `count=None, suppressed=True`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product

ALL = "All"


@dataclass(frozen=True)
class ProtectedCell:
    key: tuple[str, ...]
    count: int | None
    suppressed: bool


@dataclass(frozen=True)
class ProtectedTable:
    dimensions: tuple[str, ...]
    k: int
    cells: tuple[ProtectedCell, ...]


def protect_counts(
    counts: Mapping[tuple[str, ...], int], dimensions: Sequence[str], k: int
) -> ProtectedTable:
    """The table of `counts` (one key value per dimension) with every margin, each cell from 1
    to k-1 suppressed."""
    if k < 2:
        raise ValueError("k must be at least 2")
    full: dict[tuple[str, ...], int] = {}
    for key, count in counts.items():
        if len(key) != len(dimensions):
            raise ValueError("every key needs one value per dimension")
        for keep in product((True, False), repeat=len(dimensions)):
            margin = tuple(value if kept else ALL for value, kept in zip(key, keep, strict=True))
            full[margin] = full.get(margin, 0) + count
    cells = tuple(
        ProtectedCell(key, None, True) if 0 < count < k else ProtectedCell(key, count, False)
        for key, count in sorted(full.items())
    )
    return ProtectedTable(dimensions=tuple(dimensions), k=k, cells=cells)
