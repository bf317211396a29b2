"""Reading a database backup file the way an attacker holding one would: every table's rows."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

from tests.postgres_server import _binary

Rows = dict[str, list[dict[str, Any]]]


def backup_rows(backup: Path, is_sqlite: bool) -> Rows:
    """Every row of every table in a `routecare db backup` file (SQLite or pg_dump)."""
    if is_sqlite:
        with closing(sqlite3.connect(backup)) as db:
            db.row_factory = sqlite3.Row
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {
                name: [dict(row) for row in db.execute(f'SELECT * FROM "{name}"')] for name in names
            }
    dump = subprocess.run(
        [_binary("pg_restore"), "--data-only", "--file=-", str(backup)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    tables: Rows = {}
    lines = iter(dump.splitlines())
    for line in lines:
        if not line.startswith("COPY "):
            continue
        name = line.split()[1].split(".")[-1].strip('"')
        columns = [
            c.strip().strip('"') for c in line[line.index("(") + 1 : line.index(")")].split(",")
        ]
        rows = tables.setdefault(name, [])
        for record in lines:
            if record == "\\.":
                break
            rows.append(dict(zip(columns, map(_copy_value, record.split("\t")), strict=True)))
    return tables


def _copy_value(text: str) -> Any:
    if text == "\\N":
        return None
    if text.startswith("\\\\x"):
        return bytes.fromhex(text[3:])
    return text.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\")
