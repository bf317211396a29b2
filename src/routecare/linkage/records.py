"""Registration CSV files as partners exchange them, checked row by row."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

COLUMNS = (
    "record_id",
    "given_name",
    "father_name",
    "family_name",
    "sex",
    "birth_date",
    "age",
    "registered_on",
    "nationality",
    "birth_place",
    "mother_name",
)
# Accepted when present: the number of an identity or travel document (passport, national
# identity card, birth certificate, consular card) the child carries across borders.
OPTIONAL_COLUMNS = ("document_number",)
SEXES = {"f": "f", "female": "f", "m": "m", "male": "m"}
ACCEPTED_SEXES = {*SEXES, "u", "unknown", "other"}  # the last three read as unknown


class LinkageInputError(ValueError):
    """A file or row cannot be used; the message names the file and row."""


@dataclass(slots=True)
class Registration:
    """One registration as read. Not frozen (nothing changes one): a frozen dataclass costs
    three times as much to build, and a country's batch builds hundreds of thousands."""

    record_id: str
    given_name: str
    father_name: str
    family_name: str
    sex: str  # "f", "m" or "" when unknown
    birth_date: date | None
    age: int | None
    registered_on: date | None
    nationality: str
    birth_place: str
    mother_name: str
    document_number: str = ""

    def birth_year(self) -> tuple[int, bool] | None:
        """(year, exact): exact from a real date of birth, else from age at registration."""
        if self.birth_date is not None and not (
            self.birth_date.month == 1 and self.birth_date.day == 1
        ):
            return self.birth_date.year, True
        if self.birth_date is not None:
            return self.birth_date.year, False  # 1 January: the usual placeholder date
        if self.age is not None and self.registered_on is not None:
            return self.registered_on.year - self.age, False
        return None


def _parsed(values: set[str], parse: Callable[[str], T]) -> dict[str, T | None]:
    """Each value parsed, "" as None; values that do not parse are left out."""
    parsed: dict[str, T | None] = {"": None}
    for text in values - {""}:
        try:
            parsed[text] = parse(text)
        except ValueError:
            continue
    return parsed


def _first_repeated(values: list[str]) -> int | None:
    """The row where a value first appears a second time."""
    if len(set(values)) == len(values):
        return None
    seen: set[str] = set()
    for row, value in enumerate(values):
        if value in seen:
            return row
        seen.add(value)
    return None


def _alpha3(nationality: str) -> bool:
    """Empty (unknown) or three letters: the shape of an ISO 3166 alpha-3 code."""
    return not nationality or (len(nationality) == 3 and nationality.isalpha())


def read_registrations(path: Path) -> list[Registration]:
    """All rows of a registrations CSV, or an error naming the file and the first bad row.

    Read a column at a time: each distinct value (a handful of sexes and nationalities, a few
    hundred dates) is checked and parsed once, then the records are built in one pass; row by
    row, reading took as long as encoding."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise LinkageInputError(f"{path.name}: missing columns {', '.join(missing)}")
            rows = [row for row in reader if row]  # blank lines are skipped
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise LinkageInputError(f"{path.name}: cannot be read as UTF-8 CSV: {error}") from error
    width = len(header)
    if any(len(row) != width for row in rows):  # short rows (trailing cells left out) or long
        rows = [(row + [""] * width)[:width] for row in rows]
    read = [list(map(str.strip, column)) for column in zip(*rows, strict=True)] or [
        [] for _ in header
    ]
    position = {name: i for i, name in enumerate(header)}  # a repeated column: the last one
    empty = [""] * len(rows)
    column = {
        c: read[position[c]] if c in position else empty for c in (*COLUMNS, *OPTIONAL_COLUMNS)
    }

    ids = column["record_id"]
    sex_of = {v: v.lower() for v in set(column["sex"])}
    nationality_of = {v: v.upper() for v in set(column["nationality"])}
    age_of = _parsed(set(column["age"]), int)
    date_of = _parsed({*column["birth_date"], *column["registered_on"]}, date.fromisoformat)

    def first_bad(name: str, bad: Callable[[str], bool]) -> int | None:
        wrong = {v for v in set(column[name]) if bad(v)}
        return min(map(column[name].index, wrong)) if wrong else None

    problems = [  # (first row, column, message): a row's problems are reported in this order
        (first_bad("record_id", lambda v: not v), "record_id", "record_id is empty"),
        (_first_repeated(ids), "record_id", "record_id {!r} appears twice"),
        (
            first_bad("sex", lambda v: bool(v) and sex_of[v] not in ACCEPTED_SEXES),
            "sex",
            "sex {!r} is not female/male/unknown",
        ),
        (first_bad("age", lambda v: v not in age_of), "age", "age {!r} is not a whole number"),
        (
            first_bad("nationality", lambda v: not _alpha3(nationality_of[v])),
            "nationality",
            "nationality {!r} is not ISO alpha-3",
        ),
        *(
            (
                first_bad(name, lambda v: v not in date_of),
                name,
                f"{name} {{!r}} is not an ISO date (YYYY-MM-DD)",
            )
            for name in ("birth_date", "registered_on")
        ),
    ]
    found = [(row, order) for order, (row, _, _) in enumerate(problems) if row is not None]
    if found:
        row, order = min(found)
        _, name, message = problems[order]
        # Line numbers as a spreadsheet shows them (the header is line 1).
        raise LinkageInputError(f"{path.name} row {row + 2}: {message.format(column[name][row])}")
    return list(
        map(
            Registration,
            ids,
            column["given_name"],
            column["father_name"],
            column["family_name"],
            [SEXES.get(sex_of[v], "") for v in column["sex"]],
            [date_of[v] for v in column["birth_date"]],
            [age_of[v] for v in column["age"]],
            [date_of[v] for v in column["registered_on"]],
            [nationality_of[v] for v in column["nationality"]],
            column["birth_place"],
            column["mother_name"],
            column["document_number"],
        )
    )
