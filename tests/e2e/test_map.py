"""The map works offline: every request the page makes stays on the deployment, markers and
borders render, and tapping the map or "use my location" fills the placement form's coordinates."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, Route, TimeoutError, expect

from routecare.demo.seed import seed_demo
from routecare.deployment import Deployment
from tests.e2e.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
PASSWORD = "demo password long enough"


def map_ready(page: Page, errors: list[str]) -> None:
    """The map has loaded its borders and towns (map.js marks it), or the page's errors say why."""
    try:
        page.wait_for_selector("[data-map][data-ready=true]", state="attached", timeout=10_000)
    except TimeoutError as error:
        raise AssertionError(errors) from error


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_map_renders_offline_and_picks_a_place(
    deployment: Deployment, app: FastAPI, live_server: str, chromium: Browser
) -> None:
    seed_demo(deployment, PASSWORD)
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 16.97, "longitude": 7.99},  # Agadez
        permissions=["geolocation"],
    )
    outside: list[str] = []

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, "caseworker", PASSWORD)
    page.goto(f"{live_server}/services?kind=emergency_shelter")
    map_ready(page, errors)
    assert page.locator(".leaflet-marker-icon").count() >= 1
    assert page.locator("path.leaflet-interactive, .leaflet-overlay-pane path").count() > 50
    assert page.get_by_text("Niger", exact=True).count() >= 1  # a country's name on the map
    screenshot(page, "map-services")

    page.goto(f"{live_server}/placement")
    map_ready(page, errors)
    box = page.locator("[data-map]").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    latitude = float(page.input_value("#latitude"))
    longitude = float(page.input_value("#longitude"))
    assert -90 <= latitude <= 90 and -180 <= longitude <= 180
    screenshot(page, "map-placement-picked")
    page.click("#use-my-location")
    # expect(), not wait_for_function: the page's CSP refuses the string evaluation it polls with.
    expect(page.locator("#latitude")).to_have_value("16.97000")
    expect(page.locator("#longitude")).to_have_value("7.99000")
    context.close()
    assert outside == [], outside
    assert errors == [], errors
