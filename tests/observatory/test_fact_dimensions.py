"""Issue 17's missing dimensions: where a child was screened (admin area), the route (origin,
transit countries), means of control and recruitment type read from the answers; how tables
count multi-valued dimensions; bad route input refused with nothing saved."""

from __future__ import annotations

import json
import random
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.optimize import linprog
from sqlalchemy import func, select

from routecare.audit.models import AuditEntry
from routecare.observatory.queries import count_facts
from routecare.observatory.schemas import CrossTabQuery
from routecare.observatory.store import SCHEMA, connect, facts_dir
from routecare.screening.actions import link_case
from routecare.screening.catalogue import DEFAULT_CATALOGUE
from routecare.screening.engines import engine_for
from routecare.screening.models import Screening
from tests.cases.helpers import create_case
from tests.cli_runner import run_cli
from tests.conftest import World, csrf_from
from tests.observatory.attack import covers

ROUTE = {"admin_area": "NE-1", "country_of_origin": "GIN", "transit_countries": ["MLI", "BFA"]}
ANSWERS = {
    "act.recruited_online": True,
    "means.debt_bondage": True,
    "means.documents_confiscated": True,
    "purpose.work_without_pay": True,
}


def screen(world: World, **fields: Any) -> Any:
    body = {"age": 15, "age_basis": "claimed", "answers": ANSWERS} | fields
    return world.api("screener").post("/api/v1/screenings", json=body)


def stored(world: World) -> tuple[int, int]:
    with world.deployment.database.transaction() as session:
        return (
            session.scalar(select(func.count()).select_from(Screening)) or 0,
            session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action.startswith("screening"))
            )
            or 0,
        )


# One world per backend for every check: building one costs seconds.
def test_route_area_and_means_reach_the_store_and_bad_input_saves_nothing(world: World) -> None:
    bad_route_input_is_refused_with_nothing_saved(world)
    the_form_records_the_route_from_code_lists(world)
    the_store_holds_the_new_dimensions_and_no_answer(world)
    per_value_dimensions_count_a_child_once_per_value(world)
    for seed in range(3):
        a_child_counted_twice_does_not_unpick_a_suppressed_cell(world, seed)


def bad_route_input_is_refused_with_nothing_saved(world: World) -> None:
    before = stored(world)
    # (field the error must name, what is sent)
    cases = [
        ("transit_countries", ROUTE | {"transit_countries": ["MLI", "XYZ"]}),
        ("country_of_origin", ROUTE | {"country_of_origin": "ZZZ"}),
        ("admin_area", ROUTE | {"admin_area": "NE-99"}),  # not in the ISO 3166-2 list
        ("admin_area", ROUTE | {"admin_area": "Agadez"}),  # free text
        ("repeat", ROUTE | {"transit_countries": ["MLI", "GIN"]}),  # back through the origin
        ("transit_countries", ROUTE | {"transit_countries": ["MLI"] * 9}),
    ]
    for field, fields in cases:
        response = screen(world, **fields)
        assert response.status_code == 422, (field, response.text)
        assert field in response.text, (field, response.text)
    # A real admin area, but of another country than the screener's (NER).
    elsewhere = screen(world, **(ROUTE | {"admin_area": "IT-82"}))
    assert elsewhere.status_code == 422, elsewhere.text
    assert "admin_area" in elsewhere.text and "NER" in elsewhere.text
    assert stored(world) == before


