"""The case pages on a phone-sized flow: open a case, see it, search, edit with a conflict."""

from __future__ import annotations

import re

from tests.cases.helpers import add_overdue_task, create_case, patch
from tests.conftest import World, csrf_from


def test_open_a_case_through_the_form_once(world: World) -> None:
    browser = world.browser("case_worker")
    form = browser.get("/cases/new")
    assert form.status_code == 200
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form.text)
    assert key
    data = {
        "csrf_token": csrf_from(form.text),
        "idempotency_key": key.group(1),
        "given_name": "Hawa",
        "family_name": "Condé",
        "sex": "female",
        "age": "17",
        "nationality": "GIN",
        "unaccompanied": "true",
        "risk_level": "high",
    }
    first = browser.post("/cases", data=data, follow_redirects=False)
    second = browser.post("/cases", data=data, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    page = browser.get(first.headers["location"])
    assert "Hawa" in page.text and "High risk" in page.text
    assert 'name="csrf_token"' in page.text
    listing = browser.post(
        "/cases/search", data={"csrf_token": csrf_from(page.text), "name": "hawa konde"}
    )
    assert first.headers["location"].removeprefix("/cases/") in listing.text


def test_missing_fields_on_a_stage_move_show_an_error_page(world: World) -> None:
    browser = world.browser("case_worker")
    reference = create_case(world.api("case_worker"))["reference"]
    page = browser.get(f"/cases/{reference}")
    response = browser.post(
        f"/cases/{reference}/stage",
        data={"csrf_token": csrf_from(page.text), "to": "registration"},
    )
    assert response.status_code == 422
    assert "risk_level" in response.text


def test_edit_conflict_shows_both_values_and_merges(world: World) -> None:
    api = world.api("supervisor")
    reference = create_case(world.api("case_worker"))["reference"]
    browser = world.browser("case_worker")
    form = browser.get(f"/cases/{reference}/edit")
    assert 'name="version" value="1"' in form.text
    assert patch(api, reference, '"1"', guardian_name="Giulia Ferraro").status_code == 200
    data = {"csrf_token": csrf_from(form.text), "version": "1", "guardian_name": "Paolo Bianchi"}
    conflict = browser.post(f"/cases/{reference}/edit", data=data)
    assert conflict.status_code == 409
    assert "Giulia Ferraro" in conflict.text and "Paolo Bianchi" in conflict.text
    assert 'name="version" value="2"' in conflict.text
    merged = browser.post(
        f"/cases/{reference}/edit",
        data={**data, "version": "2", "guardian_name": "Giulia Ferraro", "risk_level": "low"},
        follow_redirects=False,
    )
    assert merged.status_code == 303
    case = api.get(f"/api/v1/cases/{reference}").json()
    assert (case["guardian_name"], case["risk_level"]) == ("Giulia Ferraro", "low")


def test_overdue_task_on_the_home_page(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client, unaccompanied=False)["reference"]
    add_overdue_task(world.deployment, client, reference)
    home = world.browser("case_worker").get("/")
    overdue = home.text.split('id="overdue-tasks"')[1].split("</ul>")[0]
    assert reference in overdue
    assert reference not in world.browser("other_case_worker").get("/").text
