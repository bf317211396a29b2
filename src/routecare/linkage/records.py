"""Registration CSV files as partners exchange them, checked row by row."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
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
    """All rows of a registrations CSV, or an error naming the file and the first bad row."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise LinkageInputError(f"{path.name}: missing columns {', '.join(missing)}")
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as error:
        raise LinkageInputError(f"{path.name}: cannot be read as UTF-8 CSV: {error}") from error
    registrations: list[Registration] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):  # line numbers as a spreadsheet shows them
        where = f"{path.name} row {number}"
        value = {c: (row.get(c) or "").strip() for c in COLUMNS + OPTIONAL_COLUMNS}
        if not value["record_id"]:
            raise LinkageInputError(f"{where}: record_id is empty")
        if value["record_id"] in seen:
            raise LinkageInputError(f"{where}: record_id {value['record_id']!r} appears twice")
        seen.add(value["record_id"])
        sex = value["sex"].lower()
        if sex and sex not in SEXES and sex not in ("u", "unknown", "other"):
            raise LinkageInputError(f"{where}: sex {value['sex']!r} is not female/male/unknown")
        try:
            age = int(value["age"]) if value["age"] else None
        except ValueError as error:
            raise LinkageInputError(
                f"{where}: age {value['age']!r} is not a whole number"
            ) from error
        nationality = value["nationality"].upper()
        if nationality and (len(nationality) != 3 or not nationality.isalpha()):
            raise LinkageInputError(
                f"{where}: nationality {value['nationality']!r} is not ISO alpha-3"
            )
        registrations.append(
            Registration(
                record_id=value["record_id"],
                given_name=value["given_name"],
                father_name=value["father_name"],
                family_name=value["family_name"],
                sex=SEXES.get(sex, ""),
                birth_date=_date(value["birth_date"], "birth_date", where),
                age=age,
                registered_on=_date(value["registered_on"], "registered_on", where),
                nationality=nationality,
                birth_place=value["birth_place"],
                mother_name=value["mother_name"],
                document_number=value["document_number"],
            )
        )
    return registrations
