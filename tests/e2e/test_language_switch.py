"""A user signs in on a phone, switches to Arabic and gets a right-to-left page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.e2e.conftest import log_in, screenshot


def test_sign_in_and_switch_to_arabic(
    world: World, live_server: str, page: Page, database_url: str
) -> None:
    log_in(page, live_server, "case_worker", world.password)
    expect(page.locator("h1")).to_have_text("Agadez Child Protection")
    page.click("a[hreflang=ar]")
    page.wait_for_url(f"{live_server}/")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    expect(page.get_by_role("heading", name="قوائم العمل")).to_be_visible()
    backend = database_url.split(":", 1)[0].split("+")[0]
    path = screenshot(page, f"home-arabic-rtl-{backend}")
    assert path.stat().st_size > 0
    # Direction really flips the layout: the sign-out button sits left of the brand in RTL.
    brand = page.locator(".brand").bounding_box()
    sign_out = page.locator(".logout button").bounding_box()
    assert brand and sign_out and sign_out["x"] < brand["x"]
