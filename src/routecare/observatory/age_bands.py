"""The observatory's two age-band schemes, side by side, so that every table says which one it
uses (BRIEF, "CTDC" and "Places and ages"). They do not nest (9–17 straddles 5–11 and 12–17),
so exact ages are banded once, at release, with a scheme chosen explicitly, never converted
from one scheme to the other.

- `CTDC`: the Counter Trafficking Data Collaborative's bands, children 0–8 and 9–17, adults
  apart in seven bands; the default of `routecare observatory release` (its CLI contract).
- `HUMANITARIAN`: Primero's children's bands 0–4, 5–11, 12–17, used by the fact store, which
  keeps no exact age. Its adults (people screened and found adult) are one band `18+`, kept
  apart from the children: Primero splits them at 60, but the observatory is about children,
  and a second adult band would only add small cells.
"""

from __future__ import annotations

from dataclasses import dataclass

from routecare.errors import InvalidInput

UNKNOWN = "unknown"


@dataclass(frozen=True)
class AgeScheme:
    """Bands as (first year, last year or None for open-ended, label), in order, covering
    every age from 0 with no gap."""

    name: str
    bands: tuple[tuple[int, int | None, str], ...]

    @property
    def labels(self) -> tuple[str, ...]:
        """Every band, then `unknown`: the categories a table has whoever is in the data."""
        return (*(label for _, _, label in self.bands), UNKNOWN)

    def band(self, age: int | None) -> str:
        if age is None or age < 0:
            return UNKNOWN
        for low, high, label in self.bands:
            if low <= age and (high is None or age <= high):
                return label
        return UNKNOWN  # pragma: no cover - the bands are open-ended

    def sql(self, column: str) -> str:
        """A DuckDB expression banding the text column `column` (NULL when empty or not a
        whole number; the caller names that `unknown`)."""
        age = f"TRY_CAST({column} AS INTEGER)"
        cases = " ".join(
            f"WHEN {age} >= {low}"
            + ("" if high is None else f" AND {age} <= {high}")
            + f" THEN '{label}'"
            for low, high, label in self.bands
        )
        return f"CASE {cases} END"


CTDC = AgeScheme(
    "ctdc",
    (
        (0, 8, "0-8"),
        (9, 17, "9-17"),
        (18, 20, "18-20"),
        (21, 23, "21-23"),
        (24, 26, "24-26"),
        (27, 29, "27-29"),
        (30, 38, "30-38"),
        (39, 47, "39-47"),
        (48, None, "48+"),
    ),
)
HUMANITARIAN = AgeScheme(
    "humanitarian", ((0, 4, "0-4"), (5, 11, "5-11"), (12, 17, "12-17"), (18, None, "18+"))
)
SCHEMES = {scheme.name: scheme for scheme in (CTDC, HUMANITARIAN)}


def scheme_named(name: str) -> AgeScheme:
    """The scheme called `name`, or InvalidInput listing the schemes."""
    if name not in SCHEMES:
        raise InvalidInput(f"unknown age bands {name!r}; choose from {', '.join(SCHEMES)}")
    return SCHEMES[name]
