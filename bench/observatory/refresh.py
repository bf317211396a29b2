"""Fact-store refresh from PostgreSQL: the first (full) refresh, then an incremental refresh
after every case changed (100,000 by default; the target is under 60 s).

Cases are filled through COPY by bench/load/populate.py (identities encrypted for real). Run:
`uv run python bench/observatory/refresh.py [--cases 100000]`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # for tests.postgres_server and bench.load

from bench.load.populate import Sizes, populate  # noqa: E402
from tests.postgres_server import postgres_admin_url  # noqa: E402

from routecare.config import Settings  # noqa: E402
from routecare.crypto.keyring import Keyring  # noqa: E402
from routecare.deployment import Deployment  # noqa: E402
from routecare.observatory.store import connect, refresh  # noqa: E402
from routecare.storage.migrate import upgrade  # noqa: E402

TARGET_SECONDS = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    with postgres_admin_url() as admin_url, tempfile.TemporaryDirectory() as data_dir:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('CREATE DATABASE "routecare_observatory_bench"'))
        admin.dispose()
        url = (
            make_url(admin_url)
            .set(database="routecare_observatory_bench")
            .render_as_string(hide_password=False)
        )
        Keyring.generate().save(Path(data_dir) / "keyring.json")
        settings = Settings(data_dir=Path(data_dir), database_url=url)
        deployment = Deployment.open(settings, create_keyring=True)
        try:
            upgrade(deployment.database)
            populate(deployment, Sizes(cases=args.cases, notes=0, tasks=0, services=50))
            started = time.monotonic()
            first = refresh(deployment)
            full_seconds = time.monotonic() - started
            with deployment.database.transaction() as session:
                session.execute(text("UPDATE cases SET updated_at = now()"))
            started = time.monotonic()
            again = refresh(deployment)
            seconds = time.monotonic() - started
            with connect(deployment) as facts:
                rows = facts.execute("SELECT count(*) FROM facts").fetchone()
        finally:
            deployment.close()
    print(f"full refresh: {first.rows} fact rows, {first.buckets} buckets, {full_seconds:.1f} s")
    print(
        f"incremental refresh after {args.cases} changed cases: {again.rows} fact rows, "
        f"{again.buckets} buckets, {seconds:.1f} s (target < {TARGET_SECONDS:.0f} s) "
        f"{'pass' if seconds < TARGET_SECONDS else 'FAIL'}; store holds {rows[0] if rows else 0}"
    )
    return 0 if seconds < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
