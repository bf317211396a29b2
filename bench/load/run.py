"""Load benchmark: case list, case search and placement under 20 concurrent users on
PostgreSQL with a country's worth of data. One command:

    uv run python bench/load/run.py            # 100k cases, 1M notes/tasks, 20k services
    uv run python bench/load/run.py --small    # 10k cases, 100k notes/tasks, 2k services

A throwaway PostgreSQL server is started (as the test suite does), filled through COPY, and the
app is served by uvicorn in its own process on 127.0.0.1; the load generator runs here.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # for tests.postgres_server: one way to start a throwaway server

from populate import Population, Sizes, populate  # noqa: E402
from tests.postgres_server import postgres_admin_url  # noqa: E402
from users import Results, Task, run_users  # noqa: E402

from routecare.config import Settings  # noqa: E402
from routecare.crypto.keyring import Keyring  # noqa: E402
from routecare.deployment import Deployment  # noqa: E402
from routecare.storage.migrate import upgrade  # noqa: E402

FULL = Sizes(cases=100_000, notes=700_000, tasks=300_000, services=20_000)
SMALL = Sizes(cases=10_000, notes=70_000, tasks=30_000, services=2_000)
TARGET_MS = {"case list": 200, "case search": 200, "placement": 50}
WEIGHTS = {"case list": 4, "case search": 3, "placement": 3}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tasks(population: Population) -> dict[str, tuple[float, Task]]:
    def case_list(client: httpx.Client, rng: random.Random) -> httpx.Response:
        return client.get("/api/v1/cases", params={"limit": 50, "offset": rng.randint(0, 20) * 50})

    def case_search(client: httpx.Client, rng: random.Random) -> httpx.Response:
        return client.post(
            "/api/v1/cases/search", json={"name": rng.choice(population.search_names)}
        )

    def placement(client: httpx.Client, rng: random.Random) -> httpx.Response:
        body = {
            "latitude": rng.uniform(13.0, 20.0),
            "longitude": rng.uniform(2.0, 12.0),
            "age": rng.randint(10, 17),
            "sex": rng.choice(["male", "female"]),
        }
        return client.post("/api/v1/placement/requests", json=body)

    return {
        "case list": (WEIGHTS["case list"], case_list),
        "case search": (WEIGHTS["case search"], case_search),
        "placement": (WEIGHTS["placement"], placement),
    }


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _table(results: Results, seconds: float) -> bool:
    print(
        f"\n{'endpoint':<12} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'max ms':>8} {'target':>7}  result"
    )
    passed = True
    for name, target in TARGET_MS.items():
        values = results.latencies_ms.get(name, [])
        errors = results.errors.get(name, 0)
        if not values:
            print(f"{name:<12} {'0':>8}")
            passed = False
            continue
        p95 = _percentile(values, 0.95)
        ok = p95 < target and errors == 0
        passed &= ok
        print(
            f"{name:<12} {len(values):>8} {errors:>6} {statistics.median(values):>8.1f} "
            f"{p95:>8.1f} {max(values):>8.1f} {'<' + str(target):>7}  {'pass' if ok else 'FAIL'}"
        )
    total = sum(len(v) for v in results.latencies_ms.values())
    print(
        f"\n{total} requests in {seconds:.0f} s ({total / seconds:.1f}/s), 20 users, "
        f"think time 0.5–1.5 s"
    )
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a tenth of the data, 20 s of load")
    parser.add_argument("--seconds", type=float, help="load duration (default 60, --small 20)")
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    sizes = SMALL if args.small else FULL
    seconds = args.seconds or (20 if args.small else 60)
    with postgres_admin_url() as admin_url, tempfile.TemporaryDirectory() as data_dir:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('CREATE DATABASE "routecare_bench"'))
        admin.dispose()
        url = (
            make_url(admin_url)
            .set(database="routecare_bench")
            .render_as_string(hide_password=False)
        )
        Keyring.generate().save(Path(data_dir) / "keyring.json")
        settings = Settings(data_dir=Path(data_dir), database_url=url)
        deployment = Deployment.open(settings, create_keyring=True)
        upgrade(deployment.database)
        started = time.monotonic()
        print(f"populating: {sizes}")
        population = populate(deployment, sizes)
        print(f"populated in {time.monotonic() - started:.0f} s")
        deployment.close()
        port = _free_port()
        env = {**os.environ, "ROUTECARE_DATABASE_URL": url, "ROUTECARE_DATA_DIR": data_dir}
        server = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from routecare.cli import main; main()",
                "serve",
                "--port",
                str(port),
                "--data-dir",
                data_dir,
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_for(base_url)
            tokens = (population.tokens * (args.users // len(population.tokens) + 1))[: args.users]
            run_users(base_url, tokens[:2], _tasks(population), 3)  # warm-up
            results = run_users(base_url, tokens, _tasks(population), seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
        return 0 if _table(results, seconds) else 1


def _wait_for(base_url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the app server did not start")


if __name__ == "__main__":
    sys.exit(main())
