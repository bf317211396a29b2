"""Analysts' cross-tabulations: protected whole, recorded as releases, downloadable in four
formats; an analyst sees no case."""

from __future__ import annotations

import csv
import io
import json

import hxl
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from routecare.audit.models import AuditEntry
from routecare.cases.actions import create_case
from routecare.cases.schemas import CaseIn
from routecare.errors import Conflict
from routecare.observatory.queries import count_facts
from routecare.observatory.releases.models import ObservatoryRelease
from routecare.observatory.releases.queries import release_content
from routecare.observatory.replay import replay_release
from routecare.observatory.schemas import CrossTabQuery
from tests.cli_runner import run_cli
from tests.conftest import World
from tests.observatory.attack import suppressed_bounds

K = 11
# (nationality, age, sex, count): one large group, small ones beside it.
GROUPS = [("GIN", 15, "male", 12), ("GIN", 9, "female", 2), ("MLI", 16, "male", 1)]
QUERY = {"by": ["nationality", "age_band"], "event": "identified"}


def open_cases(world: World) -> None:
    worker = world.principal("case_worker")
    for nationality, age, sex, count in GROUPS:
        for _ in range(count):
            child = CaseIn(
                given_name="Awa", sex=sex, age=age, nationality=nationality, unaccompanied=True
            )
            create_case(world.deployment, worker, child, None)
    assert run_cli(world.deployment, "observatory", "refresh").exit_code == 0


# One world per backend for all three checks: building one costs seconds (password hashes).
def test_analyst_tables_protected_downloadable_recorded_and_validated(world: World) -> None:
    open_cases(world)
    small_cells_are_hidden_and_no_solver_recovers_them(world)
    downloads_say_the_same_in_every_format_and_are_recorded(world)
    bad_queries_are_refused(world)


def small_cells_are_hidden_and_no_solver_recovers_them(world: World) -> None:
    response = world.api("analyst").get("/api/v1/observatory/crosstab", params=QUERY)
    assert response.status_code == 200, response.text
    table = response.json()
    assert table["k"] == K and table["refreshed_at"]
    cells = [(tuple(cell["key"]), cell["count"]) for cell in table["cells"]]
    true = count_facts(world.deployment, CrossTabQuery.model_validate(QUERY))
    assert true == {("GIN", "12-17"): 12, ("GIN", "5-11"): 2, ("MLI", "12-17"): 1}
    shown = {key: count for key, count in cells if count is not None}
    assert not [count for count in shown.values() if 0 < count < K]
    assert ("GIN", "5-11") not in shown and ("MLI", "12-17") not in shown
    for key, (low, high) in suppressed_bounds(cells).items():
        assert high - low >= 1 and high >= K, f"{key} narrowed to [{low}, {high}]"


def downloads_say_the_same_in_every_format_and_are_recorded(world: World) -> None:
    analyst = world.api("analyst")
    path = "/api/v1/observatory/crosstab/download"
    files = {f: analyst.get(path, params={**QUERY, "format": f}) for f in ("csv", "json", "xlsx")}
    files["parquet"] = analyst.get(path, params={**QUERY, "format": "parquet"})
    for name, response in files.items():
        assert response.status_code == 200, (name, response.text)
        assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(files["csv"].text)))
    assert rows[0] == ["nationality", "age_band", "count", "suppressed"]
    dataset = hxl.data(io.BytesIO(files["csv"].content))
    assert hxl.schema().validate(dataset)
    assert [c.display_tag for c in dataset.columns][:2] == [
        "#country+code+nationality",
        "#meta+age_band",
    ]
    from_csv = {(r[0], r[1]): (int(r[2]) if r[2] else None) for r in rows[2:]}
    from_json = {tuple(c["key"]): c["count"] for c in json.loads(files["json"].content)["cells"]}
    sheet = load_workbook(io.BytesIO(files["xlsx"].content)).active
    assert sheet is not None
    from_xlsx = {(r[0], r[1]): r[2] for r in list(sheet.values)[2:]}
    frame = pq.read_table(io.BytesIO(files["parquet"].content)).to_pydict()
    from_parquet = dict(
        zip(zip(frame["nationality"], frame["age_band"], strict=True), frame["count"], strict=True)
    )
    assert from_csv == from_json == from_xlsx == from_parquet
    assert from_csv[("GIN", "All")] is None  # 14: shown would give away the hidden 2
    with world.deployment.database.transaction() as session:
        releases = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "observatory.release")
        ).all()
        formats = sorted(json.loads(entry.detail)["format"] for entry in releases)
        actors = {entry.actor_user_id for entry in releases}
    assert formats == ["csv", "json", "json", "parquet", "xlsx"]
    assert actors == {world.user_ids["analyst"]}
    every_release_is_in_the_ledger_and_replays_identically(world)


def every_release_is_in_the_ledger_and_replays_identically(world: World) -> None:
    """The API's tables are in the same ledger as the CLI's, with their query, and the query
    on the same snapshot gives the recorded table byte for byte; after a refresh that changes
    the facts, a replay is refused rather than passing a different table off as the release."""
    with world.deployment.database.transaction() as session:
        ledger = session.scalars(select(ObservatoryRelease).order_by(ObservatoryRelease.id)).all()
    assert sorted(release.released_as for release in ledger) == [
        "csv",
        "json",
        "json",
        "parquet",
        "xlsx",
    ]
    for release in ledger:
        assert release.kind == "crosstab" and release.k == K
        assert release.released_by_user_id == world.user_ids["analyst"]
        assert json.loads(release.query) == QUERY
        assert release_content(world.deployment, release.id) == release.content
        assert replay_release(world.deployment, release.id) == release.content
    worker = world.principal("case_worker")
    child = CaseIn(given_name="Awa", sex="male", age=15, nationality="GIN", unaccompanied=True)
    create_case(world.deployment, worker, child, None)
    assert run_cli(world.deployment, "observatory", "refresh").exit_code == 0
    with pytest.raises(Conflict, match="refreshed since"):
        replay_release(world.deployment, ledger[0].id)


def bad_queries_are_refused(world: World) -> None:
    analyst = world.api("analyst")
    url = "/api/v1/observatory/crosstab"
    five = ["nationality", "sex", "age_band", "month", "route"]
    assert analyst.get(url, params={"by": five}).status_code == 422
    assert analyst.get(url, params={"by": ["name"]}).status_code == 422
    assert analyst.get(url, params={"by": ["sex"], "route": "GIN' OR 1=1"}).status_code == 422
    assert analyst.get(url, params={"by": ["sex"], "month_from": "2026-13"}).status_code == 422
    assert analyst.get(url, params={"by": ["sex"], "limit": "1"}).status_code == 422
    assert analyst.get("/api/v1/cases").status_code == 403
