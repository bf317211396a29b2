"""The case pages on a phone (390×844, Chromium): open a case, add a note, move a stage,
in English and Arabic (RTL), with no sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.e2e.conftest import log_in, screenshot


def _fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.browser
def test_case_worker_opens_a_case_on_a_phone(world: World, live_server: str, page: Page) -> None:
    log_in(page, live_server, "case_worker", world.password)
    page.goto(f"{live_server}/cases/new")
    page.fill("input[name=given_name]", "Aïssatou")
    page.fill("input[name=family_name]", "Diallo")
    page.fill("input[name=age]", "15")
    page.select_option("select[name=nationality]", "GIN")
    page.check("input[name=unaccompanied]")
    page.select_option("select[name=risk_level]", "high")
    page.click("form[action='/cases'] button[type=submit]")
    page.wait_for_url(f"{live_server}/cases/*")
    page.fill("textarea[name=body]", "Arrived by boat, asked for her sister")
    page.click("form[action$='/notes'] button[type=submit]")
    expect(page.locator("text=Arrived by boat")).to_have_count(1)
    page.click("form[action$='/stage'] button[type=submit]")
    expect(page.locator("text=Registration").first).to_be_visible()
    assert _fits_the_screen(page)
    screenshot(page, f"case-page-{world.deployment.database.engine.name}")
    case_url = page.url
    page.goto(f"{live_server}/language/ar")
    page.goto(case_url)
    expect(page.locator("text=التسجيل").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert _fits_the_screen(page)
    screenshot(page, f"case-page-ar-{world.deployment.database.engine.name}")
