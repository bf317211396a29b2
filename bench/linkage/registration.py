"""Registering a child with possible matches, against a deployment of existing children:

    uv run python bench/linkage/registration.py [--existing 10000] [--registrations 30]
                                                [--backend sqlite|postgresql]

Existing children are registered through the product's action (so their encodings are stored
as in production), from the synthetic route data of the linkage tests. Each measured
registration is `POST /api/v1/cases` followed by `GET …/possible-matches`, in process (no
network). Before them the in-memory index is built and the model fitted, as `routecare serve`
does in the background at start ("warm-up").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the tests' route data and throwaway PostgreSQL server

from tests.linkage.route_data import generate  # noqa: E402
from tests.postgres_server import postgres_admin_url  # noqa: E402

from routecare.app import create_app  # noqa: E402
from routecare.auth import actions as auth_actions  # noqa: E402
from routecare.auth.roles import OrganisationKind, Role  # noqa: E402
from routecare.auth.schemas import UserIn  # noqa: E402
from routecare.children.actions import register_child  # noqa: E402
from routecare.children.schemas import ChildIn  # noqa: E402
from routecare.config import Settings  # noqa: E402
from routecare.crypto.keyring import Keyring  # noqa: E402
from routecare.demo.seed import principal_of  # noqa: E402
from routecare.deployment import Deployment  # noqa: E402
from routecare.storage.migrate import upgrade  # noqa: E402


@contextmanager
def database_url(backend: str, data_dir: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{data_dir / 'routecare.sqlite3'}"
        return
    with postgres_admin_url() as url:
        yield url


def child(row: dict[str, str]) -> ChildIn:
    age = int(row["age"]) if row["age"] else None
    return ChildIn(
        given_name=row["given_name"] or "x",
        family_name=row["family_name"] or None,
        other_names=row["father_name"] or None,
        birth_date=date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
        sex=row["sex"],
        age=min(max(age, 0), 30) if age is not None else None,
        nationality=row["nationality"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--existing", type=int, default=10_000)
    parser.add_argument("--registrations", type=int, default=30)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    options = parser.parse_args()
    left, right, _ = generate(options.existing // 2 + options.registrations, seed=5)
    existing, new = left[: options.existing // 2] + right, left[options.existing // 2 :]
    existing = existing[: options.existing]
    with (
        tempfile.TemporaryDirectory() as temporary,
        database_url(options.backend, Path(temporary)) as url,
    ):
        data_dir = Path(temporary) / "data"
        Keyring.generate().save(data_dir / "keyring.json")
        settings = Settings(data_dir=data_dir, database_url=url)
        deployment = Deployment.open(settings, create_keyring=True)
        upgrade(deployment.database)
        organisation = auth_actions.create_organisation(
            deployment, name="Agadez", country="NER", kind=OrganisationKind.NGO
        )
        auth_actions.create_user(
            deployment,
            organisation_id=organisation,
            user=UserIn(username="worker", password="bench password 1234", role=Role.CASE_WORKER),
        )
        principal = principal_of(deployment, "worker")
        started = time.perf_counter()
        for row in existing:
            register_child(deployment, principal, child(row))
        print(
            f"registered {len(existing):,} existing children in "
            f"{time.perf_counter() - started:.0f} s ({options.backend})"
        )
        client = TestClient(create_app(settings, deployment), base_url="https://testserver")
        began = time.perf_counter()
        deployment.linkage_index.warm(deployment.database)
        print(f"warm-up (index built, model fitted): {(time.perf_counter() - began) * 1000:.0f} ms")
        token = auth_actions.issue_api_token(deployment, "worker")
        client.headers["Authorization"] = f"Bearer {token}"
        timings, found = [], 0
        for row in new[: options.registrations]:
            began = time.perf_counter()
            created = client.post("/api/v1/cases", json=child(row).model_dump(mode="json"))
            reference = created.json()["reference"]
            matches = client.get(f"/api/v1/cases/{reference}/possible-matches")
            timings.append(time.perf_counter() - began)
            assert created.status_code == 201 and matches.status_code == 200
            answer = matches.json()
            found += bool(answer["matches"] or answer["sent_for_review"])
        timings.sort()
        print(
            f"registration + possible matches: p50 {statistics.median(timings) * 1000:.0f} ms, "
            f"p95 {timings[int(0.95 * (len(timings) - 1))] * 1000:.0f} ms, "
            f"max {timings[-1] * 1000:.0f} ms "
            f"({found}/{len(timings)} registrations had a possible match)"
        )
        deployment.close()


if __name__ == "__main__":
    main()
