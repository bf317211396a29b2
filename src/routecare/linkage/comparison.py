"""Per-field comparison levels of candidate pairs, computed on encodings only."""

from __future__ import annotations

import numpy as np

from routecare.linkage.encoded import FIELD_BITS, EncodedSet

# Dice similarity cut into levels. Both sides spelled in Latin: compare canonical spellings;
# otherwise only consonant skeletons exist on one side, which agree more by chance: stricter cuts.
NAME_CUTS = (0.85, 0.70, 0.55)
SKELETON_CUTS = (0.88, 0.75, 0.62)
ROLE_FIELDS = tuple(FIELD_BITS)  # given, father, family, all_names, mother, birth_place
FIELDS = ROLE_FIELDS + ("document", "sex", "nationality", "year", "birth_date")
LEVELS = {
    **{f: len(NAME_CUTS) + 1 for f in ROLE_FIELDS},
    "document": len(NAME_CUTS) + 1,
    "sex": 2,
    "nationality": 3,
    "year": 3,
    "birth_date": 2,
}
MISSING = -1


def _popcount(words: np.ndarray) -> np.ndarray:
    return np.bitwise_count(words).sum(axis=-1, dtype=np.int32)


def dice(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    sizes = _popcount(left) + _popcount(right)
    return np.where(sizes > 0, 2.0 * _popcount(left & right) / np.maximum(sizes, 1), 0.0)


def name_levels(similarity: np.ndarray, cuts: tuple[float, ...] = NAME_CUTS) -> np.ndarray:
    """Highest level = most similar: 3, 2, 1, 0."""
    levels = np.zeros(similarity.shape, dtype=np.int8)
    for rank, cut in enumerate(reversed(cuts), start=1):
        levels[similarity >= cut] = rank
    return levels


def _role_levels(
    left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray, name: str
) -> np.ndarray:
    levels = np.full(li.size, MISSING, dtype=np.int8)
    latin, skeleton = f"{name}_latin", f"{name}_skeleton"
    both = left.has_bloom[skeleton][li] & right.has_bloom[skeleton][ri]
    spelled = both & left.has_bloom[latin][li] & right.has_bloom[latin][ri]
    if spelled.any():
        similarity = dice(left.bloom[latin][li[spelled]], right.bloom[latin][ri[spelled]])
        levels[spelled] = name_levels(similarity)
    script = both & ~spelled
    if script.any():
        similarity = dice(left.bloom[skeleton][li[script]], right.bloom[skeleton][ri[script]])
        levels[script] = name_levels(similarity, SKELETON_CUTS)
    return levels


def compare(left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray) -> np.ndarray:
    """Levels (pairs × FIELDS, -1 = missing)."""
    levels = np.full((li.size, len(FIELDS)), MISSING, dtype=np.int8)
    for column, name in enumerate(ROLE_FIELDS):
        levels[:, column] = _role_levels(left, right, li, ri, name)
    both = left.has_bloom["document"][li] & right.has_bloom["document"][ri]
    if both.any():
        similarity = dice(left.bloom["document"][li[both]], right.bloom["document"][ri[both]])
        levels[both, FIELDS.index("document")] = name_levels(similarity)
    for name in ("sex", "birth_date"):
        a, b = left.tokens[name][li], right.tokens[name][ri]
        both = (a != "") & (b != "")
        levels[both, FIELDS.index(name)] = (a[both] == b[both]).astype(np.int8)
    a, b = left.tokens["nationality"][li], right.tokens["nationality"][ri]
    both = (a != "") & (b != "")
    group = left.tokens["nationality_group"][li] == right.tokens["nationality_group"][ri]
    levels[both, FIELDS.index("nationality")] = np.where(
        a[both] == b[both], 2, np.where(group[both], 1, 0)
    )
    a, b = left.tokens["year"][li], right.tokens["year"][ri]
    both = (a != "") & (b != "")
    near = (right.year_window[ri] == a[:, None]).any(axis=1)
    levels[both, FIELDS.index("year")] = np.where(
        a[both] == b[both], 2, np.where(near[both], 1, 0)
    )
    return levels
