"""Per-field comparison levels of candidate pairs, computed on encodings only."""

from __future__ import annotations

import threading
from functools import cache

import numpy as np

from routecare.linkage.encoded import FIELD_BITS, EncodedSet

# Dice similarity cut into levels. Both sides spelled in Latin: compare canonical spellings;
# otherwise only consonant skeletons exist on one side, which agree more by chance: stricter cuts.
# Five cuts, not three (0.85, 0.70, 0.55): the same name spelled by two clerks lands anywhere
# from 0.45 to 0.95, and how far down it lands is evidence EM can weigh (docs/linkage.md, step
# 3). Above 0.85 a finer cut reads the flips of the encoding, not the names (identical names:
# 0.87–0.93).
NAME_CUTS = (0.85, 0.75, 0.65, 0.55, 0.45)
SKELETON_CUTS = (0.88, 0.80, 0.72, 0.62, 0.52)
SIMILAR = sum(cut <= 0.65 for cut in NAME_CUTS)  # the level of names spelled alike (≥ 0.65)
ROLE_FIELDS = tuple(FIELD_BITS)  # given, father, family, all_names, mother, birth_place
FIELDS = ROLE_FIELDS + ("document", "sex", "nationality", "year", "birth_date")
LEVELS = {
    **{f: len(NAME_CUTS) + 1 for f in ROLE_FIELDS},
    "document": len(NAME_CUTS) + 1,
    "sex": 2,
    "nationality": 3,
    "year": 4,
    "birth_date": 2,
}
MISSING = -1


@cache
def _level_table(bits: int, cuts: tuple[float, ...]) -> np.ndarray:
    """The level of every (bits in common, bits set on both sides) a filter of `bits` bits
    can give, flattened: a pair's level is then one lookup instead of a division and
    comparisons. Highest level = most similar: how many cuts the Dice similarity 2c/s
    reaches. A cut is reached while s <= 2c/cut, so each row is built from the edge of
    each cut, checked as the division rounds: the same levels as dividing every cell, at a
    fraction of the cost (this runs at first use, inside a timed linkage)."""
    common = np.arange(bits + 1)
    sizes = np.arange(2 * bits + 1)
    table = np.zeros((bits + 1, 2 * bits + 1), dtype=np.int8)
    for cut in cuts:
        edge = np.floor(2.0 * common / cut).astype(np.int64)  # the largest s reaching the cut
        edge += 2.0 * common / (edge + 1) >= cut
        edge -= (edge > 0) & (2.0 * common / np.maximum(edge, 1) < cut)
        table += sizes[None, :] <= edge[:, None]
    table[:, 0] = 0  # nothing set on either side: no similarity
    return table.ravel()


_held = threading.local()


