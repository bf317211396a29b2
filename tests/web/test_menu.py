"""The role menu is derived from the route policy: it shows every page the role may open and
nothing it may not, so no entry leads to a refusal and no reachable page needs a typed URL."""

from __future__ import annotations

import re

import pytest

from routecare.auth.roles import Role
from routecare.web.menu import MENU
from tests.conftest import World


def _menu_links(html: str) -> set[str]:
    menu = re.search(r'<nav class="menu".*?</nav>', html, re.S)
    return set(re.findall(r'href="([^"]+)"', menu.group(0))) if menu else set()


# Pages over queries tested on both databases elsewhere: SQLite alone keeps the suite lean.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_role_gets_exactly_the_pages_it_may_open(world: World) -> None:
    for role in Role:
        browser = world.browser(role.value)
        shown = _menu_links(browser.get("/").text)
        for entry in MENU:
            status = browser.get(entry.path).status_code
            if entry.path in shown:
                assert status == 200, (role, entry.path, status)
            else:
                # Hidden entries are refused to this role (or do not exist in this build).
                assert status in (403, 404), (role, entry.path, status)
        assert "/" in shown


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_menu_before_the_second_factor(world: World) -> None:
    world.deployment.settings.two_factor_required = True
    page = world.browser("administrator").get("/account/two-factor")
    assert page.status_code == 200
    assert _menu_links(page.text) == set()
