"""Every string the pages show exists in French and Arabic, and pages render in each."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import World

LOCALES = Path(__file__).resolve().parents[2] / "src" / "routecare" / "web" / "locales"


@pytest.mark.parametrize("code", ["fr", "ar"])
def test_every_message_is_translated(code: str) -> None:
    with (LOCALES / "messages.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    with (LOCALES / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = {m.id: m.string for m in read_po(handle, locale=code) if m.id}
    missing = sorted(i for i in template if not catalogue.get(i))
    assert not missing, f"untranslated in {code}: {missing}"


@pytest.mark.parametrize(("code", "direction", "word"),
                         [("en", "ltr", "Work queues"), ("fr", "ltr", "Files de travail"),
                          ("ar", "rtl", "قوائم العمل")])
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
