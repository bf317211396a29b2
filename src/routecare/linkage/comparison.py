"""Per-field comparison levels of candidate pairs, computed on encodings only."""

from __future__ import annotations

import numpy as np

from routecare.linkage.encoded import EncodedSet

# Dice similarity cut into levels. Both sides spelled in Latin: compare canonical spellings;
# otherwise only consonant skeletons exist on one side, which agree more by chance: stricter cuts.
NAME_CUTS = (0.85, 0.70, 0.55)
SKELETON_CUTS = (0.88, 0.75, 0.62)
NAME_FIELDS = ("given", "family", "father", "all_names", "mother", "birth_place")
FIELDS = NAME_FIELDS + ("sex", "nationality", "year", "birth_date")
LEVELS = {
    **{f: len(NAME_CUTS) + 1 for f in NAME_FIELDS},
    "sex": 2,
    "nationality": 3,
    "year": 3,
    "birth_date": 2,
}
MISSING = -1


def dice(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    shared = np.bitwise_count(left & right).sum(axis=1, dtype=np.int32)
    sizes = np.bitwise_count(left).sum(axis=1, dtype=np.int32) + np.bitwise_count(right).sum(
        axis=1, dtype=np.int32
    )
    return np.where(sizes > 0, 2.0 * shared / np.maximum(sizes, 1), 0.0)


def name_levels(similarity: np.ndarray, cuts: tuple[float, ...] = NAME_CUTS) -> np.ndarray:
    """Highest level = most similar: 3, 2, 1, 0."""
    levels = np.zeros(similarity.shape, dtype=np.int8)
    for rank, cut in enumerate(reversed(cuts), start=1):
        levels[similarity >= cut] = rank
    return levels


def compare(
    left: EncodedSet, right: EncodedSet, li: np.ndarray, ri: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Levels (pairs × fields, -1 = missing) and the given/all-names similarities."""
    levels = np.full((li.size, len(FIELDS)), MISSING, dtype=np.int8)
    similarities = {}
    for column, name in enumerate(NAME_FIELDS):
        skeleton = name + "_skeleton"
        both = left.has_bloom[skeleton][li] & right.has_bloom[skeleton][ri]
        latin = both & left.has_bloom[name][li] & right.has_bloom[name][ri]
        similarity = np.full(li.size, np.nan)
        if latin.any():
            similarity[latin] = dice(left.bloom[name][li[latin]], right.bloom[name][ri[latin]])
            levels[latin, column] = name_levels(similarity[latin])
        script = both & ~latin
        if script.any():
            similarity[script] = dice(
                left.bloom[skeleton][li[script]], right.bloom[skeleton][ri[script]]
            )
            levels[script, column] = name_levels(similarity[script], SKELETON_CUTS)
        similarities[name] = similarity
    for column, name in enumerate(("sex", "birth_date"), start=len(NAME_FIELDS)):
        column = FIELDS.index(name)
        a, b = left.tokens[name][li], right.tokens[name][ri]
        both = (a != "") & (b != "")
        levels[both, column] = (a[both] == b[both]).astype(np.int8)
    column = FIELDS.index("nationality")
    a, b = left.tokens["nationality"][li], right.tokens["nationality"][ri]
    both = (a != "") & (b != "")
    group = left.tokens["nationality_group"][li] == right.tokens["nationality_group"][ri]
    levels[both, column] = np.where(a[both] == b[both], 2, np.where(group[both], 1, 0))
    column = FIELDS.index("year")
    a, b = left.tokens["year"][li], right.tokens["year"][ri]
    both = (a != "") & (b != "")
    near = (right.year_window[ri] == a[:, None]).any(axis=1)
    levels[both, column] = np.where(a[both] == b[both], 2, np.where(near[both], 1, 0))
    evidence = np.stack([similarities["given"], similarities["all_names"]], axis=1)
    return levels, evidence
