"""Every string the pages show exists in French and Arabic, and pages render in each."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.cases.helpers import create_case
from tests.conftest import World
from tests.screening.test_score_cli import strong_child_purpose

LOCALES = Path(__file__).resolve().parents[2] / "src" / "routecare" / "web" / "locales"


@pytest.mark.parametrize("code", ["fr", "ar"])
def test_every_message_is_translated(code: str) -> None:
    with (LOCALES / "messages.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    with (LOCALES / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        # A fuzzy entry is a guess pybabel made: it is never compiled, so the page shows English.
        catalogue = {m.id: m.string for m in read_po(handle, locale=code) if m.id and not m.fuzzy}
    missing = sorted(i for i in template if not catalogue.get(i))
    assert not missing, f"untranslated in {code}: {missing}"


@pytest.mark.parametrize(
    ("code", "direction", "word"),
    [("en", "ltr", "Work queues"), ("fr", "ltr", "Files de travail"), ("ar", "rtl", "قوائم العمل")],
)
def test_home_page_in_each_language(world: World, code: str, direction: str, word: str) -> None:
    browser = world.browser("case_worker")
    browser.cookies.set("routecare_lang", code)
    page = browser.get("/")
    assert f'lang="{code}" dir="{direction}"' in page.text
    assert word in page.text


def test_the_message_template_is_current() -> None:
    """Strings added to templates or code must be extracted (see docs/architecture.md)."""
    from babel.messages.extract import extract_from_dir

    root = LOCALES.parents[2]
    method_map = [("**/web/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(root), method_map, options_map=options)
    }
    with (LOCALES / "messages.pot").open("rb") as handle:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert not found - template, f"run pybabel extract: new strings {sorted(found - template)}"


def test_codes_of_a_child_read_in_arabic(world: World) -> None:
    """Sex and yes/no are stored as English codes; pages show them in the reader's language."""
    reference = create_case(world.api("case_worker"), sex="female", unaccompanied=True)["reference"]
    screening = world.api("screener").post(
        "/api/v1/screenings",
        json={"age": 15, "age_basis": "estimated", "answers": strong_child_purpose()},
    )
    for username, path in (
        ("case_worker", f"/children/{reference}"),
        ("screener", f"/screenings/{screening.json()['reference']}"),
    ):
        browser = world.browser(username)
        browser.cookies.set("routecare_lang", "ar")
        page = browser.get(path)
        assert page.status_code == 200, path
        assert "أنثى" in page.text, path
        assert ">female<" not in page.text and ">True<" not in page.text, path
