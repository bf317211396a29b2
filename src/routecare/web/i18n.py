"""Languages and their Babel catalogues.

The `.po` files are the source of truth and are compiled in memory at start, so no compiled
`.mo` artefact has to be kept in step with them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGE_COOKIE = "routecare_lang"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself, as the switch shows it
    direction: str  # "ltr" or "rtl"


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "English", "ltr"),
    "fr": Language("fr", "Français", "ltr"),
    "ar": Language("ar", "العربية", "rtl"),
}
DEFAULT_LANGUAGE = "en"


def load_translations() -> dict[str, NullTranslations]:
    """Each language's catalogue; English is the source language and needs none."""
    catalogues: dict[str, NullTranslations] = {"en": NullTranslations()}
    for code in LANGUAGES:
        po_path = LOCALES_DIR / code / "LC_MESSAGES" / "messages.po"
        if code == DEFAULT_LANGUAGE or not po_path.exists():
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=code)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        catalogues[code] = Translations(fp=buffer)
    return catalogues


def language_of(request: Request) -> Language:
    """The language switch's choice (a cookie), else the signed-in user's own language, else
    the browser's preference, else English. Signing in and saving one's preferences set the
    cookie to the user's language, so a switch made on a shared computer does not outlive it."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return LANGUAGES[chosen]
    principal = getattr(request.state, "principal", None)
    preferred = getattr(principal, "language", None)
    if preferred in LANGUAGES:
        return LANGUAGES[preferred]
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return LANGUAGES[code]
    return LANGUAGES[DEFAULT_LANGUAGE]
