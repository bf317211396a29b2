"""What a reader sees on a page, and whether any of it is English or a stored code.

Shared by the server-side crawl (tests/web/test_page_language.py) and the browser pass
(tests/e2e/test_field_pages.py): the English msgids the catalogue translates differently and the
values of the enums `routecare.web.labels` labels must never be seen as they are in fr or ar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pycountry
from babel.messages.pofile import read_po

from routecare.web.labels import CODE_LABELS, LABELLED_ENUMS

LOCALES = Path(__file__).resolve().parents[2] / "src" / "routecare" / "web" / "locales"
HIDDEN = {"script", "style", "template", "title", "head"}
SHOWN_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
SEPARATORS = re.compile(r"\s*(?:·|:|\||—|–|\(|\))\s*")
# Within a list joined by commas only a code-shaped part is a tell: free text ("shelter,
# guardian, school") holds ordinary words that are also codes.
CODE_SHAPED = re.compile(r"_|[a-z][A-Z]|^[A-Z]{3}$")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self._hidden += 1
        shown = dict(attrs)
        for name in SHOWN_ATTRIBUTES:
            if shown.get(name):
                self.texts.append(str(shown[name]))
        if tag == "input" and shown.get("type") in ("submit", "button") and shown.get("value"):
            self.texts.append(str(shown["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(data)


def visible_texts(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.texts


@dataclass(frozen=True)
class Vocabulary:
    """What must not be seen in one language: English msgids and stored codes."""

    english: frozenset[str]
    english_patterns: tuple[re.Pattern[str], ...]
    codes: frozenset[str]


@cache
def vocabulary(code: str) -> Vocabulary:
    with (LOCALES / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = {m.id: m.string for m in read_po(handle, locale=code) if isinstance(m.id, str)}
    translations = {t for t in catalogue.values() if t}
    # A msgid is a tell only where the translation differs (French "Police" is "Police").
    english = {i for i, t in catalogue.items() if i and t and t != i and i not in translations}
    patterns = tuple(
        re.compile(
            "".join(
                r"\S+" if part.startswith("%(") else re.escape(part)
                for part in re.split(r"(%\(\w+\)[sd])", msgid)
            )
        )
        for msgid in english
        if "%(" in msgid and len(re.sub(r"%\(\w+\)[sd]", "", msgid)) > 12
    )
    codes = {member.value for enum in LABELLED_ENUMS for member in enum}
    codes |= set(CODE_LABELS["outcome"])
    codes |= {country.alpha_3 for country in pycountry.countries}
    return Vocabulary(
        english=frozenset(i for i in english if "%(" not in i),
        english_patterns=patterns,
        codes=frozenset(codes - translations),
    )


def fragments(texts: list[str]) -> tuple[set[str], set[str]]:
    """Each text and its parts between separators, whitespace collapsed; and the
    code-shaped items of comma-separated lists."""
    found: set[str] = set()
    listed: set[str] = set()
    for text in texts:
        whole = " ".join(text.split())
        found.add(whole)
        found.update(part for part in SEPARATORS.split(whole) if part)
        listed.update(item.strip() for item in whole.split(",") if CODE_SHAPED.search(item.strip()))
    return found, listed


def not_in_language(texts: list[str], code: str, ignore: frozenset[str] = frozenset()) -> list[str]:
    """The English strings and raw codes among a page's visible texts, for a page in `code`
    (`ignore`: what the page rightly shows as typed, such as the reader's username)."""
    words = vocabulary(code)
    parts, listed = fragments(texts)
    parts -= ignore
    problems = [f"English: {p!r}" for p in sorted(parts & words.english)]
    problems += [f"code: {p!r}" for p in sorted((parts | listed) & words.codes)]
    joined = "\n".join(" ".join(t.split()) for t in texts)
    problems += [
        f"English: {m.group(0)!r}" for p in words.english_patterns for m in [p.search(joined)] if m
    ]
    return problems
