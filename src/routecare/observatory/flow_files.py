"""Reading a flow-monitoring file (CSV or XLSX) into checked rows, or refusing it whole.

Every problem is reported with the row number a spreadsheet shows (the header is row 1), and
nothing is returned unless every row is good, so an import never stores half a file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from openpyxl import load_workbook
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from routecare.errors import InvalidInput

COLUMNS = (
    "date",
    "point",
    "country",
    "admin_area",
    "direction",
    "nationality",
    "men",
    "women",
    "boys",
    "girls",
    "unaccompanied_children",
)
Day = date  # the name `date` is a column below
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Alpha3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class Direction(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class FlowRow(BaseModel):
    """One day's count at one point, for one direction and nationality."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    date: Day
    point: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    country: Alpha3
    admin_area: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}[0-9A-Z]{1,16}$")] | None
    direction: Direction
    nationality: Alpha3
    men: Count
    women: Count
    boys: Count
    girls: Count
    unaccompanied_children: Count

    @property
    def key(self) -> tuple[Day, str, str, str]:
        return (self.date, self.point, self.direction.value, self.nationality)


class FlowFileError(InvalidInput):
    """The file is refused whole; `problems` name each bad row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class FlowFile:
    rows: list[FlowRow]


def read_flow_file(path: Path) -> FlowFile:
    """The file's rows, checked; a FlowFileError lists every problem found."""
    table = _cells(path)
    if not table:
        raise FlowFileError(["the file is empty"])
    header = [str(cell or "").strip().lower() for cell in table[0]]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise FlowFileError([f"missing column: {column}" for column in missing])
    problems: list[str] = []
    rows: list[FlowRow] = []
    first_row: dict[tuple[date, str, str, str], int] = {}
    for number, cells in enumerate(table[1:], start=2):
        values = dict(zip(header, cells, strict=False))
        if all(value in (None, "") for value in values.values()):
            continue
        raw = {column: _blank_to_none(values.get(column)) for column in COLUMNS}
        try:
            row = FlowRow.model_validate(raw)
        except ValidationError as error:
            problems += [
                f"row {number}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                for e in error.errors()
            ]
            continue
        if row.unaccompanied_children > row.boys + row.girls:
            problems.append(f"row {number}: unaccompanied_children: more than boys + girls")
        if row.key in first_row:
            problems.append(
                f"row {number}: duplicate key (date, point, direction, nationality) "
                f"of row {first_row[row.key]}"
            )
        first_row.setdefault(row.key, number)
        rows.append(row)
    if problems:
        raise FlowFileError(problems)
    return FlowFile(rows=rows)


def _cells(path: Path) -> list[list[object]]:
    if path.suffix.lower() == ".xlsx":
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    with path.open(newline="", encoding="utf-8-sig") as stream:
        return [list(row) for row in csv.reader(stream)]


def _blank_to_none(value: object) -> object:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if hasattr(value, "date") and callable(value.date):  # a spreadsheet datetime
        return value.date()
    return value
