"""Small-cell suppression of count tables with their margins.

STAND-IN (branch obs-store) with the signature of the disclosure-control branch (obs-release),
whose file the integrator keeps: primary suppression, then a plain secondary pass (no line of
the table - cells varying in one dimension, with their margin - keeps a lone suppressed cell).
It is not the audited method issue #17 asks for; callers rely on the contract only: every cell
of the table and of its margins ("All" in a key position) is listed, and every cell with a
count from 1 to k-1 has `count=None, suppressed=True`.
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
    hidden = {key for key, count in full.items() if 0 < count < k}
    _hide_complements(full, hidden)
    cells = tuple(
        ProtectedCell(key, None, True) if key in hidden else ProtectedCell(key, count, False)
        for key, count in sorted(full.items())
    )
    return ProtectedTable(dimensions=tuple(dimensions), k=k, cells=cells)


def _hide_complements(full: Mapping[tuple[str, ...], int], hidden: set[tuple[str, ...]]) -> None:
    """Until stable: in every line (the cells sharing all key positions but one, with their
    margin) holding exactly one hidden cell, hide the smallest other non-zero cell."""
    lines: dict[tuple[int, tuple[str, ...]], list[tuple[str, ...]]] = {}
    for key in full:
        for position in range(len(key)):
            rest = key[:position] + (ALL,) + key[position + 1 :]
            lines.setdefault((position, rest), []).append(key)
    changed = True
    while changed:
        changed = False
        for line in lines.values():
            lone = [key for key in line if key in hidden]
            if len(lone) != 1:
                continue
            others = [key for key in line if key not in hidden and full[key] > 0]
            if others:
                hidden.add(min(others, key=lambda key: (full[key], key)))
                changed = True
