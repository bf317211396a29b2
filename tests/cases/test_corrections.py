"""The child's sex, nationality and age can be corrected, each correction kept with who, when
and why; the age only through an age assessment (the lowest age of its range)."""

from __future__ import annotations

from sqlalchemy import select

from routecare.audit.models import AuditEntry
from tests.cases.helpers import create_case
from tests.conftest import World, csrf_from


def test_sex_and_nationality_are_corrected_with_who_and_why_and_shown(world: World) -> None:
    api = world.api("case_worker")
    reference = create_case(api, sex="male", nationality="GIN")["reference"]
    browser = world.browser("case_worker")
    page = browser.get(f"/cases/{reference}")
    assert '<span id="child-sex">Male</span>' in page.text  # the header shows the sex
    corrected = browser.post(
        f"/cases/{reference}/corrections",
        data={
            "csrf_token": csrf_from(page.text),
            "sex": "female",
            "nationality": "MLI",
            "reason": "Interpreter misheard; Malian birth certificate seen",
        },
        follow_redirects=False,
    )
    assert corrected.status_code == 303, corrected.text
    case = api.get(f"/api/v1/cases/{reference}").json()
    assert (case["child"]["sex"], case["child"]["nationality"]) == ("female", "MLI")
    history = {c["field"]: c for c in case["corrections"]}
    assert (history["sex"]["old_value"], history["sex"]["new_value"]) == ("male", "female")
    assert (history["nationality"]["old_value"], history["nationality"]["new_value"]) == (
        "GIN",
        "MLI",
    )
    assert history["sex"]["corrected_by"] == "case_worker"
    assert history["sex"]["reason"] == "Interpreter misheard; Malian birth certificate seen"
    shown = browser.get(f"/cases/{reference}").text
    assert '<span id="child-sex">Female</span>' in shown
    assert "Malian birth certificate seen" in shown.split('id="corrections"')[1]
    with world.deployment.database.transaction() as session:
        actions = set(session.execute(select(AuditEntry.action)).scalars())
    assert "case.correction.add" in actions


def test_age_changes_only_through_an_assessment_and_bad_corrections_save_nothing(
    world: World,
) -> None:
    api = world.api("case_worker")
    reference = create_case(api, age=15)["reference"]
    path = f"/api/v1/cases/{reference}/corrections"
    for body in (
        {"age": 19, "reason": "looks older"},
        {"sex": "female", "reason": "   "},
        {"reason": "nothing given"},
        {"nationality": "XXX", "reason": "not a country"},
    ):
        assert api.post(path, json=body).status_code == 422, body
    case = api.get(f"/api/v1/cases/{reference}").json()
    assert (case["child"]["age"], case["child"]["sex"], case["corrections"]) == (15, "male", [])
    assessed = api.post(
        f"/api/v1/cases/{reference}/age-assessments",
        json={"method": "multidisciplinary", "minimum_age": 16, "maximum_age": 19},
    )
    assert assessed.status_code == 201, assessed.text
    case = api.get(f"/api/v1/cases/{reference}").json()
    assert case["child"]["age"] == 16  # benefit of the doubt: the lowest age of the range
    (age,) = case["corrections"]
    assert (age["field"], age["old_value"], age["new_value"], age["reason"]) == (
        "age",
        "15",
        "16",
        None,
    )
