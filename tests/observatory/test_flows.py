"""Flow-monitoring imports: idempotent per key, refused whole with row numbers, all or nothing
in the database; joined with identifications as a protected rate."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from routecare.cases.actions import create_case
from routecare.cases.schemas import CaseIn
from routecare.deployment import Deployment
from routecare.observatory.actions import import_flows
from routecare.observatory.flow_files import COLUMNS
from routecare.observatory.models import FlowCount
from routecare.observatory.releases.models import ObservatoryRelease
from routecare.observatory.replay import replay_release
from tests.audit.faults import refuse_audit_entries
from tests.cli_runner import run_cli
from tests.conftest import World

TODAY = date.today().isoformat()
HEADER = ",".join(COLUMNS)
GOOD = [
    f"{TODAY},Arlit,NER,NE001,incoming,GIN,40,10,100,20,30",
    f"{TODAY},Arlit,NER,NE001,outgoing,GIN,5,1,2,0,0",
    f"{TODAY},Madama,NER,,incoming,MLI,9,2,6,4,1",
]


def write(tmp_path: Path, *lines: str, name: str = "flows.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def stored(deployment: Deployment) -> int:
    with deployment.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(FlowCount)) or 0


def test_import_is_idempotent_and_bad_files_change_nothing(
    deployment: Deployment, tmp_path: Path
) -> None:
    first = run_cli(deployment, "observatory", "import-flows", str(write(tmp_path, *GOOD)))
    assert first.exit_code == 0, first.output
    assert "3 flow counts added, 0 updated, 0 unchanged" in first.output
    again = run_cli(deployment, "observatory", "import-flows", str(write(tmp_path, *GOOD)))
    assert "0 flow counts added, 0 updated, 3 unchanged" in again.output
    corrected = [GOOD[0].replace(",100,", ",101,"), *GOOD[1:]]
    fixed = run_cli(deployment, "observatory", "import-flows", str(write(tmp_path, *corrected)))
    assert "0 flow counts added, 1 updated, 2 unchanged" in fixed.output
    assert stored(deployment) == 3

    new_row = f"{TODAY},Seguedine,NER,,incoming,TCD,1,1,1,1,1"
    bad_files = {
        "row 3: nationality": [new_row, f"{TODAY},Arlit,NER,,incoming,Guinea,1,1,1,1,1"],
        "row 4: girls": [new_row, GOOD[0], f"{TODAY},Dirkou,NER,,incoming,GIN,1,1,1,-2,0"],
        "row 3: duplicate key (date, point, direction, nationality) of row 2": [
            new_row,
            new_row.replace(",1,1,1,1,1", ",2,2,2,2,2"),
        ],
        "row 2: unaccompanied_children": [f"{TODAY},Arlit,NER,,incoming,SDN,0,0,1,1,3"],
        "row 2: date": ["31/12/2026,Arlit,NER,,incoming,SDN,0,0,1,1,0"],
    }
    for expected, lines in bad_files.items():
        result = run_cli(deployment, "observatory", "import-flows", str(write(tmp_path, *lines)))
        assert result.exit_code == 1, (expected, result.output)
        assert expected in result.output, result.output
    missing = tmp_path / "missing.csv"
    missing.write_text("date,point,country\n" + TODAY + ",Arlit,NER\n")
    result = run_cli(deployment, "observatory", "import-flows", str(missing))
    assert result.exit_code == 1 and "missing column: girls" in result.output
    assert stored(deployment) == 3  # the good rows of the refused files were not kept


def test_an_import_failing_in_the_database_leaves_nothing(
    deployment: Deployment, tmp_path: Path
) -> None:
    refuse_audit_entries(deployment.database)  # the last write of the transaction fails
    with pytest.raises(Exception, match="disk full"):
        import_flows(deployment, write(tmp_path, *GOOD))
    assert stored(deployment) == 0


def test_xlsx_flows_join_identifications_as_a_protected_rate(world: World, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for line in GOOD:
        values: list[object] = line.split(",")
        values[0] = date.fromisoformat(str(values[0]))
        sheet.append([*values[:6], *(int(str(v)) for v in values[6:])])
    path = tmp_path / "flows.xlsx"
    book.save(path)
    result = run_cli(world.deployment, "observatory", "import-flows", str(path))
    assert "3 flow counts added" in result.output, result.output
    worker = world.principal("case_worker")  # of an organisation in NER
    # Two small groups beside a larger one. The country's total is published, so the 12 must
    # be hidden too: showing it would pin the two small groups' sum at 3, both below k.
    for nationality, count in (("GIN", 12), ("MLI", 2), ("SDN", 1)):
        for _ in range(count):
            child = CaseIn(given_name="Awa", sex="female", age=15, nationality=nationality)
            create_case(world.deployment, worker, child, None)
    assert run_cli(world.deployment, "observatory", "refresh").exit_code == 0
    response = world.api("analyst").get("/api/v1/observatory/identification-rates")
    assert response.status_code == 200, response.text
    rates = {(r["country"], r["nationality"]): r for r in response.json()}
    assert rates[("NER", "GIN")] == {
        "month": TODAY[:7],
        "country": "NER",
        "nationality": "GIN",
        "children_counted": 122,
        "children_identified": None,
        "per_1000": None,
    }
    for nationality in ("MLI", "SDN"):
        hidden = rates.get(("NER", nationality), {"children_identified": None, "per_1000": None})
        assert hidden["children_identified"] is None
        assert hidden["per_1000"] is None
    # Recorded in the release ledger with the analyst, and made again byte for byte.
    with world.deployment.database.transaction() as session:
        release = session.scalars(select(ObservatoryRelease)).one()
        session.expunge(release)
    assert (release.kind, release.released_by_user_id) == ("rates", world.user_ids["analyst"])
    assert json.loads(release.content) == response.json()
    assert replay_release(world.deployment, release.id) == release.content
    assert (
        world.api("case_worker").get("/api/v1/observatory/identification-rates").status_code == 403
    )