def the_form_records_the_route_from_code_lists(world: World) -> None:
    browser = world.browser("screener")
    start = browser.get("/screening")
    assert '<option value="NE-1">' in start.text and 'name="transit_countries"' in start.text
    assert '<option value="IT-82">' not in start.text  # only the screener's country's areas
    engine = engine_for(world.deployment.settings.data_dir, DEFAULT_CATALOGUE)
    every_answer = {f"a.{indicator}": "no" for indicator in engine.catalogue.by_id}
    form = {"csrf_token": csrf_from(start.text), "age_basis": "claimed", "age": "15"}
    before = stored(world)
    typed = browser.post("/screening", data=form | every_answer | {"admin_area": "Agadez"})
    assert typed.status_code == 422 and "admin_area" in typed.text
    assert stored(world) == before
    sent = browser.post(
        "/screening",
        data=form
        | every_answer
        | {"admin_area": "NE-8", "country_of_origin": "GIN", "transit_countries": ["MLI", ""]},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    reference = sent.headers["location"].rsplit("/", 1)[1]
    screening = world.api("screener").get(f"/api/v1/screenings/{reference}").json()
    assert (screening["admin_area"], screening["transit_countries"]) == ("NE-8", ["MLI"])


def the_store_holds_the_new_dimensions_and_no_answer(world: World) -> None:
    unlinked = screen(world, **ROUTE)
    assert unlinked.status_code == 201, unlinked.text
    assert unlinked.json()["transit_countries"] == ["MLI", "BFA"]
    direct = screen(world, admin_area="NE-8", country_of_origin="MLI", answers={})
    assert direct.status_code == 201, direct.text
    child = create_case(world.api("case_worker"), nationality="GIN")
    linked = screen(world, **ROUTE)
    link_case(
        world.deployment,
        world.principal("screener"),
        linked.json()["reference"],
        child["child"]["reference"],
    )
    assert run_cli(world.deployment, "observatory", "refresh").exit_code == 0
    with connect(world.deployment) as facts:
        rows = facts.execute(
            "SELECT event, admin_area, country_of_origin, transit_countries, route, "
            "means_of_control, recruitment_type FROM facts ORDER BY ALL"
        ).fetchall()
    path = ("GIN", "MLI>BFA", "GIN>MLI>BFA>NER", "DebtBondage+WithholdsDocuments")
    assert rows == [
        ("identified", "NE-1", *path, "ThroughOnlineSocialNetworks"),
        ("screened", "NE-1", *path, "ThroughOnlineSocialNetworks"),
        ("screened", "NE-1", *path, "ThroughOnlineSocialNetworks"),
        ("screened", "NE-8", "GIN", "MLI", "GIN>MLI>NER", "none", "none"),  # the form's
        ("screened", "NE-8", "MLI", "none", "MLI>NER", "none", "none"),
    ]
    # A store written before these columns existed (no column list in its state) is rebuilt
    # whole, so no old-schema bucket is left beside new ones.
    state = facts_dir(world.deployment).parent / "refresh.json"
    state.write_text(json.dumps({"started_at": json.loads(state.read_text())["started_at"]}))
    again = run_cli(world.deployment, "observatory", "refresh")
    assert again.exit_code == 0 and "full refresh" in again.output, again.output
    # Only categories leave the answers: no indicator id, no answer, in any file.
    indicators = list(
        engine_for(world.deployment.settings.data_dir, DEFAULT_CATALOGUE).catalogue.by_id
    )
    for file in facts_dir(world.deployment).glob("*.parquet"):
        raw = file.read_bytes()
        cells = str(pq.read_table(file).to_pydict())
        leaked = [i for i in indicators if i.encode() in raw or i in cells]
        assert not leaked, f"{file.name} holds {leaked}"


def per_value_dimensions_count_a_child_once_per_value(world: World) -> None:
    analyst = world.api("analyst")
    response = analyst.get(
        "/api/v1/observatory/crosstab", params={"by": ["each_transit_country"], "event": "screened"}
    )
    assert response.status_code == 200, response.text
    table = response.json()
    assert table["per_value"] is True
    # Four screened people, two of them through two countries: six person-values (all
    # small, so hidden); the grand total would count 6, not 4.
    counts = count_facts(
        world.deployment,
        CrossTabQuery.model_validate({"by": ["each_transit_country"], "event": "screened"}),
    )
    assert counts == {("MLI",): 3, ("BFA",): 2, ("none",): 1}
    via = count_facts(
        world.deployment,
        CrossTabQuery.model_validate({"by": ["event"], "via": "BFA"}),
    )
    assert via == {("screened",): 2, ("identified",): 1}
    plain = analyst.get("/api/v1/observatory/crosstab", params={"by": ["transit_countries"]})
    assert plain.status_code == 200 and plain.json()["per_value"] is False
    two = analyst.get(
        "/api/v1/observatory/crosstab",
        params={"by": ["each_transit_country", "each_means_of_control"]},
    )
    assert two.status_code == 422 and "each_" in two.text


K = 11
TRANSIT = ["MLI", "NER", "DZA", "LBY", "TUN"]


def write_facts(world: World, seed: int) -> None:
    """Replace the store with generated children, most through several transit countries."""
    chance = random.Random(seed)
    facts = []
    for _ in range(300):
        stops = chance.sample(TRANSIT, chance.choice([0, 1, 2, 2, 3]))
        facts.append(
            {name: "unknown" for name in SCHEMA.names}
            | {
                "event": "identified",
                "nationality": chance.choices(["GIN", "MLI", "CIV"], [6, 3, 1])[0],
                "sex": chance.choice(["female", "male"]),
                "transit_countries": ">".join(stops) or "none",
            }
        )
    directory = facts_dir(world.deployment)
    for old in directory.glob("*.parquet"):
        old.unlink()
    pq.write_table(pa.Table.from_pylist(facts, schema=SCHEMA), directory / "children-00.parquet")


def cells_of(world: World, by: list[str]) -> list[tuple[tuple[str, ...], int | None]]:
    response = world.api("analyst").get("/api/v1/observatory/crosstab", params={"by": by})
    assert response.status_code == 200, response.text
    return [(tuple(cell["key"]), cell["count"]) for cell in response.json()["cells"]]


def a_child_counted_twice_does_not_unpick_a_suppressed_cell(world: World, seed: int) -> None:
    """The reader holds the per-value table (transit country x nationality x sex, every margin)
    and also the plain table of children by nationality x sex, and knows what counting once per
    value means: a cell counts at most the children of its row, and a row's values at least
    its children. With every constraint, no suppressed small cell is proven below k."""
    write_facts(world, seed)
    by = ["each_transit_country", "nationality", "sex"]
    cells = cells_of(world, by)
    truth = count_facts(world.deployment, CrossTabQuery.model_validate({"by": by}))
    assert any(1 <= count < K for count in truth.values()), "no small cell to protect"
    children = dict(cells_of(world, ["nationality", "sex"]))
    interior = [key for key, _ in cells if "All" not in key]
    published = [(key, count) for key, count in cells if count is not None]
    equal = np.array([[float(covers(key, cell)) for cell in interior] for key, _ in published])
    upper, bound = [], []
    for (nationality, sex), known in children.items():
        if known is None or "All" in (nationality, sex):
            continue
        row = [key[1:] == (nationality, sex) for key in interior]
        for index, in_row in enumerate(row):  # each value: at most the row's children
            if in_row:
                upper.append([1.0 if i == index else 0.0 for i in range(len(interior))])
                bound.append(known)
        upper.append([-1.0 if in_row else 0.0 for in_row in row])  # all values: at least them
        bound.append(-known)
    hidden_small = [key for key, count in cells if count is None and 1 <= truth.get(key, 0) < K]
    assert hidden_small or not any(1 <= count < K for key, count in truth.items()), (
        "small cells published"
    )
    for key, count in cells:
        assert count is None or not 0 < count < K, f"{key} published {count}"
    for key in hidden_small:
        objective = -np.array([float(covers(key, cell)) for cell in interior])
        solved = linprog(
            objective,
            A_eq=equal,
            b_eq=np.array([count for _, count in published], dtype=float),
            A_ub=np.array(upper),
            b_ub=np.array(bound, dtype=float),
            bounds=(0, None),
            method="highs",
        )
        assert solved.status in (0, 3), solved.message
        highest = np.inf if solved.status == 3 else -solved.fun
        assert highest >= K, f"seed {seed}: {key} pinned below {K} (at most {highest})"
