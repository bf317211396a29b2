"""Consistent copies of the main database, and putting one back: SQLite's online backup API,
pg_dump/pg_restore for PostgreSQL. The database alone: keys live elsewhere (keyring, key store).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import MetaData
from sqlalchemy.engine import URL, make_url

from routecare.errors import InvalidInput
from routecare.storage.database import Database


def backup_database(database: Database, target: Path) -> None:
    """Write a consistent copy of the database to `target` (owner-only), even while it serves."""
    temporary = target.with_name(target.name + ".partial")
    temporary.unlink(missing_ok=True)
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if database.is_sqlite:
            live, copy = sqlite3.connect(_sqlite_path(database)), sqlite3.connect(temporary)
            with closing(live), closing(copy):
                live.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        else:
            url, env = _libpq(database)
            _run(
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={temporary}",
                f"--dbname={url}",
                env=env,
            )
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def backup_key_check(database: Database, source: Path) -> tuple[str, str] | None:
    """(deployment id, key check value) recorded in a backup file, read without restoring it;
    None when the backup holds none. InvalidInput when the file is not such a backup."""
    if not source.is_file():
        raise InvalidInput(f"no backup file at {source}")
    if database.is_sqlite:
        try:
            with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as db:
                tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
                if "key_check" not in tables:
                    return None
                row = db.execute("SELECT deployment_id, check_value FROM key_check").fetchone()
        except sqlite3.DatabaseError as error:
            raise InvalidInput(f"{source} is not a SQLite database backup") from error
        return (str(row[0]), str(row[1])) if row else None
    listing = _run("pg_restore", "--list", str(source), check=False)
    if listing.returncode != 0:
        raise InvalidInput(f"{source} is not a pg_dump backup (custom format)")
    data = _run("pg_restore", "--data-only", "--table=key_check", "--file=-", str(source)).stdout
    match = re.search(r"^COPY \S*key_check \(([^)]*)\) FROM stdin;\n(.*?)^\\\.$", data, re.M | re.S)
    if match is None or not match.group(2).strip():
        return None
    columns = [name.strip().strip('"') for name in match.group(1).split(",")]
    values = dict(zip(columns, match.group(2).splitlines()[0].split("\t"), strict=True))
    return values["deployment_id"], values["check_value"]


def restore_database(database: Database, source: Path) -> None:
    """Replace the database's content by the backup's (stop the server first)."""
    database.dispose()
    if database.is_sqlite:
        with (
            closing(sqlite3.connect(source)) as backup,
            closing(sqlite3.connect(_sqlite_path(database))) as live,
        ):
            backup.backup(live)
        return
    dumped = set(
        re.findall(
            r"^\d+; \d+ \d+ TABLE \S+ (\S+) ",
            _run("pg_restore", "--list", str(source)).stdout,
            re.M,
        )
    )
    newer = MetaData()
    newer.reflect(database.engine)
    with database.engine.begin() as connection:
        for table in reversed(newer.sorted_tables):
            if table.name not in dumped:  # tables of a newer schema than the backup's
                table.drop(connection)
    database.dispose()
    url, env = _libpq(database)
    _run(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={url}",
        str(source),
        env=env,
    )


def _sqlite_path(database: Database) -> str:
    return str(make_url(database.url).database)


def _libpq(database: Database) -> tuple[str, dict[str, str]]:
    """The libpq form of the URL, its password passed in the environment (never in argv)."""
    url: URL = make_url(database.url)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _binary(name: str) -> str:
    """The newest installed PostgreSQL client (it must not be older than the server)."""
    installed = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    found = str(installed[-1]) if installed else shutil.which(name)
    if found is None:
        raise InvalidInput(f"PostgreSQL's {name} is not installed")
    return found


def _run(
    name: str, *arguments: str, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [_binary(name), *arguments], capture_output=True, text=True, env=env, check=False
    )
    if check and done.returncode != 0:
        raise InvalidInput(f"{name} failed: {done.stderr.strip()}")
    return done
