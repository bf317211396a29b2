"""Person-level facts files as the CLI contract describes them, generated for the tests."""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

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


def band(age: str) -> str:
    """CTDC bands, written out again here rather than imported from the product."""
    if not age:
        return "unknown"
    years = int(age)
    for low, high, label in [
        (0, 8, "0-8"),
        (9, 17, "9-17"),
        (18, 20, "18-20"),
        (21, 23, "21-23"),
        (24, 26, "24-26"),
        (27, 29, "27-29"),
        (30, 38, "30-38"),
        (39, 47, "39-47"),
    ]:
        if low <= years <= high:
            return label
    return "48+"


def true_counts(rows: list[dict[str, str]], by: list[str]) -> Counter:
    def value(row: dict[str, str], name: str) -> str:
        raw = band(row["age"]) if name == "age_band" else row[name]
        return raw or "unknown"

    return Counter(tuple(value(row, name) for name in by) for row in rows)
