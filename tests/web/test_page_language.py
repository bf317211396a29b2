"""No page of the demo shows English or a stored code to a French or Arabic reader.

Every role's user signs in to the seeded demo and follows every link from the home page and
from each page route of the route table (two pages of each kind), then reads each page in
French and in Arabic. A msgid left untranslated, a template string without `_()` that is also a
msgid, or an enum value printed as is (`ForcedLabour`, `care_plan`, `GIN`) fails the test.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from routecare.auth.policy.routes import ROUTES
from routecare.demo.seed import seed_demo
from routecare.deployment import Deployment
from routecare.web.i18n import LANGUAGE_COOKIE
from tests.conftest import https_client, sign_in
from tests.web.page_language import not_in_language, visible_texts

PASSWORD = "demo password long enough"
# One user of each role in the first organisation, a shelter's and another country's staff.
READERS = [
    "screener",
    "caseworker",
    "supervisor",
    "coordinator",
    "dpo",
    "analyst",
    "admin",
    "shelter.ner",
    "caseworker.lby",
]
# Usernames are shown as typed; the demo's first ones are also role codes ("analyst").
USERNAMES = frozenset(READERS)
SKIPPED = re.compile(r"^/(api|static|language|logout|login|healthz|openapi)|/documents/")
PER_KIND = 2
LINK = re.compile(r'href="(/[^"#]*)"')


def page_routes() -> list[str]:
    """The page routes of the route table that name no record: each role's starting points."""
    return [
        path
        for method, path in ROUTES
        if method == "GET" and "{" not in path and not SKIPPED.search(path) and path != "/"
    ]


def kind_of(path: str) -> str:
    """Pages of one kind share a path once ids and references are blanked."""
    return "/".join("*" if any(c.isdigit() for c in part) else part for part in path.split("/"))


def crawl(client: TestClient, start: list[str]) -> dict[str, str]:
    """Every page reachable from `start` (at most PER_KIND of a kind): path -> html."""
    seen: dict[str, str] = {}
    per_kind: Counter[str] = Counter()
    queue = list(start)
    while queue:
        path = queue.pop(0)
        if (
            path in seen
            or SKIPPED.search(urlsplit(path).path)
            or per_kind[kind_of(path)] >= PER_KIND
        ):
            continue
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
        if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
            continue
        per_kind[kind_of(path)] += 1
        seen[path] = response.text
        queue.extend(link.replace("&amp;", "&") for link in LINK.findall(response.text))
    return seen


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_page_shows_english_or_a_code_in_french_or_arabic(
    deployment: Deployment, app: FastAPI
) -> None:
    seed_demo(deployment, PASSWORD)
    problems: dict[str, list[str]] = {}
    pages_read = 0
    for username in READERS:
        client = sign_in(https_client(app), username, PASSWORD)
        client.cookies.set(LANGUAGE_COOKIE, "fr")
        pages = crawl(client, ["/", *page_routes()])
        for code in ("fr", "ar"):
            client.cookies.set(LANGUAGE_COOKIE, code)
            for path, html in pages.items():
                text = html if code == "fr" else client.get(path).text
                found = not_in_language(visible_texts(text), code, USERNAMES)
                if found:
                    problems[f"{code} {username} {path}"] = found
                pages_read += 1
    assert pages_read > 100, pages_read
    assert not problems, "\n".join(f"{page}: {found}" for page, found in problems.items())
