"""Helpers for the role journeys: which (language, device) runs each role gets, one browser
context per run (desktop or phone) in the run's language, the words a page must show in it,
and a check of every page visited: axe-core finds no serious or critical violation, and a
screenshot is saved as an artifact."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Page, expect

from routecare.web.i18n import LANGUAGES, load_translations
from routecare.web.labels import Labels
from tests.e2e.conftest import log_in, screenshot

ROLES = ("screener", "case_worker", "shelter", "coordinator", "supervisor", "admin", "dpo")
DEVICES = ("desktop", "phone")
# By default every role in every language and on both devices, not every combination: 21
# runs (about 81 s of CPU, seeding once included). ROUTECARE_JOURNEYS=full runs all 42
# combinations (about 154 s): the whole suite must stay under 20 minutes on two cores.
FULL_MATRIX = os.environ.get("ROUTECARE_JOURNEYS", "pairwise") == "full"


def runs(role: str) -> list[tuple[str, str]]:
    """(language, device) of each run of a role's journey: all six, or the three languages with
    the device alternating and its start rotated by role, so every role meets both devices and
    every language meets both devices across roles."""
    if FULL_MATRIX:
        return [(language, device) for language in LANGUAGES for device in DEVICES]
    first = ROLES.index(role)
    return [(language, DEVICES[(first + index) % 2]) for index, language in enumerate(LANGUAGES)]


_translations = cache(load_translations)


@cache
def _catalogues() -> dict[str, Labels]:
    return {code: Labels(t, code) for code, t in _translations().items()}


def words(language: str, kind: str, code: str) -> str:
    """A stored code as the page must write it in `language` (never the code itself)."""
    shown = _catalogues()[language](kind, code)
    assert language == "en" or shown != code, f"{kind} {code} has no {language} label"
    return shown


def text(language: str, message: str) -> str:
    """An interface message as `language`'s catalogue writes it."""
    return str(_translations()[language].gettext(message))


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
    chromium: Browser, base: str, username: str, password: str, *, language: str, device: str
) -> Iterator[Journey]:
    """A signed-in user in `language` on a phone or a desktop; fails on any axe problem."""
    phone = device == "phone"
    context = chromium.new_context(**(PHONE if phone else DESKTOP))
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, base, username, password)
        if language != "en":
            page.click(f"a[hreflang={language}]")
            expect(page.locator("html")).to_have_attribute("lang", language)
        walk = Journey(page, f"{username}-{language}-{device}", base, phone)
        yield walk
        assert not walk.problems, "\n".join(walk.problems)
    finally:
        context.close()
