"""A screener on a phone interviews in Arabic, sees presumed trafficking with its reasons,
and opens a case with one action."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.e2e.conftest import log_in, screenshot
from tests.screening.test_score_cli import strong_child_purpose


def test_screening_in_arabic_opens_a_case(
    world: World, live_server: str, page: Page, database_url: str
) -> None:
    backend = database_url.split(":", 1)[0].split("+")[0]
    log_in(page, live_server, "screener", world.password)
    page.click("a[hreflang=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.click("#new-screening")
    page.check("input[name=age_basis][value=claimed]")
    page.fill("input[name=age]", "15")
    page.fill("input[name=location]", "Assamaka")
    page.click("button[name=next]")
    wanted = strong_child_purpose()
    for _ in range(6):
        if page.locator("#outcome").count():
            break
        for indicator_id in wanted:
            box = page.locator(f"input[type=checkbox][name='a.{indicator_id}']")
            if box.count():
                box.check()
        screenshot(page, f"screening-questions-arabic-{backend}")
        with page.expect_navigation():  # the next screen, not the one still on view
            page.click("button[name=next]")
    outcome = page.locator("#outcome")
    expect(outcome).to_have_attribute("data-outcome", "presumed_trafficking")
    expect(page.locator(".reasons li").first).to_contain_text("R1")
    expect(page.locator(".steps li").first).to_be_visible()
    screenshot(page, f"screening-result-arabic-{backend}")
    page.fill("#open-case input[name=given_name]", "Fatoumata")
    page.select_option("#open-case select[name=nationality]", "GIN")
    page.click("#open-case button[type=submit]")
    expect(page.locator("#case-opened")).to_be_visible()  # a screener hands over here
    screenshot(page, f"screening-case-opened-{backend}")
    case = world.api("case_worker").get(f"/api/v1/screenings/{page.url.rsplit('/', 1)[1]}")
    child_reference = case.json()["child_reference"]
    assert child_reference and child_reference.startswith("NER-")
