"""Journeys by links: from a case to a service, a bed or a referral with the case filled in;
a missing consent names itself and offers to record it; notes show who wrote them; a form's
problems come back next to their fields."""

from __future__ import annotations

import re

import pytest

from tests.cases.helpers import create_case
from tests.conftest import World, csrf_from
from tests.services.helpers import add_shelter_organisation, shelter


def _value_of(html: str, form_action: str, name: str) -> str | None:
    form = re.search(
        rf'<form method="post" action="{re.escape(form_action)}".*?</form>', html, re.S
    )
    assert form, form_action
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', form.group(0))
    return found.group(1) if found else None


# Pages over queries tested on both databases elsewhere: SQLite alone keeps the suite lean.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_from_a_case_every_next_step_is_a_link_with_the_case_filled_in(world: World) -> None:
    add_shelter_organisation(world)
    place = shelter(world)
    reference = create_case(world.api("case_worker"), given_name="Fatou")["reference"]
    browser = world.browser("case_worker")
    case = browser.get(f"/cases/{reference}").text
    assert f'href="/services?case={reference}"' in case
    assert f'href="/placement?case={reference}"' in case
    directory = browser.get(f"/services?case={reference}").text
    assert f'href="/services/{place.id}?case={reference}"' in directory
    service = browser.get(f"/services/{place.id}?case={reference}").text
    assert _value_of(service, "/referrals", "case") == reference
    assert _value_of(service, f"/services/{place.id}/reservations", "case") == reference
    assert f'href="/cases/{reference}"' in service  # and back
    placement = browser.get(f"/placement?case={reference}").text
    assert _value_of(placement, "/placement", "case") == reference
    # A crafted value is not carried (nor reflected) anywhere.
    crafted = browser.get(f'/services/{place.id}?case="><script>alert(1)</script>').text
    assert "<script>alert" not in crafted and _value_of(crafted, "/referrals", "case") == ""


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_missing_consent_is_named_and_offered_filled_in(world: World) -> None:
    add_shelter_organisation(world)
    place = shelter(world)
    reference = create_case(world.api("case_worker"))["reference"]
    browser = world.browser("case_worker")
    page = browser.get(f"/services/{place.id}?case={reference}")
    refused = browser.post(
        "/referrals",
        data={
            "csrf_token": csrf_from(page.text),
            "case": reference,
            "service_id": str(place.id),
            "purpose": "family_tracing",
        },
    )
    assert refused.status_code == 422
    assert "Family tracing" in refused.text
    offer = f'href="/cases/{reference}?scope=referral&amp;purpose=family_tracing#consent"'
    assert offer in refused.text
    case = browser.get(f"/cases/{reference}?scope=referral&purpose=family_tracing").text
    assert '<option value="referral" selected>' in case
    assert '<option value="family_tracing" selected>' in case
    browser.cookies.set("routecare_lang", "fr")
    french = browser.post(
        "/referrals",
        data={
            "csrf_token": csrf_from(page.text),
            "case": reference,
            "service_id": str(place.id),
            "purpose": "family_tracing",
        },
    )
    assert "Enregistrer ce consentement" in french.text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_notes_show_their_author_and_time(world: World) -> None:
    reference = create_case(world.api("case_worker"))["reference"]
    world.api("supervisor").post(
        f"/api/v1/cases/{reference}/notes", json={"body": "Met the child at the shelter"}
    )
    case = world.browser("case_worker").get(f"/cases/{reference}").text
    note = re.search(r'<li class="note">(.*?)</li>', case, re.S)
    assert note and 'class="author">supervisor<' in note.group(1)
    assert "(UTC)</time>" in note.group(1)  # the deployment zone: no user choice


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_stage_move_waits_for_what_is_missing_and_says_so(world: World) -> None:
    reference = create_case(world.api("case_worker"))["reference"]
    case = world.browser("case_worker").get(f"/cases/{reference}").text
    button = re.search(r'id="move-blocked">(.*?)</p>\s*<button type="submit"([^>]*)>', case, re.S)
    assert button and "disabled" in button.group(2)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_form_problems_are_named_per_field_without_echoing_values(world: World) -> None:
    browser = world.browser("case_worker")
    form = browser.get("/cases/new")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form.text)
    assert key
    browser.cookies.set("routecare_lang", "ar")
    refused = browser.post(
        "/cases",
        data={
            "csrf_token": csrf_from(form.text),
            "idempotency_key": key.group(1),
            "given_name": "Oumou",
            "sex": "female",
            "age": "400",
        },
    )
    assert refused.status_code == 422
    assert re.search(r'<li data-field="age">.*?</li>', refused.text, re.S)
    assert "Oumou" not in refused.text
    assert 'dir="rtl"' in refused.text and "This value is out of range." not in refused.text
