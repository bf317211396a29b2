"""The possible-match panel on a phone (390×844, Chromium), in English and Arabic (RTL): the
case worker sees the evidence and confirms, with no sideways scrolling."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.e2e.conftest import log_in, screenshot
from tests.linkage.registrations import open_case, register_population


def _fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.browser
def test_possible_matches_on_a_phone(world: World, live_server: str, page: Page) -> None:
    register_population(world, size=60)
    api = world.api("case_worker")
    open_case(api, "Abdoulaye", "Diallo", "Ibrahima")
    new = open_case(api, "Abdulai", "Jallow", "Ibrahima")
    log_in(page, live_server, "case_worker", world.password)
    page.goto(f"{live_server}/language/ar")
    page.goto(f"{live_server}/cases/{new}")
    assert page.locator("#possible-matches li.match").count() >= 1
    assert page.locator("html[dir=rtl]").count() == 1
    assert _fits_the_screen(page)
    screenshot(page, f"possible-matches-ar-{world.deployment.database.engine.name}")
    page.goto(f"{live_server}/language/en")
    page.goto(f"{live_server}/cases/{new}")
    assert _fits_the_screen(page)
    screenshot(page, f"possible-matches-{world.deployment.database.engine.name}")
    # "Same child" links the two registrations: the earlier case continues (the page goes
    # there) and the new one is closed as its duplicate, pointing to it.
    page.click("#possible-matches li.match form:first-of-type button[type=submit]")
    page.wait_for_url(re.compile(rf"{re.escape(live_server)}/cases/(?!{new})[A-Z]{{3}}-\w+"))
    continuing = page.url.rsplit("/", 1)[1].split("?")[0].split("#")[0]
    page.goto(f"{live_server}/cases/{new}")
    expect(page.locator("body")).to_contain_text(continuing)
