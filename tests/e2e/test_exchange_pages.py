"""The exchange's pages in Chromium on a phone: the coordinator declines one package received
from a partner (the missing reason shown next to its field), accepts another into a new case
and links a third to a case the organisation already has, after comparing;
the data-protection officer, in Arabic, suspends the partner after confirming. Every page
passes axe with no serious or critical violation (tests/e2e/journeys.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from routecare.cases.actions import create_case
from routecare.cases.record_actions import record_consent
from routecare.cases.record_schemas import ConsentIn
from routecare.cases.schemas import CaseIn
from routecare.cases.vocabulary import ConsentScope, GivenBy
from routecare.exchange.actions import record_consented_fields, register_partner
from routecare.exchange.keys import create_keys, public_jwks
from routecare.exchange.package_schema import PURPOSE_FIELDS
from routecare.exchange.receiving import receive_package
from routecare.exchange.schemas import PartnerIn
from routecare.exchange.sending import PackOrder, pack_cases
from routecare.exchange.vocabulary import Purpose
from tests.conftest import World
from tests.e2e.journeys import journey
from tests.exchange.conftest import CHILD

pytestmark = pytest.mark.browser
FITS = "document.documentElement.scrollWidth <= window.innerWidth"  # no sideways scrolling
CONTINUITY = Purpose.CONTINUITY_OF_CARE


def received_from_a_partner(world: World, count: int) -> str:
    """`count` packages in the coordinator's queue; returns the reference of the case they
    were packed from. The world is its own partner ("italy", registered with its own keys):
    what it sends, it receives, as over a loopback."""
    deployment = world.deployment
    create_keys(deployment)
    with deployment.database.transaction() as session:
        jwks = public_jwks(session)
    partner: dict[str, object] = {"name": "italy", "organisation": "Sicily Minors Network"}
    partner["country"] = "ITA"
    partner |= {"jwks": jwks, "purposes": [CONTINUITY], "agreement": "DSA-2026-07"}
    register_partner(deployment, PartnerIn.model_validate(partner | {"dpia": "DPIA-2026-3"}))
    worker = world.principal("case_worker")
    case = create_case(deployment, worker, CaseIn.model_validate(CHILD), None)
    consent = ConsentIn(
        scope=ConsentScope.CROSS_BORDER,
        purpose=CONTINUITY.value,
        given_by=GivenBy.GUARDIAN,
        child_assent=True,
    )
    consent_id = record_consent(deployment, worker, case.reference, consent, None)
    fields = list(PURPOSE_FIELDS[CONTINUITY])
    record_consented_fields(deployment, worker, case.reference, consent_id, fields)
    order = PackOrder(case.reference, "italy", CONTINUITY.value, reply_to="+39 091 000 0000")
    for packed in pack_cases(deployment, [order] * count):
        receive_package(deployment, packed.token, transport="https")
    return case.reference


def test_coordinator_decides_and_dpo_suspends(
    world: World, live_server: str, chromium: Browser
) -> None:
    reference = received_from_a_partner(world, 3)
    password = world.password
    with journey(
        chromium, live_server, "coordinator", password, language="en", device="phone"
    ) as j:
        page = j.page
        expect(page.locator("#queue-packages li")).to_have_count(3)
        j.menu("/exchange/received")
        j.check("received")
        page.click("#received-packages li:first-child a")
        expect(page.locator("#package-fields")).to_contain_text(str(CHILD["given_name"]))
        expect(page.locator("#package-sender")).to_contain_text("+39 091 000 0000")
        j.check("package")
        assert page.evaluate(FITS)
        # No reason: the refusal appears next to the field, the package stays in the queue.
        page.click("#decline-package")
        expect(page.locator(".field-error")).to_be_visible()
        j.check("decline-refused")
        page.fill("textarea[name=reason]", "No place for boys over 15 this month")
        j.submit("#decline-package")
        expect(page.locator("#received-packages li")).to_have_count(2)
        page.click("#received-packages li:first-child a")
        j.submit("#accept-package")
        page.wait_for_url(re.compile(r".*/cases/[A-Z]{3}-\w+$"))
        expect(page.locator("#exchange")).to_contain_text("Received")
        j.check("accepted-case")
        # The last one is linked to a case the organisation already has, after comparing.
        j.menu("/exchange/received")
        page.click("#received-packages li:first-child a")
        page.fill("input[name=case]", reference)
        j.submit("#compare-case")
        expect(page.locator("#accept-link")).to_be_visible()
        j.check("compared")
        j.submit("#accept-link")
        page.wait_for_url(re.compile(f".*/cases/{reference}$"))
        expect(page.locator("#exchange")).to_contain_text("Received")
    with journey(
        chromium, live_server, "data_protection_officer", password, language="ar", device="phone"
    ) as j:
        page = j.page
        j.menu("/exchange/oversight")
        expect(page.locator("#packages li")).to_have_count(6)  # three sent, three received
        expect(page.locator("body")).not_to_contain_text(str(CHILD["given_name"]))
        j.check("oversight")
        assert page.evaluate(FITS)
        # Not confirmed: the browser keeps the form (the server refuses it too:
        # tests/exchange/test_pages.py), and nothing is suspended.
        page.click("#partner-italy button")
        expect(page.locator("#partner-italy input[name=confirm]:invalid")).to_have_count(1)
        expect(page.locator("#partner-italy")).not_to_contain_text("معلَّق")
        page.check("#partner-italy input[name=confirm]")
        j.submit("#partner-italy button")
        expect(page.locator("#partner-italy")).to_contain_text("معلَّق")
        j.check("suspended")
