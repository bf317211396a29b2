"""Every code a page can show has words in English, French and Arabic: each member of a
labelled enum, each country of ISO 3166 and each language of the route."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from routecare.web.i18n import load_translations
from routecare.web.labels import (
    CODE_LABELS,
    LABELLED_ENUMS,
    ROUTE_LANGUAGES,
    Labels,
    all_countries,
)
from tests.web.page_language import LOCALES

TRANSLATIONS = load_translations()


def labels(code: str) -> Labels:
    return Labels(TRANSLATIONS[code], code)


def test_every_member_of_a_labelled_enum_has_a_label() -> None:
    labelled = {code for codes in CODE_LABELS.values() for code in codes}
    missing = [
        f"{enum.__name__}.{m.name}" for enum in LABELLED_ENUMS for m in enum if m not in labelled
    ]
    assert not missing, missing


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_label_is_translated(language: str) -> None:
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = {m.id: m.string for m in read_po(handle) if m.id and not m.fuzzy}
    msgids = {msgid for codes in CODE_LABELS.values() for msgid in codes.values()}
    assert not [m for m in sorted(msgids) if not catalogue.get(m)]


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_countries_and_route_languages_have_names(language: str) -> None:
    words = labels(language)
    countries = [c for c in all_countries() if words("country", c) == c]
    languages = [c for c in ROUTE_LANGUAGES if words("language", c) == c]
    assert not countries and not languages, (countries, languages)
    assert words("language", "fuf") == {"en": "Pular", "fr": "Poular", "ar": "البولار"}[language]
    assert words("country", "GIN") == {"en": "Guinea", "fr": "Guinée", "ar": "غينيا"}[language]


def test_an_unknown_code_is_shown_as_is_so_the_page_test_catches_it() -> None:
    assert labels("fr")("stage", "no_such_stage") == "no_such_stage"
    assert labels("fr")("stage", None) == ""
