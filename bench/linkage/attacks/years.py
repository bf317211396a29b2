"""The year chain: a record's ±2-year window holds the same keyed tokens as other records'
year tokens, so the windows place every year token at its offset from the others; one offset,
fitted to the attacker's distribution of birth years, then names every year."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from bench.linkage.attacks.common import Outcome, base_rate, hit_rate

from routecare.linkage.encoded import YEAR_WINDOW, EncodedSet
from routecare.linkage.records import Registration


def relative_years(encoded: EncodedSet) -> dict[int, int]:
    """Each year token's place relative to the first one, from the windows (tokens the
    windows reach from that first one only)."""
    windows = encoded.year_window
    tokens = encoded.tokens["year"]
    seen = np.flatnonzero(tokens)
    if not seen.size or not windows.any():
        return {}
    place = {int(tokens[seen[0]]): 0}
    for _ in range(2 * YEAR_WINDOW + 8):  # each pass reaches further along the chain
        grown = False
        for row in seen.tolist():
            here = place.get(int(tokens[row]))
            if here is None:
                continue
            for offset, token in enumerate(windows[row].tolist()):
                if token and token not in place:
                    place[token] = here + offset - YEAR_WINDOW
                    grown = True
        if not grown:
            break
    return place


def year_attack(encoded: EncodedSet, years: Counter[int]) -> list[int]:
    """A birth year for every record: relative years shifted by the offset under which the
    file's shares of years best overlap the attacker's."""
    top = years.most_common(1)[0][0]
    place = relative_years(encoded)
    tokens = encoded.tokens["year"].tolist()
    relative = [place.get(t) for t in tokens]
    counts = Counter(r for r in relative if r is not None)
    if not counts:
        return [top] * len(tokens)
    total, theirs = sum(counts.values()), sum(years.values())

    def overlap(start: int) -> float:
        return sum(min(c / total, years[start + r] / theirs) for r, c in counts.items())

    first = min(years) - max(counts)
    start = max(range(first, max(years) - min(counts) + 1), key=overlap)
    return [top if r is None else start + r for r in relative]


def year_attacks(
    encoded: EncodedSet, records: Sequence[Registration], sample: Sequence[Registration]
) -> list[Outcome]:
    """Both attackers on birth years (records without one count as misses)."""
    truth = [_year(r) for r in records]
    outcomes = []
    for attacker, years in (
        ("sample", Counter(y for y in map(_year, sample) if y)),
        ("exact", Counter(y for y in truth if y)),
    ):
        guesses = year_attack(encoded, years)
        outcomes.append(
            Outcome("year chain", attacker, hit_rate(guesses, truth), base_rate(truth, years))
        )
    return outcomes


def _year(record: Registration) -> int:
    found = record.birth_year()
    return found[0] if found else 0
