"""Registration CSV files as partners exchange them, checked row by row."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from pathlib import Path

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


class LinkageInputError(ValueError):
    """A file or row cannot be used; the message names the file and row."""


@dataclass(frozen=True)
class Registration:
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


def _date(value: str, column: str, where: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise LinkageInputError(
            f"{where}: {column} {value!r} is not an ISO date (YYYY-MM-DD)"
        ) from error


def read_registrations(path: Path) -> list[Registration]:
    """All rows of a registrations CSV, or an error naming the file and the first bad row.
    Rows are read as lists and their columns taken by position: a dict per row costs as much
    as the rest of the reading."""
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
    position = {name: i for i, name in enumerate(header)}  # a repeated column: the last one
    absent = len(header)  # where each row gets an empty value for an absent optional column
    columns = itemgetter(*[position.get(c, absent) for c in COLUMNS + OPTIONAL_COLUMNS])
    registrations: list[Registration] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):  # line numbers as a spreadsheet shows them
        where = f"{path.name} row {number}"
        if len(row) == absent:
            row.append("")
        else:  # a short or a long row
            row = row[:absent] + [""] * (absent + 1 - min(len(row), absent))
        (
            record_id,
            given,
            father,
            family,
            sex_text,
            birth_date,
            age_text,
            registered_on,
            nationality_text,
            birth_place,
            mother,
            document,
        ) = map(str.strip, columns(row))
        if not record_id:
            raise LinkageInputError(f"{where}: record_id is empty")
        if record_id in seen:
            raise LinkageInputError(f"{where}: record_id {record_id!r} appears twice")
        seen.add(record_id)
        sex = sex_text.lower()
        if sex and sex not in SEXES and sex not in ("u", "unknown", "other"):
            raise LinkageInputError(f"{where}: sex {sex_text!r} is not female/male/unknown")
        try:
            age = int(age_text) if age_text else None
        except ValueError as error:
            raise LinkageInputError(f"{where}: age {age_text!r} is not a whole number") from error
        nationality = nationality_text.upper()
        if nationality and (len(nationality) != 3 or not nationality.isalpha()):
            raise LinkageInputError(f"{where}: nationality {nationality_text!r} is not ISO alpha-3")
        registrations.append(
            Registration(
                record_id=record_id,
                given_name=given,
                father_name=father,
                family_name=family,
                sex=SEXES.get(sex, ""),
                birth_date=_date(birth_date, "birth_date", where),
                age=age,
                registered_on=_date(registered_on, "registered_on", where),
                nationality=nationality,
                birth_place=birth_place,
                mother_name=mother,
                document_number=document,
            )
        )
    return registrations
