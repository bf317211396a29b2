"""Each role's day, by links only, in Chromium: in English, French and Arabic, on a desktop
and a 390×844 phone (`journeys.runs`), axe-core on every page, screenshots as artifacts.

Every run starts from a copy of one seeded site (`sites.py`): a case at the care-plan stage
with consent and an overdue task, a referral to a shelter, a held bed, an escalated request.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.journeys import journey, runs, text, words
from tests.e2e.sites import Site
from tests.screening.test_score_cli import strong_child_purpose

pytestmark = pytest.mark.browser
LANGUAGE_AND_DEVICE = ("language", "device")


@pytest.mark.parametrize(LANGUAGE_AND_DEVICE, runs("screener"))
def test_screener_answers_every_section_and_hands_over_a_case(
    site: Site, chromium: Browser, language: str, device: str
) -> None:
    with journey(
        chromium, site.base, "screener", site.world.password, language=language, device=device
    ) as walk:
        page = walk.page
        walk.check("home")
        walk.menu("/screening")
        walk.check("start")
        page.check("input[name=age_basis][value=claimed]")
        page.fill("input[name=age]", "15")
        page.fill("input[name=location]", "Assamaka")
        page.click("button[name=next]")
        expect(page.locator("input[name=shown]")).to_be_attached()
        wanted = {**strong_child_purpose(), "vulnerability.unaccompanied": True}
        sections = []
        while not page.locator("#outcome").count():
            shown = page.locator("input[name=shown]").get_attribute("value") or ""
            sections.append(shown.split(".", 1)[0])
            if len(sections) == 1:
                walk.check("questions")
            for indicator_id in wanted:
                box = page.locator(f"input[type=checkbox][name='a.{indicator_id}']")
                if box.count():
                    box.check()
            with page.expect_navigation():  # the next screen, not the one still on view
                page.click("button[name=next]")
        # Every section is asked, also once trafficking is presumed (issue 18, bug 1).
        assert sections == ["act", "purpose", "vulnerability", "means", "smuggling"]
        outcome = page.locator("#outcome")
        expect(outcome).to_have_attribute("data-outcome", "presumed_trafficking")
        expect(outcome).to_have_text(words(language, "outcome", "presumed_trafficking"))
        walk.check("result")
        page.fill("#open-case input[name=given_name]", "Aminata")
        page.select_option("#open-case select[name=nationality]", "GIN")
        with page.expect_navigation():
            page.click("#open-case button[type=submit]")
        expect(page.locator("#case-opened")).to_be_visible()  # a screener hands over here
        walk.check("case-opened")
    api = site.world.api("case_worker")
    screening = api.get(f"/api/v1/screenings/{page.url.rsplit('/', 1)[1]}").json()
    case = api.get(f"/api/v1/cases/{screening['child_reference']}").json()
    assert "appoint_guardian" in {task["kind"] for task in case["tasks"]}  # unaccompanied


@pytest.mark.parametrize(LANGUAGE_AND_DEVICE, runs("case_worker"))
def test_case_worker_consent_referral_and_bed_by_links(
    site: Site, chromium: Browser, language: str, device: str
) -> None:
    case, service_id = site.queues.case, site.queues.service_id
    with journey(
        chromium, site.base, "case_worker", site.world.password, language=language, device=device
    ) as walk:
        page = walk.page
        walk.check("home")
        page.click(f"#queue-overdue a[href^='/cases/{case}']")
        expect(page.locator("nav.sections")).to_be_visible()
        walk.check("case")
        # Consent first, then a referral for it, then a bed: all from the case's links.
        page.select_option("#consent select[name=scope]", "referral")
        page.select_option("#consent select[name=purpose]", "family_tracing")
        page.click(f"form[action='/cases/{case}/consents'] button[type=submit]")
        # The recorded consent, not the select's option of the same name.
        purpose = words(language, "consent_purpose", "family_tracing")
        given_by = text(language, "given by")
        recorded = re.compile(rf"{re.escape(purpose)}\s*·\s*{re.escape(given_by)}")
        expect(page.locator("#consent li").filter(has_text=recorded)).to_have_count(1)
        page.click("#refer-case")
        walk.check("directory")
        page.click(f"a[href='/services/{service_id}?case={case}']")
        expect(page.locator("form[action='/referrals'] input[name=case]")).to_have_value(case)
        walk.check("service")
        page.select_option("form[action='/referrals'] select[name=purpose]", "family_tracing")
        page.click("form[action='/referrals'] button[type=submit]")
        expect(page.locator(".referral-state")).to_be_visible()
        walk.check("referral")
        page.click("#referral-case")
        page.click("#bed-for-case")
        expect(page.locator("form[action='/placement'] input[name=case]")).to_have_value(case)
        walk.check("placement")
        walk.menu("/referrals")
        walk.check("referrals")


@pytest.mark.parametrize(LANGUAGE_AND_DEVICE, runs("admin"))
def test_administrator_opens_an_account_after_a_refused_form(
    site: Site, chromium: Browser, language: str, device: str
) -> None:
    with journey(
        chromium,
        site.base,
        "administrator",
        site.world.password,
        language=language,
        device=device,
    ) as walk:
        page = walk.page
        walk.menu("/admin/users")
        walk.check("users")
        page.fill("#new-user input[name=username]", "Nom Avec Espaces")
        page.select_option("#new-user select[name=role]", "case_worker")
        page.click("#new-user button[type=submit]")
        # Explained beside the field in the page's language, keeping what was typed.
        problem = page.locator("#new-user .field-error")
        expect(problem).to_have_text(text(language, "Not in the expected format."))
        expect(page.locator("#new-user input[name=username]")).to_have_value("Nom Avec Espaces")
        expect(page.locator("#new-user select[name=role]")).to_have_value("case_worker")
        walk.check("users-refused")
        page.fill("#new-user input[name=username]", "nouvelle.agente")
        page.click("#new-user button[type=submit]")
        expect(page.locator("#password-once")).to_be_visible()
        walk.check("users-created")
        walk.menu("/admin/organisations")
        walk.check("organisations")


@pytest.mark.parametrize(LANGUAGE_AND_DEVICE, runs("shelter"))
def test_shelter_answers_a_referral_from_its_queue(
    site: Site, chromium: Browser, language: str, device: str
) -> None:
    referral_id = site.queues.referral_id
    with journey(
        chromium,
        site.base,
        "shelter_worker",
        site.world.password,
        language=language,
        device=device,
    ) as walk:
        page = walk.page
        direction = "rtl" if language == "ar" else "ltr"
        expect(page.locator("html")).to_have_attribute("dir", direction)
        walk.check("home")
        page.click(f"#queue-incoming a[href='/referrals/{referral_id}']")
        walk.check("referral")
        page.click("button[value=accept]")
        expect(page.locator("button[value=start]")).to_be_visible()
        walk.menu("/")
        expect(page.locator("#queue-arriving")).to_be_visible()
        walk.check("home-arriving")


@pytest.mark.parametrize(LANGUAGE_AND_DEVICE, runs("coordinator"))
def test_coordinator_escalation_queue(
    site: Site, chromium: Browser, language: str, device: str
) -> None:
    escalated_id = site.queues.escalated_id
    with journey(
        chromium, site.base, "coordinator", site.world.password, language=language, device=device
    ) as walk:
        page = walk.page
        expect(page.locator("#queue-escalated .timer")).to_be_visible()
        walk.check("home")
        page.click(f"#queue-escalated a[href='/placement/requests/{escalated_id}']")
        walk.check("request")
        walk.menu("/placement/queue")
        walk.check("queue")
        walk.menu("/linkage/notices")
        walk.check("notices")


@pytest.mark.parametrize(LANGUAGE_AND_DEVICE, runs("supervisor"))
def test_supervisor_approves_from_the_queue(
    site: Site, chromium: Browser, language: str, device: str
) -> None:
    case = site.queues.case
    with journey(
        chromium, site.base, "supervisor", site.world.password, language=language, device=device
    ) as walk:
        page = walk.page
        walk.check("home")
        page.click(f"#queue-approvals a[href^='/cases/{case}']")
        walk.check("case")
        walk.submit("#approval button[type=submit]")
        expect(page.locator("#care-plan-approved")).to_contain_text("supervisor")
        walk.menu("/")
        expect(page.locator("#queue-approvals")).not_to_contain_text(case)
        walk.check("home-after")


@pytest.mark.parametrize(LANGUAGE_AND_DEVICE, runs("dpo"))
def test_dpo_reads_a_childs_access_history(
    site: Site, chromium: Browser, language: str, device: str
) -> None:
    with journey(
        chromium,
        site.base,
        "data_protection_officer",
        site.world.password,
        language=language,
        device=device,
    ) as walk:
        page = walk.page
        walk.menu("/audit")
        walk.check("trail")
        page.fill("input[name=child]", site.queues.case)
        page.click("form[action='/audit'] button[type=submit]")
        expect(page.locator("table.trail tbody tr").first).to_contain_text(re.compile(r"\d"))
        walk.check("child-history")
