"""A screened child becomes a case, the case worker refers them to a shelter, the shelter's
user accepts and starts the service, and the case shows it: on a phone, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import World
from tests.e2e.conftest import log_in, screenshot
from tests.services.helpers import add_shelter_organisation, shelter

pytestmark = pytest.mark.browser


def test_referral_from_case_to_shelter(
    world: World, live_server: str, page: Page, chromium: Browser, database_url: str
) -> None:
    backend = database_url.split(":", 1)[0].split("+")[0]
    add_shelter_organisation(world)
    place = shelter(world, name="Agadez Emergency House")
    # First contact: the screener registers the child; the case worker opens the case.
    screened = world.api("screener").post(
        "/api/v1/children",
        json={
            "given_name": "Mamadou",
            "family_name": "Bah",
            "sex": "male",
            "age": 15,
            "nationality": "GIN",
            "unaccompanied": True,
        },
    )
    assert screened.status_code == 201, screened.text
    reference = screened.json()["reference"]
    opened = world.api("case_worker").post(
        f"/api/v1/children/{reference}/case", json={}, headers={"Idempotency-Key": "e2e-1"}
    )
    assert opened.status_code == 201, opened.text

    log_in(page, live_server, "case_worker", world.password)
    page.goto(f"{live_server}/cases/{reference}")
    page.select_option("select[name=scope]", "referral")
    page.select_option("select[name=purpose]", "continuity_of_care")
    page.click("text=Record the consent")
    # The recorded consent, not the select's option of the same name.
    expect(page.locator("body")).to_contain_text(re.compile(r"Continuity of care\s*·\s*given by"))
    page.goto(f"{live_server}/services?kind=emergency_shelter")
    expect(page.locator(".map .leaflet-marker-icon").first).to_be_visible()
    screenshot(page, f"referral-1-directory-{backend}")
    page.click(f"a[href='/services/{place.id}'] >> nth=-1")
    page.fill("form[action='/referrals'] input[name=case]", reference)
    page.click("text=Send the referral")
    expect(page.locator(".referral-state")).to_contain_text("Sent, awaiting answer")
    screenshot(page, f"referral-2-sent-{backend}")
    referral_url = page.url

    shelter_context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    shelter_page = shelter_context.new_page()
    log_in(shelter_page, live_server, "shelter_worker", world.password)
    shelter_page.goto(f"{live_server}/referrals")
    shelter_page.click(f"a[href='{referral_url.removeprefix(live_server)}']")
    expect(shelter_page.locator("body")).to_contain_text("Mamadou")
    expect(shelter_page.locator("body")).not_to_contain_text("Idempotency")
    shelter_page.click("button[value=accept]")
    expect(shelter_page.locator(".referral-state")).to_contain_text("Accepted")
    shelter_page.click("button[value=start]")
    expect(shelter_page.locator(".referral-state")).to_contain_text("Service started")
    screenshot(shelter_page, f"referral-3-shelter-started-{backend}")
    shelter_context.close()

    page.goto(f"{live_server}/cases/{reference}")
    expect(page.locator("body")).to_contain_text("Service started")
    screenshot(page, f"referral-4-case-shows-service-{backend}")
