"""A copy of the database alone reveals no name: read the raw SQLite file or a pg_dump."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from routecare.deployment import Deployment
from tests.conftest import World, csrf_from

IDENTIFYING = {
    "given_name": "Zaynabou",
    "family_name": "Kourouma-Tembely",
    "other_names": "Zaynab Tembeli",
    "birth_date": "2011-03-17",
    "contact": "+224 620 55 01 77",
    "narrative": "Met in Agadez connection house near the bus station",
}


def _database_bytes(deployment: Deployment) -> bytes:
    url = make_url(deployment.settings.sqlalchemy_url)
    deployment.close()  # flush WAL into the main file and release it
    if url.drivername.startswith("sqlite"):
        path = Path(str(url.database))
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    pg_dump = (
        shutil.which("pg_dump") or sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))[-1]
    )
    dump = subprocess.run(
        [
            str(pg_dump),
            "--host",
            str(url.host),
            "--port",
            str(url.port),
            "--username",
            str(url.username),
            "--data-only",
            str(url.database),
        ],
        check=True,
        capture_output=True,
    )
    return dump.stdout


@pytest.mark.parametrize("edge", ["api", "web"])
def test_no_identifying_string_is_stored_in_clear(world: World, edge: str) -> None:
    body = {**IDENTIFYING, "sex": "female", "age": 13, "nationality": "GIN", "unaccompanied": True}
    if edge == "api":
        response = world.api("case_worker").post("/api/v1/children", json=body)
    else:
        browser = world.browser("case_worker")
        token = csrf_from(browser.get("/").text)
        response = browser.post("/api/v1/children", json=body, headers={"X-CSRF-Token": token})
    assert response.status_code == 201
    reference = response.json()["reference"]
    read_back = world.api("case_worker").get(f"/api/v1/children/{reference}").json()
    assert read_back["family_name"] == IDENTIFYING["family_name"]
    raw = _database_bytes(world.deployment)
    for field, value in IDENTIFYING.items():
        for encoding in ("utf-8", "utf-16-le"):
            assert value.encode(encoding) not in raw, f"{field} found in clear"
    assert reference.encode() in raw  # the search really did look at the data
