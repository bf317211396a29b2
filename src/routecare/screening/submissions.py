"""Reading ODK Central and KoboToolbox exports (CSV or JSON) of the routecare XLSForm.

Exports name columns by the question's path: Kobo `g_purpose/purpose.unpaid_work` (or just the
name), ODK Central `g_purpose-purpose.unpaid_work`, and nested objects in JSON. All are mapped
back to the question name. A structural problem (a missing question, another form version,
no instance id) rejects the whole file; a bad value rejects only its row, named by number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from routecare.screening.catalogue import Catalogue
from routecare.screening.engine import AgeBasis
from routecare.screening.xlsform import GROUP_PREFIX

INSTANCE_ID_COLUMNS = ("instanceID", "_uuid", "KEY", "__id")
YES = {"yes", "1", "true", "oui", "نعم"}
NO = {"no", "0", "false", "non", "لا"}
ANSWER = {"": None} | dict.fromkeys(YES, True) | dict.fromkeys(NO, False)  # one lookup per cell
REQUIRED = ("age_basis", "age", "form_version")


class SubmissionFileError(ValueError):
    """The file cannot be imported at all; nothing of it is imported."""


@dataclass(frozen=True)
class Submission:
    row: int  # 1-based data row (the header is row 0), as a spreadsheet user counts
    instance_id: str
    age: int | None
    age_basis: AgeBasis
    answers: dict[str, bool]
    location: str | None
    interpreter_language: str | None


@dataclass
class ParsedFile:
    submissions: list[Submission] = field(default_factory=list)
    row_errors: list[str] = field(default_factory=list)


def question_name(column: str) -> str:
    """`g_act/act.x`, `g_act-act.x`, `meta/instanceID`, `meta-instanceID` → the bare name."""
    name = column.strip().rsplit("/", 1)[-1]
    if name.startswith(GROUP_PREFIX) and "-" in name:
        name = name.split("-", 1)[1]
    if name.startswith("meta-"):
        name = name[len("meta-") :]
    return name


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        path = f"{prefix}/{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(_flatten(value, path))
        else:
            flat[path] = value
    return flat


def _read_rows(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SubmissionFileError(f"{path.name}: cannot be read as UTF-8 text: {error}") from error
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SubmissionFileError(f"{path.name}: not valid JSON: {error}") from error
        records = data.get("value", data.get("results")) if isinstance(data, dict) else data
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise SubmissionFileError(f"{path.name}: expected a list of submissions")
        return [_flatten(r) for r in records]
    if not text.strip():
        raise SubmissionFileError(f"{path.name}: the file is empty")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error as error:
        raise SubmissionFileError(f"{path.name}: cannot tell the CSV delimiter") from error
    return list(csv.DictReader(io.StringIO(text), dialect=dialect))


def _columns(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for row in rows:
        for column in row:
            if column is not None:
                names.setdefault(question_name(column), column)
        break
    return names


def _yes_no(value: Any) -> bool | None:
    text = str(value).strip().lower() if value is not None else ""
    try:
        return ANSWER[text]
    except KeyError:
        raise ValueError(f"answer {text[:20]!r} is not yes or no") from None


def parse_submissions(path: Path, catalogue: Catalogue) -> ParsedFile:
    """Check the file's structure, then read each row; see the module docstring."""
    rows = _read_rows(path)
    if not rows:
        raise SubmissionFileError(f"{path.name}: no submissions in the file")
    columns = _columns(rows)
    missing = [n for n in (*REQUIRED, *catalogue.by_id) if n not in columns]
    if missing:
        shown = ", ".join(missing[:8]) + (
            f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        )
        raise SubmissionFileError(
            f"{path.name}: missing columns {shown}; was it exported from the {catalogue.key} form?"
        )
    id_column = next((columns[c] for c in INSTANCE_ID_COLUMNS if c in columns), None)
    if id_column is None:
        raise SubmissionFileError(f"{path.name}: no instance id column (meta/instanceID or _uuid)")
    versions = {str(r.get(columns["form_version"]) or "").strip() for r in rows}
    if versions != {catalogue.key}:
        other = ", ".join(sorted(v or "(empty)" for v in versions - {catalogue.key}))
        raise SubmissionFileError(
            f"{path.name}: submissions of form version {other}; this deployment scores "
            f"{catalogue.key}. Score them with that catalogue or re-collect with the new form."
        )
    parsed = ParsedFile()
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        try:
            parsed.submissions.append(_submission(number, row, columns, id_column, catalogue))
        except ValueError as error:
            parsed.row_errors.append(f"row {number}: {error}")
            continue
        instance = parsed.submissions[-1].instance_id
        if instance in seen:
            parsed.submissions.pop()
            parsed.row_errors.append(f"row {number}: instance id appears twice in the file")
        seen.add(instance)
    return parsed


def _submission(
    number: int, row: dict[str, Any], columns: dict[str, str], id_column: str, catalogue: Catalogue
) -> Submission:
    instance = str(row.get(id_column) or "").strip()
    if not instance:
        raise ValueError("no instance id")
    if not instance.startswith("uuid:"):
        instance = f"uuid:{instance}"
    try:
        basis = AgeBasis(str(row.get(columns["age_basis"]) or "unknown").strip())
    except ValueError as error:
        raise ValueError(
            "age_basis must be documented, assessed, claimed, estimated or unknown"
        ) from error
    raw_age = str(row.get(columns["age"]) or "").strip()
    try:
        age = int(raw_age) if raw_age else None
    except ValueError as error:
        raise ValueError("age is not a whole number") from error
    if age is not None and not 0 <= age <= 30:
        raise ValueError("age must be between 0 and 30")
    answers: dict[str, bool] = {}
    for indicator_id in catalogue.by_id:
        try:
            value = _yes_no(row.get(columns[indicator_id]))
        except ValueError as error:
            raise ValueError(f"{indicator_id}: {error}") from error
        if value is not None:
            answers[indicator_id] = value
    location = str(row.get(columns.get("location", ""), "") or "").strip() or None
    language = str(row.get(columns.get("interpreter_language", ""), "") or "").strip() or None
    return Submission(number, instance[:80], age, basis, answers, location, language)
