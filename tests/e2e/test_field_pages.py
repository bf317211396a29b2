"""Field-ready pages on a phone, in Chromium, on the seeded demo: what the reader sees is in
their language (the browser pass of tests/web/test_page_language.py), every link and button is
a 44 px touch target, and a 5,000-letter word in a note does not widen the page."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from routecare.demo.seed import seed_demo
from routecare.deployment import Deployment
from tests.e2e.conftest import log_in, screenshot
from tests.web.page_language import not_in_language

pytestmark = pytest.mark.browser
PASSWORD = "demo password long enough"
TOUCH_TARGET = 44  # px, WCAG 2.5.5
SMALL_TARGETS = """() => [...document.querySelectorAll('a, button')]
  .filter(e => e.offsetParent !== null)
  .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect()])
  .filter(([, r]) => r.width > 0 && (r.width < 43.5 || r.height < 43.5))
  .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def read_as_phone_user(page: Page, path_name: str) -> list[str]:
    """Problems of the page shown: foreign text, small targets, horizontal overflow."""
    texts = page.evaluate("() => document.body.innerText").split("\n")
    problems = not_in_language(texts, "ar", frozenset({"caseworker"}))
    problems += [f"small target: {t}" for t in page.evaluate(SMALL_TARGETS)]
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:  # type: ignore[index]
        problems.append(f"page is {width}px wide")
    screenshot(page, f"field-{path_name}")
    return problems


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_pages_on_a_phone_in_arabic(
    deployment: Deployment, app: FastAPI, live_server: str, page: Page
) -> None:
    seed_demo(deployment, PASSWORD)
    log_in(page, live_server, "caseworker", PASSWORD)
    page.goto(f"{live_server}/language/ar")
    problems: dict[str, list[str]] = {}
    for name, path in (("home", "/"), ("cases", "/cases"), ("services", "/services")):
        page.goto(live_server + path)
        problems[name] = read_as_phone_user(page, name)
    page.goto(f"{live_server}/cases")
    page.locator("a[href^='/cases/NER-']").first.click()
    page.wait_for_url(re.compile(r".*/cases/NER-\w+$"))
    page.fill("textarea[name=body]", "x" * 5000)
    page.locator("textarea[name=body] >> xpath=ancestor::form//button").click()
    expect(page.get_by_text("x" * 5000)).to_have_count(1)
    problems["case"] = read_as_phone_user(page, "case-long-note")
    assert not any(problems.values()), problems
