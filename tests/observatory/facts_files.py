"""Person-level facts files as the CLI contract describes them, generated for the tests."""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

# The header as the CLI contract (issue 17) states it, written out here on purpose rather than
# imported from `facts_files.COLUMNS`: it is the outside contract the product must keep, so a
# change to the product's list must fail these tests, not silently move them with it.
HEADER = [
    "record_id",
    "reporting_country",
    "nationality",
    "sex",
    "age",
    "exploitation_type",
    "year",
    "route",
]
EXPLOITATION = ["ForcedLabour", "SexualExploitation", "ForcedBegging", "ChildLabour", ""]


def facts_rows(rng: random.Random, count: int) -> list[dict[str, str]]:
    rows = []
    for number in range(count):
        nationality = rng.choice(["NGA", "NGA", "GIN", "GIN", "MLI", "ERI", "SDN"])
        rows.append(
            {
                "record_id": f"r{number}",
                "reporting_country": rng.choice(["ITA", "ITA", "MLT"]),
                "nationality": nationality,
                "sex": rng.choice(["female", "male", "male", "unknown"]),
                "age": rng.choice([str(rng.randint(0, 60)), str(rng.randint(12, 17)), ""]),
                "exploitation_type": rng.choice(EXPLOITATION),
                "year": rng.choice(["2024", "2025"]),
                "route": rng.choice([f"{nationality}>NER>LBY>ITA", f"{nationality}>LBY>MLT", ""]),
            }
        )
    return rows


def write_facts(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


# Both age-band schemes as BRIEF gives them (last band open-ended), written out again here
# rather than imported from the product.
BANDS = {
    "ctdc": [
        (0, 8, "0-8"),
        (9, 17, "9-17"),
        (18, 20, "18-20"),
        (21, 23, "21-23"),
        (24, 26, "24-26"),
        (27, 29, "27-29"),
        (30, 38, "30-38"),
        (39, 47, "39-47"),
        (48, 999, "48+"),
    ],
    "humanitarian": [(0, 4, "0-4"), (5, 11, "5-11"), (12, 17, "12-17"), (18, 999, "18+")],
}


def band(age: str, scheme: str = "ctdc") -> str:
    if not age:
        return "unknown"
    years = int(age)
    return next(label for low, high, label in BANDS[scheme] if low <= years <= high)


def true_counts(rows: list[dict[str, str]], by: list[str], scheme: str = "ctdc") -> Counter:
    def value(row: dict[str, str], name: str) -> str:
        raw = band(row["age"], scheme) if name == "age_band" else row[name]
        return raw or "unknown"

    return Counter(tuple(value(row, name) for name in by) for row in rows)
