"""The year chain: a record's ±2-year window holds the same keyed tokens as other records'
year tokens, so the windows place every year token at its offset from the others; one offset
per chain, fitted to the attacker's distribution of birth years, then names every year."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from bench.linkage.attacks.common import Outcome, base_rate, hit_rate

from routecare.linkage.encoded import YEAR_WINDOW, EncodedSet
from routecare.linkage.records import Registration


def relative_years(encoded: EncodedSet) -> dict[int, tuple[int, int]]:
    """Each year token's chain (a number) and its place relative to the chain's first token,
    from the windows: tokens a window holds lie at its offset from the record's own. Unsalted,
    all years make one chain; salted (scheme 4), one chain per salt at most."""
    windows = encoded.year_window
    edges: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for token, window in zip(encoded.tokens["year"].tolist(), windows.tolist(), strict=True):
        for offset, other in enumerate(window):
            if token and other and other != token:
                edges[token].append((other, offset - YEAR_WINDOW))
                edges[other].append((token, YEAR_WINDOW - offset))
    place: dict[int, tuple[int, int]] = {}
    for chain, first in enumerate(t for t in encoded.tokens["year"].tolist() if t):
        if first in place:
            continue
        place[first], frontier = (chain, 0), [first]
        while frontier:
            token = frontier.pop()
            for other, step in edges[token]:
                if other not in place:
                    place[other] = (chain, place[token][1] + step)
                    frontier.append(other)
    return place


def year_attack(encoded: EncodedSet, years: Counter[int]) -> list[int]:
    """A birth year for every record: each chain's relative years shifted by the offset under
    which its shares of years best overlap the attacker's."""
    top = years.most_common(1)[0][0]
    place = relative_years(encoded)
    found = [place.get(t) for t in encoded.tokens["year"].tolist()]
    chains: dict[int, Counter[int]] = defaultdict(Counter)
    for where in found:
        if where is not None:
            chains[where[0]][where[1]] += 1
    theirs = sum(years.values())
    start_of = {}
    for chain, counts in chains.items():
        total = sum(counts.values())

        def overlap(start: int, counts: Counter[int] = counts, total: int = total) -> float:
            return sum(min(c / total, years[start + r] / theirs) for r, c in counts.items())

        first = min(years) - max(counts)
        start_of[chain] = max(range(first, max(years) - min(counts) + 1), key=overlap)
    return [top if w is None else start_of[w[0]] + w[1] for w in found]


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
