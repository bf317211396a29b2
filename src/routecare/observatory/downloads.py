"""A protected table as a file: CSV with an HXL hashtag row, JSON, XLSX or Parquet.

Every format holds the same rows (one per cell and margin: the dimensions' values, `count`,
`suppressed`), so a table downloaded twice in two formats says the same thing.
"""

from __future__ import annotations

import csv
import io

import pyarrow as pa  # type: ignore[import-untyped]  # no stubs in the lock
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from openpyxl import Workbook

from routecare.observatory.facts import COLUMNS
from routecare.observatory.schemas import PER_VALUE, CrossTabOut, Format

MEDIA_TYPES = {
    Format.CSV: "text/csv; charset=utf-8",
    Format.JSON: "application/json",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.PARQUET: "application/vnd.apache.parquet",
}
COUNT_TAG = "#affected+num"
SUPPRESSED_TAG = "#meta+suppressed"


def header(table: CrossTabOut) -> list[str]:
    return [dimension.value for dimension in table.dimensions] + ["count", "suppressed"]


def hashtags(table: CrossTabOut) -> list[str]:
    """The HXL row: each dimension's hashtag (facts.COLUMNS), then the count's."""
    return [
        COLUMNS[PER_VALUE.get(dimension.value, dimension.value)] for dimension in table.dimensions
    ] + [
        COUNT_TAG,
        SUPPRESSED_TAG,
    ]


def rows(table: CrossTabOut) -> list[list[str | int | bool | None]]:
    return [[*cell.key, cell.count, cell.suppressed] for cell in table.cells]


def render(table: CrossTabOut, file_format: Format) -> bytes:
    """The file's bytes in `file_format`."""
    if file_format is Format.JSON:
        return table.model_dump_json().encode()
    if file_format is Format.CSV:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerows([header(table), hashtags(table)])
        writer.writerows(
            [*row[:-2], "" if row[-2] is None else row[-2], str(row[-1]).lower()]
            for row in rows(table)
        )
        return text.getvalue().encode()
    if file_format is Format.XLSX:
        book = Workbook()
        sheet = book.active
        assert sheet is not None  # a new workbook has one sheet
        sheet.title = "table"
        sheet.append(header(table))
        sheet.append(hashtags(table))
        for row in rows(table):
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    columns = list(zip(*rows(table), strict=True)) or [()] * len(header(table))
    types = [pa.string()] * len(table.dimensions) + [pa.int64(), pa.bool_()]
    arrow = pa.table(
        [pa.array(list(values), type=kind) for values, kind in zip(columns, types, strict=True)],
        names=header(table),
    )
    buffer = io.BytesIO()
    pq.write_table(arrow, buffer)
    return buffer.getvalue()


def filename(table: CrossTabOut, file_format: Format) -> str:
    return f"observatory-{'-'.join(d.value for d in table.dimensions)}.{file_format.value}"