def _rows_of(
    left: np.ndarray, right: np.ndarray, li: np.ndarray, ri: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs' rows of `left` and `right`, gathered into two buffers this thread keeps.
    Gathered rows are megabytes a piece; freshly allocated for every filter, each would be
    faulted into memory page by page, which costs more than the gather itself."""
    words = left.shape[1] * li.size
    buffers = getattr(_held, "buffers", None)
    if buffers is None or buffers[0].size < words:
        buffers = _held.buffers = (np.empty(words, np.uint64), np.empty(words, np.uint64))
    first, second = (b[:words].reshape(li.size, left.shape[1]) for b in buffers)
    # mode="clip" (the indices are valid): the default mode would gather into a new buffer.
    np.take(left, li, axis=0, out=first, mode="clip")
    np.take(right, ri, axis=0, out=second, mode="clip")
    return first, second


def _counts(
    left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray, name: str
) -> tuple[np.ndarray, np.ndarray]:
    """Bits the pairs' `name` filters have in common, and set on both sides together.
    `np.take` and a sum word by word: several times faster than fancy indexing and
    `sum(axis=1)` on these narrow rows."""
    shared, other = _rows_of(left.bloom[name], right.bloom[name], li, ri)
    np.bitwise_and(shared, other, out=shared)
    counts = np.bitwise_count(shared)
    common = counts[:, 0].astype(np.int32)
    for word in range(1, counts.shape[1]):
        common += counts[:, word]
    return common, np.take(left.sizes(name), li) + np.take(right.sizes(name), ri)


def dice_levels(
    left: EncodedSet,
    right: EncodedSet,
    li: np.ndarray,
    ri: np.ndarray,
    name: str,
    cuts: tuple[float, ...] = NAME_CUTS,
) -> np.ndarray:
    """Similarity levels of the pairs' `name` filters."""
    bits = left.bloom[name].shape[1] * 64
    common, sizes = _counts(left, right, li, ri, name)
    common *= 2 * bits + 1
    common += sizes
    return np.take(_level_table(bits, cuts), common)


def _present(left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray, name: str):
    return np.take(left.has_bloom[name], li) & np.take(right.has_bloom[name], ri)


def _levels_where(
    present: np.ndarray,
    left: EncodedSet,
    right: EncodedSet,
    li: np.ndarray,
    ri: np.ndarray,
    name: str,
    cuts: tuple[float, ...] = NAME_CUTS,
) -> np.ndarray:
    """Similarity levels of the `name` filters where `present`, MISSING elsewhere. A field
    most pairs have is compared on every pair (selecting them would cost more); a rare one
    (mother's name, document) on its pairs only."""
    if 2 * np.count_nonzero(present) > present.size:
        levels = dice_levels(left, right, li, ri, name, cuts)
        return np.where(present, levels, np.int8(MISSING))
    levels = np.full(li.size, MISSING, dtype=np.int8)
    if present.any():
        levels[present] = dice_levels(left, right, li[present], ri[present], name, cuts)
    return levels


def _role_levels(
    left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray, name: str
) -> np.ndarray:
    """Canonical spellings compared where both sides have them, else consonant skeletons."""
    latin, skeleton = f"{name}_latin", f"{name}_skeleton"
    both = _present(left, right, li, ri, skeleton)
    spelled = both & _present(left, right, li, ri, latin)
    levels = _levels_where(spelled, left, right, li, ri, latin)
    script = both & ~spelled
    if script.any():
        levels[script] = dice_levels(left, right, li[script], ri[script], skeleton, SKELETON_CUTS)
    return levels


def _token_levels(
    left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray, name: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = np.take(left.tokens[name], li), np.take(right.tokens[name], ri)
    return a, (a != 0) & (b != 0), a == b


def compare(left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray) -> np.ndarray:
    """Levels (pairs × FIELDS, -1 = missing), column-major: each field is written and read
    as one contiguous column."""
    levels = np.empty((li.size, len(FIELDS)), dtype=np.int8, order="F")
    for column, name in enumerate(ROLE_FIELDS):
        levels[:, column] = _role_levels(left, right, li, ri, name)
    both = _present(left, right, li, ri, "document")
    levels[:, FIELDS.index("document")] = _levels_where(both, left, right, li, ri, "document")
    for name in ("sex", "birth_date"):
        _, both, same = _token_levels(left, right, li, ri, name)
        levels[:, FIELDS.index(name)] = np.where(both, same, MISSING)
    _, both, same = _token_levels(left, right, li, ri, "nationality")
    _, _, group = _token_levels(left, right, li, ri, "nationality_group")
    levels[:, FIELDS.index("nationality")] = np.where(
        both, np.where(same, 2, np.where(group, 1, 0)), MISSING
    )
    year, both, _ = _token_levels(left, right, li, ri, "year")
    # The right record's window holds its year's neighbours: the offset that matches is how
    # many years apart the two are (3: the same year, 2: one apart, 1: two, 0: further).
    # At most one offset matches, so the levels add up (three times faster than assigning
    # them where each offset matches).
    level = np.zeros(li.size, dtype=np.int8)
    middle = right.year_window.shape[1] // 2
    for offset in range(right.year_window.shape[1]):
        matches = np.take(right.year_window[:, offset], ri) == year
        level += matches.view(np.int8) * np.int8(middle + 1 - abs(offset - middle))
    levels[:, FIELDS.index("year")] = np.where(both, level, MISSING)
    return levels
