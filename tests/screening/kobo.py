"""Building ODK Central / KoboToolbox exports of the routecare form, as the field tools do."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from routecare.screening.catalogue import Catalogue


def kobo_csv(
    path: Path, catalogue: Catalogue, rows: list[dict[str, object]], delimiter: str = ";"
) -> Path:
    """A Kobo CSV export: XPath headers (`g_purpose/purpose.x`), `meta/instanceID`, `_uuid`."""
    indicator_columns = [f"g_{i.element.value}/{i.id}" for i in catalogue.indicators]
    header = [
        "start",
        "end",
        "age_basis",
        "age",
        "location",
        "interpreter_language",
        "form_version",
        *indicator_columns,
        "meta/instanceID",
        "_id",
        "_uuid",
        "_submission_time",
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        for number, row in enumerate(rows, start=1):
            answers = row.get("answers", {})
            assert isinstance(answers, dict)
            uuid = str(row.get("uuid", f"00000000-0000-4000-8000-{number:012d}"))
            writer.writerow(
                [
                    "2026-11-20T08:00:00",
                    "2026-11-20T08:10:00",
                    row.get("age_basis", "claimed"),
                    "" if row.get("age") is None else row.get("age"),
                    row.get("location", "Agadez"),
                    "ff",
                    row.get("form_version", catalogue.key),
                    *[_value(answers.get(i.id)) for i in catalogue.indicators],
                    f"uuid:{uuid}",
                    number,
                    uuid,
                    "2026-11-20T09:00:00",
                ]
            )
    return path


def _value(answer: object) -> str:
    """A boolean as Kobo writes it; anything else verbatim (to test bad values)."""
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    return "" if answer is None else str(answer)


def odk_central_json(path: Path, catalogue: Catalogue, rows: list[dict[str, object]]) -> Path:
    """An ODK Central OData export: groups as nested objects, `__id` as the instance id."""
    records = []
    for number, row in enumerate(rows, start=1):
        answers = row.get("answers", {})
        assert isinstance(answers, dict)
        record: dict[str, object] = {
            "__id": f"uuid:11111111-0000-4000-8000-{number:012d}",
            "age_basis": row.get("age_basis", "claimed"),
            "age": row.get("age"),
            "form_version": catalogue.key,
        }
        for indicator in catalogue.indicators:
            group = record.setdefault(f"g_{indicator.element.value}", {})
            assert isinstance(group, dict)
            group[indicator.id] = (
                ("yes" if answers[indicator.id] else "no") if indicator.id in answers else None
            )
        records.append(record)
    path.write_text(json.dumps({"value": records}), encoding="utf-8")
    return path
