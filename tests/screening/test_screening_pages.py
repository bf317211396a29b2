"""From a screening's result to a case, through the pages: what the child described is what the
case records, reviewed by the case worker, and the status reads the same on both."""

from __future__ import annotations

import re

from tests.conftest import World, csrf_from

DESCRIBED_SEXUAL_EXPLOITATION = {
    "purpose.sexual_exploitation": True,
    "purpose.sex_to_pay_journey": True,
    "purpose.earnings_taken": True,  # fits forced labour, begging or sexual exploitation
}


def _screening(world: World, answers: dict[str, bool]) -> str:
    body = {"age": 15, "age_basis": "claimed", "answers": answers}
    created = world.api("case_worker").post("/api/v1/screenings", json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["reference"])


def test_forms_come_from_what_the_child_described_and_the_case_worker_reviews_them(
    world: World,
) -> None:
    reference = _screening(world, DESCRIBED_SEXUAL_EXPLOITATION)
    result = world.api("case_worker").get(f"/api/v1/screenings/{reference}").json()["result"]
    assert result["forms"] == ["SexualExploitation"]
    assert {"ForcedLabour", "ForcedBegging"} <= set(result["suggested_forms"])
    browser = world.browser("case_worker")
    page = browser.get(f"/screenings/{reference}")
    assert re.search(r'value="SexualExploitation"\s+checked', page.text)
    assert not re.search(r'value="ForcedBegging"\s+checked', page.text)
    opened = browser.post(
        f"/screenings/{reference}/case",
        data={
            "csrf_token": csrf_from(page.text),
            "given_name": "Mariama",
            "exploitation_forms": ["SexualExploitation", "ForcedLabour"],  # reviewed: labour too
        },
        follow_redirects=False,
    )
    assert opened.status_code == 303, opened.text
    case_reference = opened.headers["location"].rsplit("/", 1)[1]
    case = world.api("case_worker").get(f"/api/v1/cases/{case_reference}").json()
    assert sorted(case["exploitation_forms"]) == ["ForcedLabour", "SexualExploitation"]
    assert case["victim_status"] == "PossibleVictimOfTrafficking"
    for shown in (browser.get(f"/screenings/{reference}"), browser.get(f"/cases/{case_reference}")):
        assert "Presumed victim of trafficking" in shown.text
        assert "PossibleVictimOfTrafficking" not in shown.text


def test_a_form_that_is_not_one_is_refused_and_no_case_is_opened(world: World) -> None:
    reference = _screening(world, DESCRIBED_SEXUAL_EXPLOITATION)
    browser = world.browser("case_worker")
    page = browser.get(f"/screenings/{reference}")
    refused = browser.post(
        f"/screenings/{reference}/case",
        data={
            "csrf_token": csrf_from(page.text),
            "given_name": "Mariama",
            "exploitation_forms": ["Smuggling"],
        },
        follow_redirects=False,
    )
    assert refused.status_code in (400, 422)
    assert (
        world.api("case_worker").get(f"/api/v1/screenings/{reference}").json()["child_reference"]
        is None
    )
