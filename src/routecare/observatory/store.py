"""The fact store: Parquet files under DATA_DIR/observatory/facts, read with DuckDB.

One file per bucket of subjects (`facts.BUCKETS` for children, as many for screenings of people
without a child record). A refresh rebuilds only the buckets with a change since the previous
refresh, each written to a temporary file and renamed over the old one, so a reader never sees
half a bucket. Rows inside a file are sorted by their values, not by record, so even their
order says nothing about which case they came from.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]  # no stubs in the lock
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.observatory.facts import (
    BUCKETS,
    COLUMNS,
    Fact,
    changed_buckets,
    child_facts,
    unlinked_screening_facts,
)

SCHEMA = pa.schema([(name, pa.string()) for name in COLUMNS])
# Writes whose timestamps were taken just before a refresh began may commit during it: the next
# refresh looks this far back again (rebuilding a bucket twice is harmless).
OVERLAP = timedelta(minutes=5)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RefreshReport:
    buckets: int  # files rebuilt
    rows: int  # fact rows written into them
    full: bool


def facts_dir(deployment: Deployment) -> Path:
    return deployment.settings.data_dir / "observatory" / "facts"


def _state_file(deployment: Deployment) -> Path:
    return facts_dir(deployment).parent / "refresh.json"


def last_refresh(deployment: Deployment) -> datetime | None:
    """When the fact store's last refresh began (None: never refreshed)."""
    path = _state_file(deployment)
    if not path.exists():
        return None
    return datetime.fromisoformat(json.loads(path.read_text())["started_at"])


def snapshot(refreshed_at: datetime | None) -> str:
    """The fact store's name as a release's dataset: the refresh it was read after
    (`last_refresh`). A release from the store is replayable while this snapshot stands."""
    return f"facts:{refreshed_at.isoformat() if refreshed_at else 'never'}"


def _same_columns(deployment: Deployment) -> bool:
    """Whether the store's files have today's columns: after an upgrade that adds a column,
    every bucket is rebuilt, so no file is left with the old schema."""
    path = _state_file(deployment)
    return path.exists() and json.loads(path.read_text()).get("columns") == list(COLUMNS)


def refresh(
    deployment: Deployment, *, full: bool = False, progress: Progress | None = None
) -> RefreshReport:
    """Rebuild the buckets changed since the last refresh (all of them when `full` or never
    refreshed); `progress(done, total)` is called after each bucket."""
    started_at = utcnow()
    previous = None if full or not _same_columns(deployment) else last_refresh(deployment)
    directory = facts_dir(deployment)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with deployment.database.transaction() as session:
        if previous is None:
            children, screenings = set(range(BUCKETS)), set(range(BUCKETS))
        else:
            children, screenings = changed_buckets(session, previous - OVERLAP)
    work = [("children", b) for b in sorted(children)] + [
        ("screenings", b) for b in sorted(screenings)
    ]
    rows = 0
    for done, (family, bucket) in enumerate(work, start=1):
        with deployment.database.transaction() as session:
            facts = (child_facts if family == "children" else unlinked_screening_facts)(
                session, bucket, deployment.keyring
            )
        _write(directory / f"{family}-{bucket:02d}.parquet", facts)
        rows += len(facts)
        if progress is not None:
            progress(done, len(work))
    state = _state_file(deployment)
    temporary = state.with_suffix(".tmp")
    state_now = {"started_at": started_at.isoformat(), "columns": list(COLUMNS)}
    temporary.write_text(json.dumps(state_now))
    os.replace(temporary, state)
    return RefreshReport(buckets=len(work), rows=rows, full=previous is None)


def _write(path: Path, facts: list[Fact]) -> None:
    ordered = sorted(facts, key=lambda fact: tuple(fact[name] for name in COLUMNS))
    table = pa.Table.from_pylist(ordered, schema=SCHEMA)
    temporary = path.with_suffix(".tmp")
    pq.write_table(table, temporary)
    os.replace(temporary, path)


def connect(deployment: Deployment) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the view `facts` over the store's files (empty before the
    first refresh)."""
    connection = duckdb.connect(":memory:")
    directory = facts_dir(deployment)
    if any(directory.glob("*.parquet")):
        pattern = str(directory / "*.parquet").replace("'", "''")
        connection.execute(f"CREATE VIEW facts AS SELECT * FROM read_parquet('{pattern}')")
    else:
        columns = ", ".join(f"CAST(NULL AS VARCHAR) AS {name}" for name in COLUMNS)
        connection.execute(f"CREATE VIEW facts AS SELECT {columns} WHERE false")
    return connection
