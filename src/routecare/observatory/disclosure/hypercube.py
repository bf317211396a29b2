"""A count table of 1 to 4 dimensions with every margin, as one flat vector plus the additivity
equations that tie each margin to the cells it sums. The suppression model and its audit both
reason over these equations, which are exactly what a reader of the published table knows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
from scipy import sparse

from routecare.errors import InvalidInput

ALL = "All"
MAX_DIMENSIONS = 4
# Past this many cells (margins included) the suppression model outgrows a release's time
# and memory; such tables are refused rather than left to run for hours.
MAX_CELLS = 100_000


@dataclass(frozen=True)
class Hypercube:
    """`keys[i]` names cell i (one category or `All` per dimension); `values[i]` is its count;
    each row of `equations` says margin − Σ parts = 0 along one dimension."""

    dimensions: tuple[str, ...]
    categories: tuple[tuple[str, ...], ...]
    keys: tuple[tuple[str, ...], ...]
    values: np.ndarray
    margin_levels: np.ndarray  # how many `All` a key holds (0 for interior cells)
    equations: sparse.csr_array


def build_hypercube(counts: Mapping[tuple[str, ...], int], dimensions: Sequence[str]) -> Hypercube:
    """The table of `counts` (interior cells; absent ones are zero) with all its margins.

    Raises InvalidInput when the dimensions or a key do not fit."""
    dimensions = tuple(dimensions)
    if not 1 <= len(dimensions) <= MAX_DIMENSIONS:
        raise InvalidInput(f"a table has 1 to {MAX_DIMENSIONS} dimensions, not {len(dimensions)}")
    if len(set(dimensions)) != len(dimensions):
        raise InvalidInput("a dimension is named twice")
    for key, count in counts.items():
        if len(key) != len(dimensions):
            raise InvalidInput(f"a cell key has {len(key)} values for {len(dimensions)} dimensions")
        if ALL in key:
            raise InvalidInput(f"a category may not be named {ALL!r} (it names the margins)")
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
            raise InvalidInput("a cell count must be a non-negative integer")
    categories = tuple(
        tuple(sorted({key[axis] for key in counts})) for axis in range(len(dimensions))
    )
    shape = tuple(len(values) + 1 for values in categories)  # the last index of each axis is All
    if (cells := int(np.prod(shape, dtype=object))) > MAX_CELLS:
        raise InvalidInput(
            f"the table would have {cells:,} cells with its margins, more than {MAX_CELLS:,}: "
            "choose fewer or coarser dimensions"
        )
    grid = np.zeros(shape, dtype=np.int64)
    position = [{value: index for index, value in enumerate(values)} for values in categories]
    for key, count in counts.items():
        grid[tuple(position[axis][value] for axis, value in enumerate(key))] += int(count)
    for axis in range(len(shape)):
        interior = [slice(None)] * len(shape)
        interior[axis] = slice(0, shape[axis] - 1)
        margin: list[slice | int] = [slice(None)] * len(shape)
        margin[axis] = shape[axis] - 1
        grid[tuple(margin)] = grid[tuple(interior)].sum(axis=axis)
    labels = [(*values, ALL) for values in categories]
    keys = tuple(product(*labels))
    levels = np.array([sum(value == ALL for value in key) for key in keys], dtype=np.int64)
    return Hypercube(
        dimensions=dimensions,
        categories=categories,
        keys=keys,
        values=grid.reshape(-1),
        margin_levels=levels,
        equations=_additivity(shape),
    )


def _additivity(shape: tuple[int, ...]) -> sparse.csr_array:
    """One equation per margin cell and dimension it sums over: margin − Σ parts = 0."""
    index = np.arange(int(np.prod(shape))).reshape(shape)
    rows: list[np.ndarray] = []
    columns: list[np.ndarray] = []
    coefficients: list[np.ndarray] = []
    equation = 0
    for axis, size in enumerate(shape):
        margins = np.take(index, size - 1, axis=axis).reshape(-1)
        parts = np.moveaxis(np.take(index, range(size - 1), axis=axis), axis, -1)
        parts = parts.reshape(len(margins), size - 1)
        numbers = np.arange(equation, equation + len(margins))
        rows += [numbers, np.repeat(numbers, size - 1)]
        columns += [margins, parts.reshape(-1)]
        coefficients += [np.ones(len(margins)), -np.ones(parts.size)]
        equation += len(margins)
    return sparse.csr_array(
        (np.concatenate(coefficients), (np.concatenate(rows), np.concatenate(columns))),
        shape=(equation, index.size),
    )
