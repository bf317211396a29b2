"""Person-level facts files (`routecare observatory release FACTS.csv`): the header and every
value checked, then counted by the chosen dimensions, all inside DuckDB so a file of millions
of rows is read and aggregated in seconds.

Errors name the column and the line, never a value (a facts file is about children).
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import duckdb

from routecare.cases.vocabulary import Exploitation
from routecare.errors import InvalidInput
from routecare.observatory.age_bands import CTDC, UNKNOWN, AgeScheme

COLUMNS = (
    "record_id",
    "reporting_country",
    "nationality",
    "sex",
    "age",
    "exploitation_type",
    "year",
    "route",
)
SEXES = ("female", "male", "other", "unknown")
DIMENSIONS = (
    "reporting_country",
    "nationality",
    "sex",
    "age_band",
    "exploitation_type",
    "year",
    "route",
)
# Dimensions whose categories are fixed in advance (the rest come from the data), with CTDC's
# age bands, the default scheme (`categories`).
PUBLIC_CATEGORIES: dict[str, tuple[str, ...]] = {
    "sex": SEXES,
    "age_band": CTDC.labels,
    "exploitation_type": (*(value.value for value in Exploitation), UNKNOWN),
}


def categories(dimensions: list[str], scheme: AgeScheme = CTDC) -> dict[str, tuple[str, ...]]:
    """The fixed categories of those of `dimensions` that have them, age bands by `scheme`."""
    fixed = {**PUBLIC_CATEGORIES, "age_band": scheme.labels}
    return {name: fixed[name] for name in dimensions if name in fixed}


COUNTRY = "^[A-Z]{3}$"
# (column, SQL condition a valid value meets, what the rule is): NULL is an empty field.
RULES = (
    ("record_id", "record_id IS NOT NULL", "required"),
    ("reporting_country", f"regexp_full_match(reporting_country, '{COUNTRY}')", "ISO alpha-3"),
    (
        "nationality",
        f"nationality IS NULL OR regexp_full_match(nationality, '{COUNTRY}')",
        "empty or ISO alpha-3",
    ),
    ("sex", f"sex IN {SEXES}", "one of " + ", ".join(SEXES)),
    (
        "age",
        "age IS NULL OR (regexp_full_match(age, '[0-9]{1,3}') AND TRY_CAST(age AS INTEGER) <= 120)",
        "empty or whole years from 0 to 120",
    ),
    (
        "exploitation_type",
        f"exploitation_type IS NULL OR exploitation_type IN {tuple(e.value for e in Exploitation)}",
        "empty or an HTCDS vic_TypeOfExploitation value",
    ),
    ("year", "regexp_full_match(year, '(19|20)[0-9]{2}')", "a year such as 2026"),
    (
        "route",
        "route IS NULL OR regexp_full_match(route, '[A-Z]{3}(>[A-Z]{3})*')",
        "empty or ISO alpha-3 codes joined by '>'",
    ),
)


def content_hash(path: Path) -> str:
    """The dataset's identity in the privacy-budget ledger: the same facts, the same budget."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return f"sha256:{digest.hexdigest()}"


def check_dimensions(by: list[str]) -> None:
    unknown = [name for name in by if name not in DIMENSIONS]
    if unknown:
        raise InvalidInput(f"unknown dimension {unknown[0]!r}; choose from {', '.join(DIMENSIONS)}")


def count_facts(path: Path, by: list[str], scheme: AgeScheme = CTDC) -> dict[tuple[str, ...], int]:
    """Children per combination of the `by` dimensions (absent combinations are zero), after
    every line of the file is checked; ages banded by `scheme`."""
    return count_facts_by(path, [by], scheme)[0]


def count_facts_by(
    path: Path, groupings: list[list[str]], scheme: AgeScheme = CTDC
) -> list[dict[tuple[str, ...], int]]:
    """`count_facts` for several groupings, reading and checking the file once."""
    for by in groupings:
        check_dimensions(by)
    counted = []
    with duckdb.connect() as connection:
        load(connection, path)
        for by in groupings:
            expressions = ", ".join(
                f"coalesce({dimension_sql(name, scheme)}, '{UNKNOWN}')" for name in by
            )
            rows = connection.execute(
                f"SELECT {expressions}, count(*) FROM facts GROUP BY ALL"  # noqa: S608
            ).fetchall()
            counted.append({tuple(str(value) for value in row[:-1]): int(row[-1]) for row in rows})
    return counted


def load(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    """The file as table `facts`, or InvalidInput naming the first thing wrong in it. One scan
    checks every rule; only a failing file is scanned again, with line numbers, to say where."""
    check_header(path)
    connection.execute("SET enable_progress_bar = false")
    columns = {name: "VARCHAR" for name in COLUMNS}
    try:
        connection.execute(
            "CREATE TABLE facts AS SELECT * FROM "
            "read_csv(?, header = false, skip = 1, columns = ?, delim = ',', quote = '\"', "
            "escape = '\"', strict_mode = true, null_padding = false, auto_detect = false)",
            [str(path), columns],
        )
    except duckdb.Error as error:
        raise InvalidInput(f"{path.name}: {_csv_problem(error)}") from None
    checks = ", ".join(f"bool_and(coalesce({condition}, false))" for _, condition, _ in RULES)
    verdicts = connection.execute(
        f"SELECT {checks}, count(*) = count(DISTINCT record_id) FROM facts"  # noqa: S608
    ).fetchone()
    assert verdicts is not None
    numbered = "(SELECT row_number() OVER () + 1 AS line, * FROM facts)"
    for (column, condition, rule), valid in zip(RULES, verdicts, strict=False):
        if valid is False:
            line = connection.execute(
                f"SELECT min(line) FROM {numbered} WHERE NOT coalesce({condition}, false)"  # noqa: S608
            ).fetchone()
            assert line is not None
            raise InvalidInput(f"{path.name} line {line[0]}: column {column} must be {rule}")
    if verdicts[-1] is False:
        duplicate = connection.execute(
            f"SELECT line, first FROM (SELECT line, min(line) OVER (PARTITION BY record_id) "  # noqa: S608
            f"AS first FROM {numbered}) WHERE line > first ORDER BY line LIMIT 1"
        ).fetchone()
        assert duplicate is not None
        raise InvalidInput(
            f"{path.name} line {duplicate[0]}: column record_id repeats line {duplicate[1]}"
        )


def check_header(path: Path) -> None:
    """Every column of the contract, in order, whatever the release counts by."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            header = next(csv.reader(file), [])
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            f"{path.name}: cannot be read as UTF-8 CSV ({type(error).__name__})"
        ) from None
    header = [name.strip() for name in header]
    for name in COLUMNS:
        if name not in header:
            raise InvalidInput(f"{path.name}: column {name} is missing from the header")
    for name in header:
        if name not in COLUMNS:
            raise InvalidInput(f"{path.name}: column {name!r} is not part of the facts format")
    if tuple(header) != COLUMNS:
        raise InvalidInput(f"{path.name}: the header must list {','.join(COLUMNS)} in order")


def dimension_sql(name: str, scheme: AgeScheme = CTDC) -> str:
    """The column, or for `age_band` the age banded by `scheme`."""
    return scheme.sql("age") if name == "age_band" else name


def _csv_problem(error: Exception) -> str:
    """Where DuckDB found the file malformed, without the line itself (it holds values)."""
    text = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    columns = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    where = f"line {line.group(1)}: " if line else ""
    if columns:
        return f"{where}{columns.group(2)} fields where the header has {columns.group(1)}"
    return f"{where}not a well-formed CSV file"
