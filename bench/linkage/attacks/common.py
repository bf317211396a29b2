"""What every attack shares: filters as bits, names as the normaliser reads them, and the
score of a guess against the truth beside the base-rate guesser's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from routecare.linkage.names import normalise


def bits_of(words: np.ndarray) -> np.ndarray:
    """(n, words) uint64 filters as (n, bits) booleans, bit i of a filter in word i // 64."""
    raw = np.ascontiguousarray(words.astype("<u8")).view(np.uint8)
    return np.unpackbits(raw, axis=1, bitorder="little").astype(bool)


def name_key(text: str) -> str:
    """A name as the encoding sees it (the normaliser is public): spellings it folds together
    are one name to the attacker too."""
    return " ".join(normalise(text).full)


@dataclass(frozen=True)
class Outcome:
    """Re-identified share of the attacked records, beside the base-rate guesser's."""

    attack: str
    attacker: str  # "sample" (another sample of the population) or "exact" (true frequencies)
    rate: float
    base_rate: float

    def line(self) -> str:
        return (
            f"{self.attack} ({self.attacker}): {100 * self.rate:.1f} % re-identified, "
            f"base rate {100 * self.base_rate:.1f} %"
        )


def base_rate(truth: Sequence[object], frequencies: Counter[object]) -> float:
    """The guesser who names every record with the attacker's most frequent value."""
    if not frequencies or not truth:
        return 0.0
    top = frequencies.most_common(1)[0][0]
    return sum(value == top for value in truth) / len(truth)


def hit_rate(guesses: Sequence[object], truth: Sequence[object]) -> float:
    return sum(g == t for g, t in zip(guesses, truth, strict=True)) / max(len(truth), 1)
