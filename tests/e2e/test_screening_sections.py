"""The screening wizard asks every section, also once trafficking is presumed: vulnerability
and smuggling decide the child's protection (a guardian, a shelter), not only the outcome."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.e2e.conftest import log_in
from tests.screening.test_score_cli import strong_child_purpose


def test_every_section_is_asked_and_an_unaccompanied_child_gets_a_guardian_task(
    world: World, live_server: str, page: Page
) -> None:
    log_in(page, live_server, "case_worker", world.password)
    page.goto(f"{live_server}/screening")
    page.check("input[name=age_basis][value=claimed]")
    page.fill("input[name=age]", "15")
    page.click("button[name=next]")
    wanted = {**strong_child_purpose(), "vulnerability.unaccompanied": True}
    sections = []
    while not page.locator("#outcome").count():
        shown = page.locator("input[name=shown]").get_attribute("value") or ""
        sections.append(shown.split(".", 1)[0])
        for indicator_id in wanted:
            box = page.locator(f"input[type=checkbox][name='a.{indicator_id}']")
            if box.count():
                box.check()
        with page.expect_navigation():  # the next screen, not the one still on view
            page.click("button[name=next]")
    assert sections == ["act", "purpose", "vulnerability", "means", "smuggling"]
    expect(page.locator("#outcome")).to_have_attribute("data-outcome", "presumed_trafficking")
    page.fill("#open-case input[name=given_name]", "Aminata")
    page.click("#open-case button[type=submit]")
    page.wait_for_url(f"{live_server}/cases/*")
    case_reference = page.url.rsplit("/", 1)[1]
    tasks = world.api("case_worker").get(f"/api/v1/cases/{case_reference}").json()["tasks"]
    assert "appoint_guardian" in {task["kind"] for task in tasks}
