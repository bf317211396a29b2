"""Screening benchmarks: scoring throughput on one core, and a 100,000-row Kobo CSV import
on SQLite and on PostgreSQL (then the same file again, which must add nothing).

    uv run python bench/screening/run.py [--rows 100000] [--scorings 200000]

Prints a table. Targets (issue 4): ≥ 20,000 screenings/s; import < 60 s on each backend.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # for tests.postgres_server and the Kobo export builder

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from tests.postgres_server import postgres_admin_url  # noqa: E402
from tests.screening.kobo import kobo_csv  # noqa: E402

from routecare.config import Settings  # noqa: E402
from routecare.crypto.keyring import Keyring  # noqa: E402
from routecare.deployment import Deployment  # noqa: E402
from routecare.screening.actions import import_submissions  # noqa: E402
from routecare.screening.catalogue import CatalogueRegistry  # noqa: E402
from routecare.screening.engine import AgeBasis, Engine  # noqa: E402
from routecare.storage.migrate import upgrade  # noqa: E402


def synthetic_rows(count: int, seed: int = 1) -> list[dict[str, object]]:
    """Answers as field teams record them: most questions no, a few yes."""
    catalogue = CatalogueRegistry().get()
    rng = random.Random(seed)
    ids = list(catalogue.by_id)
    rows: list[dict[str, object]] = []
    for _ in range(count):
        basis = rng.choice(["claimed", "claimed", "estimated", "documented", "unknown"])
        answers = {i: rng.random() < 0.08 for i in ids}
        rows.append(
            {
                "age": None if basis == "unknown" else rng.randint(11, 22),
                "age_basis": basis,
                "answers": answers,
            }
        )
    return rows


def bench_scoring(count: int) -> tuple[float, float]:
    """Screenings per second of wall time and of CPU time (the latter is steadier on a busy
    machine, where other processes share the core)."""
    engine = Engine(CatalogueRegistry().get())
    rows = synthetic_rows(2000)
    prepared = [(r["answers"], r["age"], AgeBasis(str(r["age_basis"]))) for r in rows]
    start, cpu_start = time.perf_counter(), time.process_time()
    for n in range(count):
        answers, age, basis = prepared[n % len(prepared)]
        engine.score(answers, age, basis)  # type: ignore[arg-type]
    return count / (time.perf_counter() - start), count / (time.process_time() - cpu_start)


def bench_import(database_url: str, export: Path) -> tuple[float, float, int, int]:
    with tempfile.TemporaryDirectory() as data_dir:
        Keyring.generate().save(Path(data_dir) / "keyring.json")
        deployment = Deployment.open(
            Settings(data_dir=Path(data_dir), database_url=database_url), create_keyring=True
        )
        upgrade(deployment.database)
        start = time.perf_counter()
        first, _ = import_submissions(
            deployment, export, organisation_id=None, catalogue="routecare-core-1.0"
        )
        first_seconds = time.perf_counter() - start
        start = time.perf_counter()
        again, _ = import_submissions(
            deployment, export, organisation_id=None, catalogue="routecare-core-1.0"
        )
        again_seconds = time.perf_counter() - start
        deployment.close()
    return first_seconds, again_seconds, first.imported, again.imported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--scorings", type=int, default=200_000)
    args = parser.parse_args()
    all_cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(all_cores)})  # scoring on one core, as the target says
    per_wall_second, per_cpu_second = bench_scoring(args.scorings)
    os.sched_setaffinity(0, all_cores)  # else the PostgreSQL server started below inherits it
    with tempfile.TemporaryDirectory() as work:
        export = kobo_csv(
            Path(work) / "kobo.csv", CatalogueRegistry().get(), synthetic_rows(args.rows)
        )
        results = {"sqlite": bench_import(f"sqlite:///{work}/bench.sqlite3", export)}
        with postgres_admin_url() as admin_url:
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text('CREATE DATABASE "bench_screening"'))
            admin.dispose()
            url = make_url(admin_url).set(database="bench_screening")
            results["postgresql"] = bench_import(url.render_as_string(hide_password=False), export)
    print(f"\nScreening benchmark (scoring on 1 core; {args.rows:,} Kobo rows)\n")
    print("| measure | value | target |\n|---|---|---|")
    print(
        f"| scoring | {per_wall_second:,.0f} screenings/s wall, {per_cpu_second:,.0f}/s CPU "
        "| ≥ 20,000/s |"
    )
    for backend, (first, again, imported, added) in results.items():
        print(f"| import {backend} | {first:.1f} s ({imported:,} rows) | < 60 s |")
        print(f"| re-import {backend} | {again:.1f} s, {added} added | adds nothing |")


if __name__ == "__main__":
    main()
