"""Each role's day, by links only, in Chromium: desktop and 390×844 phone, English, French
and Arabic (each journey once, languages and devices alternating), axe-core on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import World
from tests.e2e.journeys import journey
from tests.web.scenario import Queues, fill_every_queue

pytestmark = pytest.mark.browser


@pytest.fixture
def queues(world: World) -> Queues:
    return fill_every_queue(world)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_case_worker_consent_referral_and_bed_by_links(
    world: World, queues: Queues, live_server: str, chromium: Browser
) -> None:
    with journey(
        chromium, live_server, "case_worker", world.password, language="en", phone=False
    ) as walk:
        page = walk.page
        walk.check("home")
        page.click(f"#queue-overdue a[href^='/cases/{queues.case}']")
        expect(page.locator("nav.sections")).to_be_visible()
        walk.check("case")
        # Consent first, then a referral for it, then a bed: all from the case's links.
        page.select_option("#consent select[name=scope]", "referral")
        page.select_option("#consent select[name=purpose]", "family_tracing")
        page.click(f"form[action='/cases/{queues.case}/consents'] button[type=submit]")
        # The recorded consent, not the select's option of the same name.
        expect(page.locator("#consent")).to_contain_text(
            re.compile(r"Family tracing\s*·\s*given by")
        )
        page.click("#refer-case")
        walk.check("directory")
        page.click(f"a[href='/services/{queues.service_id}?case={queues.case}']")
        expect(page.locator("form[action='/referrals'] input[name=case]")).to_have_value(
            queues.case
        )
        walk.check("service")
        page.select_option("form[action='/referrals'] select[name=purpose]", "family_tracing")
        page.click("form[action='/referrals'] button[type=submit]")
        expect(page.locator(".referral-state")).to_be_visible()
        walk.check("referral")
        page.click("#referral-case")
        page.click("#bed-for-case")
        expect(page.locator("form[action='/placement'] input[name=case]")).to_have_value(
            queues.case
        )
        walk.check("placement")
        walk.menu("/referrals")
        walk.check("referrals")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_refused_form_keeps_what_was_typed_and_explains_next_to_the_field(
    world: World, queues: Queues, live_server: str, chromium: Browser
) -> None:
    with journey(
        chromium, live_server, "administrator", world.password, language="fr", phone=True
    ) as walk:
        page = walk.page
        walk.menu("/admin/users")
        walk.check("users")
        page.fill("#new-user input[name=username]", "Nom Avec Espaces")
        page.select_option("#new-user select[name=role]", "case_worker")
        page.click("#new-user button[type=submit]")
        problem = page.locator("#new-user .field-error")
        expect(problem).to_have_text("Format inattendu.")  # in French, beside the field
        expect(page.locator("#new-user input[name=username]")).to_have_value("Nom Avec Espaces")
        expect(page.locator("#new-user select[name=role]")).to_have_value("case_worker")
        walk.check("users-refused")
        page.fill("#new-user input[name=username]", "nouvelle.agente")
        page.click("#new-user button[type=submit]")
        expect(page.locator("#password-once")).to_be_visible()
        walk.check("users-created")
        walk.menu("/admin/organisations")
        walk.check("organisations")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_shelter_answers_a_referral_from_its_queue(
    world: World, queues: Queues, live_server: str, chromium: Browser
) -> None:
    with journey(
        chromium, live_server, "shelter_worker", world.password, language="ar", phone=True
    ) as walk:
        page = walk.page
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        walk.check("home")
        page.click(f"#queue-incoming a[href='/referrals/{queues.referral_id}']")
        walk.check("referral")
        page.click("button[value=accept]")
        expect(page.locator("button[value=start]")).to_be_visible()
        walk.menu("/")
        expect(page.locator("#queue-arriving")).to_be_visible()
        walk.check("home-arriving")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_coordinator_escalation_queue(
    world: World, queues: Queues, live_server: str, chromium: Browser
) -> None:
    with journey(
        chromium, live_server, "coordinator", world.password, language="fr", phone=False
    ) as walk:
        page = walk.page
        expect(page.locator("#queue-escalated .timer")).to_be_visible()
        walk.check("home")
        page.click(f"#queue-escalated a[href='/placement/requests/{queues.escalated_id}']")
        walk.check("request")
        walk.menu("/placement/queue")
        walk.check("queue")
        walk.menu("/linkage/notices")
        walk.check("notices")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_supervisor_approves_from_the_queue(
    world: World, queues: Queues, live_server: str, chromium: Browser
) -> None:
    with journey(
        chromium, live_server, "supervisor", world.password, language="en", phone=True
    ) as walk:
        page = walk.page
        walk.check("home")
        page.click(f"#queue-approvals a[href^='/cases/{queues.case}']")
        walk.check("case")
        walk.submit("#approval button[type=submit]")
        walk.menu("/")
        expect(page.locator("#queue-approvals")).not_to_contain_text(queues.case)
        walk.check("home-after")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_dpo_reads_a_childs_access_history(
    world: World, queues: Queues, live_server: str, chromium: Browser
) -> None:
    with journey(
        chromium,
        live_server,
        "data_protection_officer",
        world.password,
        language="ar",
        phone=False,
    ) as walk:
        page = walk.page
        walk.menu("/audit")
        walk.check("trail")
        page.fill("input[name=child]", queues.case)
        page.click("form[action='/audit'] button[type=submit]")
        expect(page.locator("table.trail tbody tr").first).to_contain_text(re.compile(r"\d"))
        walk.check("child-history")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_screener_finds_the_screening_from_the_menu(
    world: World, live_server: str, chromium: Browser
) -> None:
    with journey(
        chromium, live_server, "screener", world.password, language="en", phone=True
    ) as walk:
        page = walk.page
        walk.check("home")
        walk.menu("/screening")
        walk.check("start")
        page.check("input[name=age_basis][value=claimed]")
        page.fill("input[name=age]", "15")
        page.fill("input[name=location]", "Assamaka")
        page.click("button[name=next]")
        walk.check("questions")
        walk.menu("/services")
        walk.check("services")
