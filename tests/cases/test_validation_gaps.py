"""Input that looked valid but was not: a "no case" reason of only spaces, a task due in the
past. Each is refused with a clear message and nothing is saved."""

from __future__ import annotations

from tests.cases.helpers import create_case
from tests.conftest import World, csrf_from
from tests.screening.test_score_cli import strong_child_purpose


def test_a_no_case_reason_of_spaces_is_refused_and_the_screening_stays_undecided(
    world: World,
) -> None:
    body = {"age": 15, "age_basis": "claimed", "answers": strong_child_purpose()}
    reference = world.api("screener").post("/api/v1/screenings", json=body).json()["reference"]
    browser = world.browser("screener")
    page = browser.get(f"/screenings/{reference}")
    for blank in ("     ", " \t\n  ", "  a  "):
        refused = browser.post(
            f"/screenings/{reference}/no-case",
            data={"csrf_token": csrf_from(page.text), "reason": blank},
            follow_redirects=False,
        )
        assert refused.status_code == 422
        assert "reason" in refused.text
    stored = world.api("screener").get(f"/api/v1/screenings/{reference}").json()
    assert stored["no_case_reason"] is None
    assert 'id="open-case"' in browser.get(f"/screenings/{reference}").text


def test_a_task_due_in_the_past_is_refused_with_a_clear_message(world: World) -> None:
    api = world.api("case_worker")
    reference = create_case(api, unaccompanied=False)["reference"]
    refused = api.post(
        f"/api/v1/cases/{reference}/tasks",
        json={"title": "Call the juvenile court", "due_at": "1999-01-01T09:00:00Z"},
    )
    assert refused.status_code == 422
    assert "past" in refused.text
    browser = world.browser("case_worker")
    page = browser.get(f"/cases/{reference}")
    refused_form = browser.post(
        f"/cases/{reference}/tasks",
        data={"csrf_token": csrf_from(page.text), "title": "Court", "due_date": "1999-01-01"},
        follow_redirects=False,
    )
    assert refused_form.status_code == 422
    assert "past" in refused_form.text
    assert api.get(f"/api/v1/cases/{reference}").json()["tasks"] == []
    accepted = api.post(
        f"/api/v1/cases/{reference}/tasks",
        json={"title": "Call the juvenile court", "due_at": "2099-01-01T09:00:00Z"},
    )
    assert accepted.status_code == 201, accepted.text
