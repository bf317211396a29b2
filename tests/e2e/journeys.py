"""Helpers for the role journeys: one browser context per journey (desktop or phone), and a
check of every page visited: axe-core finds no serious or critical violation, and a
screenshot is saved as an artifact."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import log_in, screenshot

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
BLOCKING = {"serious", "critical"}
AXE = Axe()


@dataclass
class Journey:
    page: Page
    name: str
    base: str
    phone: bool
    problems: list[str] = field(default_factory=list)
    step: int = 0

    def check(self, label: str) -> None:
        """Audit the page as it stands and keep a screenshot of it."""
        self.page.wait_for_load_state()
        self.step += 1
        screenshot(self.page, f"journey-{self.name}-{self.step:02d}-{label}")
        results = AXE.run(self.page)
        for violation in results.response["violations"]:
            if violation["impact"] in BLOCKING:
                targets = [node["target"] for node in violation["nodes"]][:3]
                self.problems.append(f"{label}: {violation['id']} {targets}")

    def submit(self, selector: str) -> None:
        """Press a form's button and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.click(selector)

    def menu(self, path: str) -> None:
        """Go somewhere through the role's menu, opening it first on a phone."""
        if self.phone and not self.page.locator("#menu").evaluate("menu => menu.open"):
            self.page.click("#menu summary")
        self.page.click(f"nav.menu a[href='{path}']")
        self.page.wait_for_url(f"{self.base}{path}*")


@contextmanager
def journey(
    chromium: Browser, base: str, username: str, password: str, *, language: str, phone: bool
) -> Iterator[Journey]:
    """A signed-in user in `language` on a phone or a desktop; fails on any axe problem."""
    context = chromium.new_context(**(PHONE if phone else DESKTOP))
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, base, username, password)
        if language != "en":
            page.click(f"a[hreflang={language}]")
            expect(page.locator("html")).to_have_attribute("lang", language)
        device = "phone" if phone else "desktop"
        walk = Journey(page, f"{username}-{language}-{device}", base, phone)
        yield walk
        assert not walk.problems, "\n".join(walk.problems)
    finally:
        context.close()
